package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.control.ControlServer;
import com.seglamater.hivemind.agent.ops.OperationCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.testing.InProcessCli;
import com.seglamater.hivemind.agent.testing.ScriptedOperations;
import com.seglamater.hivemind.agent.testing.ShortTempDir;
import com.seglamater.hivemind.model.admin.AdminJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** check, rollback, backup and restore: daemon first, else an agent in the CLI's process. */
class OperationCommandsTest {

    private final ShortTempDir dir = new ShortTempDir();
    private final Updater updater = Updater.in(dir.path());
    private final ScriptedOperations local = updater.agents.operations;

    @AfterEach
    void cleanUp() throws IOException {
        dir.close();
    }

    @Test
    void checkWithoutADaemonRunsLocallyUnderTheLockAndPrintsTheResult() {
        local.answering(OperationResult.ok("check", OperationCode.UP_TO_DATE, "Up to date: 1.2.3 runs, the newest on canary")
                .withVersion("1.2.3"));

        InProcessCli.Result r = updater.run("check");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("Up to date: 1.2.3 runs, the newest on canary\nversion: 1.2.3\n");
        assertThat(r.err()).isEmpty();
        assertThat(local.calls()).containsExactly("check apply=false");
        assertThat(updater.agents.localConfigs).singleElement().extracting(c -> c.dataDir()).isEqualTo(dir.path());
        assertThat(updater.agents.openAgents).as("the local agent (and its lock) is closed").hasValue(0);
    }

    @Test
    void eachCommandCallsItsOperation() throws IOException {
        Path dump = Files.writeString(dir.resolve("dump.sql"), "-- dump");

        assertThat(updater.run("check", "--apply").exitCode()).isZero();
        assertThat(updater.run("check", "--apply", "--allow-downgrade").exitCode()).isZero();
        assertThat(updater.run("rollback").exitCode()).isZero();
        assertThat(updater.run("backup").exitCode()).isZero();
        assertThat(updater.run("restore", dump.toString()).exitCode()).isZero();

        assertThat(local.calls()).containsExactly("check apply=true", "downgrade", "rollback", "backup",
                "restore " + dump);
        assertThat(updater.agents.openAgents).hasValue(0);
    }

    @Test
    void aDowngradeIsOnlyEverInstalledOnRequest() {
        InProcessCli.Result r = updater.run("check", "--allow-downgrade");

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("--allow-downgrade needs --apply");
        assertThat(local.calls()).isEmpty();
    }

    @ParameterizedTest(name = "{0} success={1} -> exit {2}")
    @CsvSource({
            "UP_TO_DATE, true, 0", "UPDATE_AVAILABLE, true, 0", "AWAITING_APPROVAL, true, 0", "APPLIED, true, 0",
            "NO_RELEASE, true, 0", "BACKED_UP, true, 0",
            "ROLLED_BACK, false, 1", "REJECTED, false, 1", "RESTORE_FAILED, false, 1", "NOTHING_TO_ROLL_BACK, false, 1",
            "BUSY, false, 3", "UNREACHABLE, false, 4", "UNREACHABLE, true, 4", "BAD_REQUEST, false, 5",
            "INTERNAL_ERROR, false, 5"})
    void theExitCodeFollowsTheOutcome(OperationCode code, boolean success, int exit) {
        local.answering(new OperationResult("check", success, code, Optional.empty(), "outcome " + code, Optional.empty(),
                Optional.empty()));

        assertThat(updater.run("check").exitCode()).isEqualTo(exit);
        assertThat(ExitCode.of(new OperationResult("check", success, code, Optional.empty(), "m", Optional.empty(), Optional.empty())))
                .isEqualTo(exit);
    }

    @Test
    void aFailedOperationIsPrintedOnStderr() {
        local.answering(OperationResult.failed("check", OperationCode.ROLLED_BACK,
                "the update to 1.3.0 failed (hivemind-server unhealthy) and was rolled back to 1.2.3").withVersion("1.3.0"));

        InProcessCli.Result r = updater.run("check", "--apply");

        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("hivemind-updater: the update to 1.3.0 failed (hivemind-server unhealthy) "
                + "and was rolled back to 1.2.3\nversion: 1.3.0\n");
    }

