package com.seglamater.hivemind.agent.compose;

import com.seglamater.hivemind.model.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ProcessRunnerTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    @Test
    void childrenGetTheSystemsAndDockersVariablesButNeverTheAgentsSettings() {
        Map<String, String> own = Map.ofEntries(Map.entry("PATH", "/usr/bin"), Map.entry("HOME", "/root"),
                Map.entry("LC_ALL", "C.UTF-8"), Map.entry("DOCKER_HOST", "unix:///x.sock"), Map.entry("COMPOSE_FILE", "a.yml"),
                Map.entry("https_proxy", "http://proxy:3128"),
                // What compose sets for the agent's own container: handed on, compose would fill docker-compose.yml
                // with the container's paths and a channel the operator has since changed.
                Map.entry("HIVEMIND_LOG_DIR", "/var/log/hivemind"), Map.entry("HIVEMIND_UPDATE_CHANNEL", "canary"),
                Map.entry("DB_PASSWORD", "secret"), Map.entry("ADMIN_API_KEY", "key"), Map.entry("JAVA_OPTS", "-Xmx1g"));
        Map<String, String> env = ProcessRunner.childEnvironment(own, Map.of("PGPASSWORD", "given"));
        assertThat(env).containsOnlyKeys("PATH", "HOME", "LC_ALL", "DOCKER_HOST", "COMPOSE_FILE", "https_proxy", "PGPASSWORD");
    }

    @TempDir
    Path dir;

    private final ProcessRunner runner = new ProcessRunner();
    private LogCapture log;

    /** Every message logged so far. */
    private List<String> logged() {
        return log.records().stream().map(LogRecord::getMessage).toList();
    }

    @BeforeEach
    void captureLog() {
        log = LogCapture.quietly(ProcessRunner.class); // the chatty test would flood the console
    }

    @AfterEach
    void releaseLog() {
        log.close();
    }

    private static Invocation bash(String script, Path dir) {
        return Invocation.of(List.of("bash", "-c", script), dir, BOUND);
    }

    @Test
    void capturesStdoutAndRunsInTheGivenDirectory() throws Exception {
        ProcessRunner.Result result = runner.run(bash("pwd; echo hello", dir));

        assertThat(result.stdout()).isEqualTo(dir.toRealPath() + "\nhello\n");
        assertThat(logged()).anyMatch(line -> line.contains("running bash -c pwd; echo hello"));
        assertThat(logged()).contains("bash: hello");
    }

    @Test
    void quietStdoutIsCapturedButNeverLoggedEvenAtFine() throws Exception {
        // Like `docker inspect`: the secret is in what the command prints, not in its arguments.
        Files.writeString(dir.resolve("loud.env"), "POSTGRES_PASSWORD=loud-one\n");
        Files.writeString(dir.resolve("quiet.env"), "POSTGRES_PASSWORD=hunter2-quiet\n");
        ProcessRunner.Result loud = runner.run(bash("cat loud.env", dir));
        ProcessRunner.Result quiet = runner.run(bash("cat quiet.env", dir).withQuietStdout());

        assertThat(loud.stdout()).contains("loud-one");
        assertThat(quiet.stdout()).contains("hunter2-quiet");
        assertThat(logged()).anyMatch(line -> line.contains("loud-one"));
        assertThat(logged()).noneMatch(line -> line.contains("hunter2-quiet"));
    }

    @Test
    void nonZeroExitLeadsWithTheShortCommandAndTheExitCodeThenTheLastStderrLine() {
        CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> runner.run(bash(
                "for i in $(seq 1 100); do echo \"problem $i\" >&2; done; exit 7", dir)));

        assertThat(e.exitCode()).isEqualTo(7);
        // The 66-character script is abbreviated; the cause ends the one line.
        assertThat(e.command()).isEqualTo("bash -c '<…>'");
        assertThat(e.getMessage()).isEqualTo("bash -c '<…>' failed (exit 7): problem 100");
        assertThat(e.stderrTail()).hasSize(100).endsWith("problem 99", "problem 100");
    }

    @Test
    void aMultiLineArgumentIsAbbreviatedInTheMessageAndTheInfoLogAndWholeOnlyAtFine() {
        String sql = "DO $$ BEGIN\n  PERFORM 1;\nEND $$";

        CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> runner.run(
                Invocation.of(List.of("bash", "-c", "echo \"$1\" >/dev/null; echo 'psql: error: boom' >&2; sleep 0; exit 3",
                        "bash", sql), dir, BOUND)));

        assertThat(e.getMessage()).isEqualTo("bash -c '<…>' bash '<…>' failed (exit 3): psql: error: boom");
        assertThat(log.records()).filteredOn(r -> r.getLevel().intValue() >= Level.INFO.intValue())
                .extracting(LogRecord::getMessage).noneMatch(line -> line.contains("PERFORM"))
                .anyMatch(line -> line.startsWith("running bash -c '<…>' bash '<…>' (in "));
        assertThat(log.records()).filteredOn(r -> r.getLevel() == Level.FINE).extracting(LogRecord::getMessage)
                .anyMatch(line -> line.startsWith("command line: bash -c") && line.contains(sql));
    }

    @Test
    void aSummaryNamesTheCommandInMessagesInsteadOfItsArguments() {
        Invocation named = bash("echo 'service \"db\" is not running' >&2; exit 1", dir)
                .withSummary("docker compose exec db psql …");

        assertThatThrownBy(() -> runner.run(named)).isInstanceOf(CommandFailedException.class)
                .hasMessage("docker compose exec db psql … failed (exit 1): service \"db\" is not running");
    }

    @Test
    void aFailureWithoutStderrSaysSo() {
        assertThatThrownBy(() -> runner.run(bash("exit 4", dir))).isInstanceOf(CommandFailedException.class)
                .hasMessage("bash -c exit 4 failed (exit 4), with nothing on stderr");
    }

    @Test
    @Timeout(30)
    void timeoutKillsTheWholeProcessTree() throws Exception {
        Path pid = dir.resolve("child.pid");
        Invocation hanging = new Invocation(List.of("bash", "-c", "echo waiting >&2; sleep 60 & echo $! > child.pid; wait"),
                dir, Map.of(), Optional.empty(), Optional.empty(), Duration.ofSeconds(1), false, Optional.empty());
        long started = System.nanoTime();

        assertThatThrownBy(() -> runner.run(hanging)).isInstanceOf(ComposeException.class)
                .isNotInstanceOf(CommandFailedException.class)
                .hasMessageContaining("bash -c echo waiting").hasMessageContaining("did not finish within 1s")
                .hasMessageContaining("waiting");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        long child = Long.parseLong(Files.readString(pid).strip());
        assertThat(FakeDocker.diesSoon(child)).as("the grandchild sleep is killed too").isTrue();
    }

    @Test
    @Timeout(60)
    void chattyProcessOnBothStreamsDoesNotDeadlockAndStderrIsBounded() throws Exception {
        // Far more than a pipe buffer on both streams at once: unread, either would block the process.
        ProcessRunner.Result result = runner.run(bash(
                "(seq 1 100000 | sed 's/^/err line with some padding /' >&2) & seq 1 100000; wait", dir));

        assertThat(result.stdout().lines()).hasSize(100000);
        assertThat(String.join("\n", result.stderrTail()).length()).isLessThanOrEqualTo(ProcessRunner.STDERR_TAIL);
        assertThat(result.stderrTail()).hasSizeGreaterThan(1000).last().isEqualTo("err line with some padding 100000");
    }

    @Test
    void stdoutBeyondTheBoundIsAFailure() {
        assertThatThrownBy(() -> runner.run(bash("head -c 2000000 /dev/zero", dir)))
                .isInstanceOf(ComposeException.class).hasMessageContaining("printed more than " + ProcessRunner.MAX_STDOUT);
    }

    @Test
    void longLinesAreCutInTheLog() throws Exception {
        runner.run(bash("head -c 100000 /dev/zero | tr '\\0' x >&2", dir));

        assertThat(logged()).anyMatch(line -> line.startsWith("bash: xxx") && line.endsWith(" …")
                && line.length() < OutputPump.MAX_LINE + 20);
    }

    @Test
    void streamsStdinFromAFileAndStdoutToAFileByteForByte() throws Exception {
        byte[] content = new byte[3_000_000];
        new Random(42).nextBytes(content);
        Path in = Files.write(dir.resolve("in.bin"), content);
        Path out = dir.resolve("out.bin");

        ProcessRunner.Result result = runner.run(Invocation.of(List.of("cat"), dir, BOUND).withStdinFrom(in).withStdoutTo(out));

        assertThat(Files.readAllBytes(out)).isEqualTo(content);
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void stdinIsClosedWhenNoFileIsGiven() throws Exception {
        assertThat(runner.run(bash("cat; echo done", dir)).stdout()).isEqualTo("done\n");
    }

    @Test
    void passesTheExtraEnvironmentButNeverLogsItsValues() {
        String secret = "s3cret-db-password";
        Invocation leaky = bash("echo \"password is $DB_PASSWORD\"; echo \"stderr has $DB_PASSWORD\" >&2; exit 1", dir)
                .withEnvironment(Map.of("DB_PASSWORD", secret));

        CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> runner.run(leaky));

        assertThat(logged()).anyMatch(line -> line.equals("bash: password is ***"));
        assertThat(logged()).anyMatch(line -> line.equals("bash: stderr has ***"));
        assertThat(logged()).noneMatch(line -> line.contains(secret));
        assertThat(e.getMessage()).contains("stderr has ***").doesNotContain(secret);
        assertThat(e.stderrTail()).noneMatch(line -> line.contains(secret));
    }

    @Test
    void anEnvironmentValueAmongTheArgumentsIsMaskedInTheMessageAndInEveryLogLine() {
        String secret = "s3cret-db-password";
        Invocation leaky = Invocation.of(List.of("bash", "-c", "echo \"bad password $1\" >&2; exit 1", "bash", secret),
                dir, BOUND).withEnvironment(Map.of("DB_PASSWORD", secret));

        CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> runner.run(leaky));

        assertThat(e.getMessage()).isEqualTo("bash -c echo \"bad password $1\" >&2; exit 1 bash *** failed (exit 1): "
                + "bad password ***");
        assertThat(logged()).isNotEmpty().noneMatch(line -> line.contains(secret));
    }

    @Test
    void theEnvironmentReachesTheProcess() throws Exception {
        Invocation withEnv = bash("echo \"$HIVEMIND_TEST_VALUE\"", dir).withEnvironment(Map.of("HIVEMIND_TEST_VALUE", "ab"));

        assertThat(runner.run(withEnv).stdout()).isEqualTo("ab\n");
    }

    @Test
    void aMissingProgramAtAPathIsAProgramNotFoundException() {
        String program = dir.resolve("no-such-program").toString();

        ProgramNotFoundException e = catchThrowableOfType(ProgramNotFoundException.class,
                () -> runner.run(Invocation.of(List.of(program, "compose", "ps"), dir, BOUND)));

        assertThat(e.program()).isEqualTo(program);
        assertThat(e.getMessage()).isEqualTo(program + " does not exist or is not executable");
    }

    @Test
    void aProgramNotOnPathIsSaidToBeNotInstalled() {
        String program = "hivemind-test-no-such-program";

        assertThatThrownBy(() -> runner.run(Invocation.of(List.of(program, "ps"), dir, BOUND)))
                .isInstanceOf(ProgramNotFoundException.class)
                .hasMessage(program + " is not installed or not on PATH");
    }

    @Test
    void aMissingWorkingDirectoryIsNotMistakenForAMissingProgram() {
        // Java says "Cannot run program "bash"" for both; bash is there, the directory is not.
        Path gone = dir.resolve("gone");

        assertThatThrownBy(() -> runner.run(bash("true", gone))).isInstanceOf(ComposeException.class)
                .isNotInstanceOf(ProgramNotFoundException.class)
                .hasMessage("cannot run bash -c true: its working directory " + gone + " does not exist");
    }

    @Test
    void programsAreLookedUpOnTheGivenPath() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = Files.writeString(bin.resolve("tool"), "#!/bin/sh\n");
        Path plain = Files.writeString(bin.resolve("plain"), "not executable");
        Files.setPosixFilePermissions(tool, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));

        assertThat(ProcessRunner.findable("tool", "/nonexistent:" + bin)).isTrue();
        assertThat(ProcessRunner.findable("tool", "/nonexistent")).isFalse();
        assertThat(ProcessRunner.findable("plain", bin.toString())).as("not executable").isFalse();
        assertThat(ProcessRunner.findable(tool.toString(), "")).isTrue();
        assertThat(ProcessRunner.findable(bin.toString(), "")).as("a directory").isFalse();
    }
}
