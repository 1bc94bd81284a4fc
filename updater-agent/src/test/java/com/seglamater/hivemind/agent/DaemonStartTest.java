package com.seglamater.hivemind.agent;

import com.seglamater.hivemind.agent.cli.ExitCode;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.testing.ShortTempDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A container started with the stack directory missing or wrong: {@code run} says so in its
 * first line, naming the variable, before it takes the lock or reads anything else; {@code status}
 * does not need the stack.
 */
class DaemonStartTest {

    private final ShortTempDir dir = new ShortTempDir();
    /** The deployment layout: the agent's data directory inside the stack directory. */
    private final Path stack = dir.resolve("stack");
    private final Path dataDir = stack.resolve("agent");

    @AfterEach
    void cleanUp() throws IOException {
        dir.close();
    }

    private record Cli(int exitCode, String out, String err) {
    }

    private Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of(AgentConfig.PROJECT_DIR, stack.toString(),
                AgentConfig.DATA_DIR, dataDir.toString(),
                AgentConfig.KEYRING, dir.resolve("release-keys.asc").toString());
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(o, e, env, new ProductionAgents(), args);
        }
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void runRefusesToStartWithoutTheStackDirectoryAndNamesTheVariable() {
        Cli run = cli("run");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("hivemind-updater: HIVEMIND_COMPOSE_PROJECT_DIR: the stack directory " + stack
                + " does not exist\n");
        assertThat(stack).as("not created by taking the lock in the data directory inside it").doesNotExist();
    }

    @Test
    void runRefusesToStartInAStackDirectoryWithoutAComposeFile() throws IOException {
        Files.createDirectories(stack);

        Cli run = cli("run");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).isEqualTo("hivemind-updater: HIVEMIND_COMPOSE_PROJECT_DIR: the stack directory " + stack
                + " holds no docker-compose.yml (nor compose.yaml)\n");
    }

    @Test
    void runGetsPastTheStackCheckWithAComposeFile() throws IOException {
        Files.createDirectories(stack);
        Files.writeString(stack.resolve("docker-compose.yml"), "services: {}\n");

        Cli run = cli("run");

        // The next thing it needs is the keyring, which this test does not give.
        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).startsWith("hivemind-updater: HIVEMIND_UPDATE_KEYRING: ");
    }

    @Test
    void statusNeedsNoStackDirectory() {
        Cli status = cli("status");

        assertThat(status.exitCode()).as(status.err()).isEqualTo(ExitCode.OK);
        assertThat(status.out()).contains("canary");
    }
}
