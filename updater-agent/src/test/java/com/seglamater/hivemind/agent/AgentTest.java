package com.seglamater.hivemind.agent;

import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.testing.Engine;
import com.seglamater.hivemind.agent.testing.TreeSource;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static com.seglamater.hivemind.agent.testing.FakeStack.SERVER;
import static com.seglamater.hivemind.agent.testing.FakeStack.UPDATER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The agent's operations over a real release tree made by manifest-signer and a fake stack. */
class AgentTest {

    @TempDir
    Path dir;

    ReleaseFixture release;
    Engine engine;
    Map<String, String> v1;
    Map<String, String> v2;

    @BeforeEach
    void setUp() throws Exception {
        release = new ReleaseFixture(Files.createDirectories(dir.resolve("release")));
        engine = new Engine(dir.resolve("agent"));
        v1 = engine.release("1.0.0", 'a', "4");
        v2 = Map.of(SERVER, engine.release("1.1.0", 'b', "5").get(SERVER), UPDATER, v1.get(UPDATER));
        engine.installed("1.0.0", v1);
    }

    private void publish(String version, Map<String, String> images) {
        release.publishOk("canary", version, "--image", SERVER + "=" + images.get(SERVER),
                "--image", UPDATER + "=" + images.get(UPDATER));
    }

    private Agent agent(AgentConfig.Approval approval) throws Exception {
        return engine.agent(approval, new TreeSource(release.tree), release.trustedKeyring());
    }

    @Test
    void aCheckInAutoModeInstallsTheNewRelease() throws Exception {
        publish("1.1.0", v2);

        OperationResult result = agent(AgentConfig.Approval.AUTO).check(false);

        assertThat(result.code()).isEqualTo(OperationCode.APPLIED);
        assertThat(engine.stack.imageOf(SERVER)).contains(v2.get(SERVER));
        assertThat(engine.store.load().installed().map(Release::version)).contains("1.1.0");
        // The same statement again is a no-op.
        engine.stack.calls.clear();
        assertThat(agent(AgentConfig.Approval.AUTO).check(false).code()).isEqualTo(OperationCode.UP_TO_DATE);
        assertThat(engine.stack.actions()).isEmpty();
    }

    @Test
    void inApprovalModeAReleaseWaitsForTheApprovalOfThatVersion() throws Exception {
        publish("1.1.0", v2);
        Agent agent = agent(AgentConfig.Approval.MANUAL);

        OperationResult check = agent.check(false);
        assertThat(check.code()).isEqualTo(OperationCode.AWAITING_APPROVAL);
        assertThat(check.version()).contains("1.1.0");
        assertThat(engine.stack.actions()).isEmpty();
        assertThat(engine.server.statuses.get(engine.server.statuses.size() - 1).state())
                .isEqualTo(AgentStatus.State.AWAITING_APPROVAL);

        // An approval of another version installs nothing.
        OperationResult wrong = agent.approve("1.2.0");
        assertThat(wrong.success()).isFalse();
        assertThat(wrong.code()).isEqualTo(OperationCode.NOT_CURRENT);
        assertThat(engine.stack.actions()).isEmpty();

        assertThat(agent.approve("1.1.0").code()).isEqualTo(OperationCode.APPLIED);
        assertThat(engine.stack.imageOf(SERVER)).contains(v2.get(SERVER));
    }

    @Test
    void aRolledBackReleaseIsNotRetriedUntilANewerStatementButCanBeForced() throws Exception {
        publish("1.1.0", v2);
        engine.stack.healthOfImage.put(v2.get(SERVER), "unhealthy");
        Agent agent = agent(AgentConfig.Approval.AUTO);
        assertThat(agent.check(false).code()).isEqualTo(OperationCode.ROLLED_BACK);
        engine.stack.calls.clear();

        OperationResult again = agent.check(false);
        assertThat(again.code()).isEqualTo(OperationCode.UPDATE_AVAILABLE);
        assertThat(again.message()).contains("rolled back");
        assertThat(engine.stack.actions()).as("not retried").isEmpty();

        engine.stack.healthOfImage.remove(v2.get(SERVER));
        assertThat(agent.check(true).code()).as("an operator forces it").isEqualTo(OperationCode.APPLIED);
    }

