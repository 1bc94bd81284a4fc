package com.seglamater.hivemind.agent;

import com.seglamater.hivemind.agent.cli.ExitCode;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.control.ControlRequest;
import com.seglamater.hivemind.agent.state.AgentLock;
import com.seglamater.hivemind.agent.state.StateException;
import com.seglamater.hivemind.agent.testing.InProcessCli;
import com.seglamater.hivemind.agent.testing.ShortTempDir;
import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.model.testing.TestKey;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A container started with the stack directory missing or wrong: {@code run} says so in its
 * first line, naming the variable, before it takes the lock or reads anything else; {@code status}
 * does not need the stack.
 *
 * <p>And docs/threat-model.md: the agent refuses to start with a keyring none of whose
 * certificates can sign releases (all revoked, expired, or without a usable signing key), with one
 * line naming {@code HIVEMIND_UPDATE_KEYRING} and exit 2. Only the work that verifies statements
 * needs one (the daemon, check, approve, downgrade); rollback, backup, restore and the handoff of
 * an update do not, so that a lapsed keyring never stops an operator from undoing or saving anything.
 */
class DaemonStartTest {

    /** TEST-ONLY keys made 2026-01-01: whatever today is, these cannot sign now. */
    private static final TestKey CERTIFY_ONLY = TestKey.named("agent-certify-only").primaryFlags(KeyFlags.CERTIFY_OTHER)
            .build();
    private static final TestKey EXPIRED_SUBKEY = TestKey.named("agent-expired-subkey")
            .signingSubkey(KeyFlags.SIGN_DATA, true, Duration.ofDays(10)).build();
    private static final TestKey REVOKED = TestKey.ed25519("agent-revoked").revoke(TestKey.CREATED.plusSeconds(3600));
    private static final TestKey EXPIRED = TestKey.named("agent-expired").validFor(Duration.ofDays(30)).build();
    private static final TestKey SIGNS = TestKey.ed25519("agent-signs");

    private final ShortTempDir dir = new ShortTempDir();
    /** The deployment layout: the agent's data directory inside the stack directory. */
    private final Path stack = dir.resolve("stack");
    private final Path dataDir = stack.resolve("agent");
    private final Path keyring = dir.resolve("release-keys.asc");
    private final Map<String, String> env = new HashMap<>(Map.of(AgentConfig.PROJECT_DIR, stack.toString(),
            AgentConfig.DATA_DIR, dataDir.toString(), AgentConfig.KEYRING, keyring.toString()));

    @AfterEach
    void cleanUp() throws IOException {
        dir.close();
    }

    private InProcessCli.Result cli(String... args) {
        return InProcessCli.run(env, new ProductionAgents(), args);
    }

    @Test
    void runRefusesToStartWithoutTheStackDirectoryAndNamesTheVariable() {
        InProcessCli.Result run = cli("run");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("hivemind-updater: HIVEMIND_COMPOSE_PROJECT_DIR: the stack directory " + stack
                + " does not exist\n");
        assertThat(stack).as("not created by taking the lock in the data directory inside it").doesNotExist();
    }

    @Test
    void runRefusesToStartInAStackDirectoryWithoutAComposeFile() throws IOException {
        Files.createDirectories(stack);

        InProcessCli.Result run = cli("run");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("hivemind-updater: HIVEMIND_COMPOSE_PROJECT_DIR: the stack directory " + stack
                + " holds no docker-compose.yml (nor compose.yaml)\n");
    }