    @Test
    void jsonPrintsTheOperationResultWithItsSevenFields() throws IOException {
        OperationResult result = OperationResult.ok("backup", OperationCode.BACKED_UP, "database dumped").withFile("/b/1.sql");
        local.answering(result);

        InProcessCli.Result r = updater.run("backup", "--json");

        assertThat(r.exitCode()).isZero();
        JsonNode json = AdminJson.mapper().readTree(r.out());
        assertThat(json.properties()).extracting(e -> e.getKey())
                .containsExactly("operation", "success", "code", "reason", "message", "version", "file");
        assertThat(json.get("version").isNull()).isTrue();
        assertThat(json.get("reason").isNull()).isTrue();
        assertThat(AdminJson.mapper().readValue(r.out(), OperationResult.class)).isEqualTo(result);
    }

    @Test
    void anotherAgentHoldingTheLockWithoutADaemonIsBusy() {
        updater.agents.busy();

        InProcessCli.Result r = updater.run("rollback");

        assertThat(r.exitCode()).isEqualTo(ExitCode.BUSY);
        assertThat(r.errLines()).singleElement().asString().contains("agent lock in " + dir.path())
                .contains("no daemon answers");
        assertThat(local.calls()).isEmpty();
    }

    @Test
    void checkGoesToTheRunningDaemonAndNotToALocalAgent() throws IOException {
        ScriptedOperations daemon = new ScriptedOperations().answering(
                OperationResult.ok("check", OperationCode.APPLIED, "1.3.0 installed").withVersion("1.3.0"));
        try (ControlServer server = ControlServer.start(dir.path(), daemon)) {
            assertThat(server.socket()).as("the daemon listens").exists();
            InProcessCli.Result r = updater.run("check", "--apply");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.err()).isEqualTo("asking the running updater daemon…\n");
            assertThat(r.out()).isEqualTo("1.3.0 installed\nversion: 1.3.0\n");
        }
        assertThat(daemon.calls()).containsExactly("check apply=true");
        assertThat(updater.agents.localConfigs).isEmpty();
        assertThat(local.calls()).isEmpty();
    }

    @Test
    void everyOperationGoesToTheDaemonAndItsOutcomeGivesTheExitCode() throws IOException {
        Path dump = Files.writeString(dir.resolve("dump.sql"), "-- dump");
        ScriptedOperations daemon = new ScriptedOperations().answering(call -> call.startsWith("check")
                ? OperationResult.failed("check", OperationCode.UNREACHABLE, "updates.example.org did not answer")
                : OperationResult.ok(call.split(" ")[0], OperationCode.NOTHING_TO_DO, "done"));
        try (ControlServer server = ControlServer.start(dir.path(), daemon)) {
            assertThat(server.socket()).as("the daemon listens").exists();
            assertThat(updater.run("check").exitCode()).isEqualTo(ExitCode.UNREACHABLE);
            assertThat(updater.run("rollback").exitCode()).isZero();
            assertThat(updater.run("backup").exitCode()).isZero();
            assertThat(updater.run("restore", dump.toString()).exitCode()).isZero();
        }
        assertThat(daemon.calls()).containsExactly("check apply=false", "rollback", "backup", "restore " + dump);
        assertThat(local.calls()).isEmpty();
    }

    @Test
    void checkJsonCarriesTheRejectionReasonFromTheDaemonAndFromALocalAgent() throws IOException {
        OperationResult rejected = new OperationResult("check", false, OperationCode.REJECTED, Optional.of("signature_rejected"),
                "statement needs valid signatures by 1 trusted key(s), has 0: signature file is missing",
                Optional.empty(), Optional.empty());
        local.answering(rejected);

        InProcessCli.Result withoutDaemon = updater.run("check", "--json");

        assertThat(withoutDaemon.exitCode()).isEqualTo(ExitCode.FAILED);
        JsonNode json = AdminJson.mapper().readTree(withoutDaemon.out());
        assertThat(json.get("code").asText()).isEqualTo("rejected");
        assertThat(json.get("reason").asText()).isEqualTo("signature_rejected");
        try (ControlServer server = ControlServer.start(dir.path(), new ScriptedOperations().answering(rejected))) {
            assertThat(server.socket()).as("the daemon listens").exists();
            InProcessCli.Result fromDaemon = updater.run("check", "--json");

            assertThat(fromDaemon.exitCode()).isEqualTo(ExitCode.FAILED);
            assertThat(AdminJson.mapper().readTree(fromDaemon.out()).get("reason").asText()).isEqualTo("signature_rejected");
        }
    }

    @Test
    void jsonFromTheDaemonIsTheSameDocumentAndTheNoticeStaysOnStderr() throws IOException {
        OperationResult result = OperationResult.ok("check", OperationCode.UP_TO_DATE, "up to date").withVersion("1.2.3");
        try (ControlServer server = ControlServer.start(dir.path(), new ScriptedOperations().answering(result))) {
            assertThat(server.socket()).as("the daemon listens").exists();
            InProcessCli.Result r = updater.run("check", "--json");

            assertThat(r.exitCode()).isZero();
            assertThat(AdminJson.mapper().readValue(r.out(), OperationResult.class)).isEqualTo(result);
            assertThat(r.err()).contains("asking the running updater daemon");
        }
    }

    @Test
    void aSocketFileNobodyAnswersOnFallsBackToTheLocalAgent() throws IOException {
        Path socket = dir.resolve(ControlServer.SOCKET_FILE);
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();

        InProcessCli.Result r = updater.run("check");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).doesNotContain("asking");
        assertThat(local.calls()).containsExactly("check apply=false");
    }

    @Test
    void aDaemonThatHangsUpWithoutAnsweringIsAFailureNamingStatus() throws Exception {
        Path socket = dir.resolve(ControlServer.SOCKET_FILE);
        try (ServerSocketChannel rude = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            rude.bind(UnixDomainSocketAddress.of(socket));
            Thread hangUp = Thread.ofVirtual().start(() -> {
                try (SocketChannel c = rude.accept()) {
                    c.read(ByteBuffer.allocate(4096));
                } catch (IOException ignored) {
                    // The test's end.
                }
            });
            InProcessCli.Result r = updater.run("backup");
            hangUp.join();

            assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
            assertThat(r.errLines()).containsExactly("asking the running updater daemon…",
                    "hivemind-updater: no answer from the updater daemon: the updater daemon closed the connection "
                            + "without answering (see 'hivemind-updater status' for what happened)");
        }
        assertThat(local.calls()).as("the daemon may have done it: the CLI must not do it again").isEmpty();
    }

    @Test
    void restoreOfAMissingDumpIsAUsageErrorAndCallsNothing() {
        InProcessCli.Result r = updater.run("restore", dir.resolve("missing.sql").toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString()
                .isEqualTo("hivemind-updater: dump " + dir.resolve("missing.sql") + " does not exist");
        assertThat(local.calls()).isEmpty();
        assertThat(updater.agents.localConfigs).isEmpty();
    }

    @Test
    void restoreSendsTheDaemonAnAbsolutePath() throws IOException {
        // Surefire runs in the module directory, where pom.xml is: a relative path that exists.
        Path relative = Path.of("pom.xml");
        ScriptedOperations daemon = new ScriptedOperations();
        try (ControlServer server = ControlServer.start(dir.path(), daemon)) {
            assertThat(server.socket()).as("the daemon listens").exists();
            assertThat(updater.run("restore", relative.toString()).exitCode()).isZero();
        }
        assertThat(daemon.calls()).isEqualTo(List.of("restore " + relative.toAbsolutePath()));
    }
}