    @Test
    void aRefreshOfAFailedReleaseDoesNotBringItBackButAnotherReleaseIsTried() throws Exception {
        publish("1.1.0", v2);
        engine.stack.healthOfImage.put(v2.get(SERVER), "unhealthy");
        Agent agent = agent(AgentConfig.Approval.AUTO);
        assertThat(agent.check(false).code()).isEqualTo(OperationCode.ROLLED_BACK);
        engine.stack.calls.clear();

        // The weekly refresh re-signs 1.1.0 with a higher sequence: the same release would fail the same way.
        release.refresh("canary").assertSuccess();
        assertThat(agent.check(false).code()).isEqualTo(OperationCode.UPDATE_AVAILABLE);
        assertThat(engine.stack.actions()).isEmpty();

        Map<String, String> v3 = Map.of(SERVER, engine.release("1.1.1", 'c', "5").get(SERVER), UPDATER, v1.get(UPDATER));
        publish("1.1.1", v3);
        assertThat(agent.check(false).code()).isEqualTo(OperationCode.APPLIED);
    }

    @Test
    void aRefusedStatementChangesNothingAndIsReported() throws Exception {
        publish("1.1.0", v2);
        Path latest = release.latest("canary");
        byte[] bytes = Files.readAllBytes(latest);
        bytes[bytes.length / 2] ^= 1;
        Files.write(latest, bytes);

        OperationResult result = agent(AgentConfig.Approval.AUTO).check(false);

        assertThat(result.success()).isFalse();
        assertThat(result.code()).isEqualTo(OperationCode.REJECTED);
        assertThat(engine.stack.actions()).isEmpty();
        assertThat(engine.store.load().trust("canary")).isEmpty();
        assertThat(engine.store.load().lastCheck().orElseThrow().code()).isPresent();
        assertThat(engine.server.eventKinds()).contains("rejected");
    }

    @Test
    void aNewStatementRefusedForTheSameReasonAsTheOneBeforeIsReportedToo() throws Exception {
        Agent agent = agent(AgentConfig.Approval.AUTO);
        publish("1.1.0", v2);
        byte[] published = damageTheLatestStatement();
        assertThat(agent.check(false).reason()).contains("signature_rejected");
        assertThat(agent.check(false).reason()).as("the same statement again").contains("signature_rejected");
        assertThat(engine.server.eventKinds()).as("reported once").containsExactly("rejected");

        Files.write(release.latest("canary"), published); // manifest-signer publishes on an intact tree only
        Map<String, String> v3 = Map.of(SERVER, engine.release("1.2.0", 'c', "6").get(SERVER), UPDATER, v1.get(UPDATER));
        publish("1.2.0", v3);
        damageTheLatestStatement();
        OperationResult refused = agent.check(false);

        assertThat(refused.reason()).contains("signature_rejected");
        assertThat(engine.server.events).as("another statement, refused for the same reason")
                .extracting(e -> e.kind().wireName(), e -> e.code().orElseThrow())
                .containsExactly(tuple("rejected", "signature_rejected"), tuple("rejected", "signature_rejected"));
        assertThat(engine.stack.actions()).isEmpty();
    }

    /** Flips a bit of the channel's statement, as published; returns it as it was. */
    private byte[] damageTheLatestStatement() throws Exception {
        Path latest = release.latest("canary");
        byte[] published = Files.readAllBytes(latest);
        byte[] bytes = published.clone();
        bytes[bytes.length / 2] ^= 1;
        Files.write(latest, bytes);
        return published;
    }

    @Test
    void aChannelWithoutAReleaseIsANormalState() throws Exception {
        OperationResult result = agent(AgentConfig.Approval.AUTO).check(false);

        assertThat(result.success()).isTrue();
        assertThat(result.code()).isEqualTo(OperationCode.NO_RELEASE);
        assertThat(engine.store.load().lastError()).isEmpty();
    }

    @Test
    void backupAndRestoreGoThroughTheSameDumpCodeAndRestartTheServer() throws Exception {
        Agent agent = agent(AgentConfig.Approval.AUTO);
        OperationResult backup = agent.backup();
        assertThat(backup.code()).isEqualTo(OperationCode.BACKED_UP);
        Path dump = Path.of(backup.file().orElseThrow());
        assertThat(dump).exists();
        engine.stack.calls.clear();

        OperationResult restore = agent.restore(dump);

        assertThat(restore.code()).as(restore.message()).isEqualTo(OperationCode.RESTORED);
        assertThat(engine.stack.actions()).containsSubsequence("dump", "drain", "stop " + SERVER,
                "restore " + dump.getFileName(), "recreate " + SERVER);
    }
}
