package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.testing.InProcessCli;
import com.seglamater.hivemind.agent.testing.ShortTempDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

class CommandLineTest {

    private final ShortTempDir dir = new ShortTempDir();
    private final Updater updater = Updater.in(dir.path());

    @AfterEach
    void cleanUp() throws IOException {
        dir.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "run", "check", "status", "channel", "rollback", "backup", "restore"})
    void everyCommandsHelpListsTheExitCodes(String command) {
        String[] args = (command + " --help").strip().split(" ");
        InProcessCli.Result r = updater.run(args);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Usage: hivemind-updater").contains("Exit codes:")
                .contains("0   success").contains("1   operation failed").contains("2   usage or configuration error")
                .contains("3   busy").contains("4   unreachable").contains("5   internal error")
                .contains("--env-file=FILE").contains("--debug");
        assertThat(updater.agents.localConfigs).isEmpty();
        assertThat(updater.agents.daemonConfigs).isEmpty();
    }

    @Test
    void noCommandIsAUsageError() {
        InProcessCli.Result r = updater.run();
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString().startsWith("hivemind-updater: missing command");
    }

    @Test
    void unknownCommandOrOptionIsAUsageErrorOnOneLine() {
        InProcessCli.Result unknownCommand = updater.run("frobnicate");
        assertThat(unknownCommand.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(unknownCommand.errLines()).singleElement().asString().startsWith("hivemind-updater: ");

        InProcessCli.Result unknownOption = updater.run("check", "--aply");
        assertThat(unknownOption.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(unknownOption.errLines()).singleElement().asString().contains("--aply")
                .contains("hivemind-updater check --help");
        assertThat(updater.agents.operations.calls()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "check", "status", "channel", "rollback", "backup"})
    void aBadVariableIsExit2WithOneLineNamingIt(String command) {
        updater.env(AgentConfig.INTERVAL, "banana");

        InProcessCli.Result r = updater.run(command);

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString()
                .startsWith("hivemind-updater: HIVEMIND_UPDATE_INTERVAL: 'banana' is not a duration");
        assertThat(updater.agents.localConfigs).isEmpty();
        assertThat(updater.agents.daemonConfigs).isEmpty();
        assertThat(updater.agents.operations.calls()).isEmpty();
    }

    @Test
    void theEnvFileIsReadBeforeOrAfterTheCommandAndTheEnvironmentWinsOverIt() throws IOException {
        var file = dir.resolve("agent.env");
        Files.writeString(file, "HIVEMIND_UPDATE_CHANNEL=beta\nHIVEMIND_UPDATE_INTERVAL=7m\n");

        assertThat(updater.run("--env-file", file.toString(), "run").exitCode()).isZero();
        assertThat(updater.run("run", "--env-file=" + file).exitCode()).isZero();
        updater.env(AgentConfig.CHANNEL, "stable");
        assertThat(updater.run("run", "--env-file", file.toString()).exitCode()).isZero();

        assertThat(updater.agents.daemonConfigs).extracting(AgentConfig::channel).containsExactly("beta", "beta", "stable");
        assertThat(updater.agents.daemonConfigs).extracting(c -> c.interval().toMinutes()).containsOnly(7L);
    }

    @Test
    void aBadValueInTheEnvFileNamesTheVariable() throws IOException {
        var file = dir.resolve("agent.env");
        Files.writeString(file, "HIVEMIND_UPDATE_APPROVAL=sometimes\n");

        InProcessCli.Result r = updater.run("status", "--env-file", file.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString().startsWith("hivemind-updater: HIVEMIND_UPDATE_APPROVAL: ");
    }

    @Test
    void aMissingEnvFileIsAUsageError() {
        InProcessCli.Result r = updater.run("--env-file", dir.resolve("nope.env").toString(), "status");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString().isEqualTo("hivemind-updater: --env-file: '"
                + dir.resolve("nope.env") + "' does not exist");
    }

    @Test
    void anUnexpectedExceptionIsOneLineAndExit5WithTheStackOnlyWithDebug() {
        updater.agents.failing(new IllegalStateException("boom"));

        InProcessCli.Result plain = updater.run("backup");
        assertThat(plain.exitCode()).isEqualTo(ExitCode.INTERNAL);
        assertThat(plain.errLines()).singleElement().asString()
                .isEqualTo("hivemind-updater: internal error: java.lang.IllegalStateException: boom (run with --debug for details)");

        InProcessCli.Result debug = updater.run("backup", "--debug");
        assertThat(debug.exitCode()).isEqualTo(ExitCode.INTERNAL);
        assertThat(debug.err()).contains("IllegalStateException: boom").contains("\tat ");
    }

    @Test
    void runHandsTheConfigurationToTheDaemonAndExitsWithItsCode() {
        updater.agents.daemonExitCode = 0;
        assertThat(updater.run("run").exitCode()).isZero();
        updater.agents.daemonExitCode = ExitCode.FAILED;
        assertThat(updater.run("run").exitCode()).isEqualTo(ExitCode.FAILED);

        assertThat(updater.agents.daemonConfigs).hasSize(2)
                .allSatisfy(c -> assertThat(c.dataDir()).isEqualTo(dir.path()));
        assertThat(updater.agents.localConfigs).isEmpty();
    }

    @Test
    void runWhileAnotherDaemonHoldsTheLockIsBusy() {
        updater.agents.busy();

        InProcessCli.Result r = updater.run("run");

        assertThat(r.exitCode()).isEqualTo(ExitCode.BUSY);
        assertThat(r.errLines()).singleElement().asString().contains("agent lock").contains(dir.path().toString());
    }
}