    @Test
    void runGetsPastTheStackCheckWithAComposeFile() throws IOException {
        composeFile();

        InProcessCli.Result run = cli("run");

        // The next thing it needs is the keyring, which this test does not give.
        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).startsWith("hivemind-updater: HIVEMIND_UPDATE_KEYRING: ");
    }

    @Test
    void statusNeedsNoStackDirectory() {
        InProcessCli.Result status = cli("status");

        assertThat(status.exitCode()).as(status.err()).isEqualTo(ExitCode.OK);
        assertThat(status.out()).contains("canary");
    }

    private void composeFile() throws IOException {
        Files.createDirectories(stack);
        Files.writeString(stack.resolve("docker-compose.yml"), "services: {}\n");
    }

    private void keyring(TestKey... keys) throws IOException {
        Files.write(keyring, TestKey.keyringOf(keys).encode());
    }

    /**
     * The command while this test holds the agent lock: the keyring is refused before the lock is
     * taken, and a daemon that did not refuse waits for the lock instead of running for good
     * (@Timeout then interrupts it), so a regression fails instead of hanging the build.
     */
    private InProcessCli.Result cliHoldingTheAgentLock(String... args) throws StateException {
        try (AgentLock held = AgentLock.tryAcquire(dataDir).orElseThrow()) {
            return cli(args);
        }
    }

    private String refusal() {
        return "hivemind-updater: HIVEMIND_UPDATE_KEYRING: '" + keyring + "' holds no certificate that can sign "
                + "releases now, so the agent would refuse every release (";
    }

    @Test
    @Timeout(30)
    void runRefusesToStartWhenNoCertificateCanSignAndSaysWhyForEach() throws Exception {
        composeFile();
        keyring(CERTIFY_ONLY, EXPIRED_SUBKEY, REVOKED, EXPIRED);

        InProcessCli.Result run = cliHoldingTheAgentLock("run");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err().lines()).singleElement().asString()
                .startsWith(refusal())
                .contains(CERTIFY_ONLY.fingerprint() + ": none of its keys may sign data (primary key [C], no subkey)")
                .contains(EXPIRED_SUBKEY.fingerprint() + ": no usable signing key: signing subkey "
                        + EXPIRED_SUBKEY.signingKeyFingerprint() + " expired at 2026-01-11T00:00:00Z")
                .contains(REVOKED.fingerprint() + ": revoked at 2026-01-01T01:00:00Z (key compromised")
                .contains(EXPIRED.fingerprint() + ": expired at 2026-01-31T00:00:00Z")
                .endsWith("); install the release team's current keyring");
        assertThat(run.out()).isEmpty();
        assertThat(dataDir.resolve("state.json")).as("no trusted state is written").doesNotExist();
    }

    @Test
    @Timeout(30)
    void checkRefusesTooWhenNoDaemonRuns() throws Exception {
        composeFile();
        keyring(CERTIFY_ONLY);

        for (List<String> command : List.of(List.of("check"), List.of("check", "--json"),
                List.of("check", "--apply", "--allow-downgrade"))) {
            InProcessCli.Result check = cliHoldingTheAgentLock(command.toArray(String[]::new));

            assertThat(check.exitCode()).as(command.toString()).isEqualTo(ExitCode.USAGE);
            assertThat(check.err().lines()).singleElement().asString().startsWith(refusal());
        }
        assertThat(dataDir.resolve("state.json")).doesNotExist();
    }

    @Test
    @Timeout(30)
    void fewerCertificatesThatCanSignThanTheThresholdIsRefusedToo() throws Exception {
        composeFile();
        keyring(SIGNS, CERTIFY_ONLY);
        env.put(AgentConfig.SIGNATURE_THRESHOLD, "2");

        InProcessCli.Result run = cliHoldingTheAgentLock("run");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err().lines()).singleElement().asString().startsWith("hivemind-updater: HIVEMIND_UPDATE_KEYRING: '"
                + keyring + "' holds 1 certificate(s) that can sign releases now, fewer than "
                + "HIVEMIND_UPDATE_SIGNATURE_THRESHOLD=2, so the agent would refuse every release ("
                + CERTIFY_ONLY.fingerprint() + ": none of its keys may sign data");
    }

    @Test
    void oneCertificateThatCanSignIsEnoughBesideOnesThatCannot() throws Exception {
        keyring(CERTIFY_ONLY, SIGNS, EXPIRED);

        assertThat(Assembly.keyringThatCanSign(AgentConfig.from(env), Instant.now()).certificates()).hasSize(3);
    }

    @Test
    void workThatVerifiesNothingTakesAKeyringThatCannotSign() throws Exception {
        keyring(CERTIFY_ONLY, EXPIRED_SUBKEY);
        AgentConfig config = AgentConfig.from(env);

        assertThatThrownBy(() -> Assembly.keyringThatCanSign(config, Instant.now())).isInstanceOf(ConfigException.class);
        // Rollback, backup, restore and the handoff read the keyring with this, and go on.
        assertThat(Assembly.keyring(config).certificates()).hasSize(2);
        assertThat(List.of(new ControlRequest.Check(false), new ControlRequest.Check(true), new ControlRequest.Approve("1.2.3"),
                new ControlRequest.Downgrade())).allMatch(ControlRequest::verifiesStatements);
        assertThat(List.of(new ControlRequest.Rollback(), new ControlRequest.Backup(),
                new ControlRequest.Restore("/var/backup/hivemind/x.sql"))).noneMatch(ControlRequest::verifiesStatements);
    }
}
