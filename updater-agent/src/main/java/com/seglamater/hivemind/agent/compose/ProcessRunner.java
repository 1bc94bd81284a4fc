package com.seglamater.hivemind.agent.compose;

import com.seglamater.hivemind.model.config.Durations;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Runs one external command (docker, docker compose) with a time bound, and logs its command
 * line and output lines. Environment values are never logged, and any of them a command echoes
 * is masked in the log and in error messages (the extra environment is where secrets would go).
 * A command that cannot start, outlives its bound (it is killed with its whole process tree),
 * exits non-zero ({@link CommandFailedException}) or prints more than {@link #MAX_STDOUT} bytes
 * to a captured stdout is a {@link ComposeException} naming it.
 */
public final class ProcessRunner {

    /** Bound of a stdout that is captured for parsing (docker inspect of a few containers is far below it). */
    public static final int MAX_STDOUT = 1 << 20;
    /** Characters of stderr kept, from its end. */
    public static final int STDERR_TAIL = 64 * 1024;
    /** Lines of the stderr tail quoted in an error message. */
    static final int ERROR_LINES = 15;
    /** Environment values shorter than this are not masked: masking "1" would mask every digit. */
    static final int MIN_MASKED = 4;
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(ProcessRunner.class.getName());

    /**
     * One command to run.
     *
     * @param argv        program and arguments (no shell is involved)
     * @param directory   working directory
     * @param environment added to the agent's own environment; values never logged
     * @param stdinFrom   file fed to stdin; without it stdin is closed at once
     * @param stdoutTo    file stdout is written to; without it stdout is captured (at most {@link #MAX_STDOUT})
     * @param timeout     bound of the whole run
     * @param quietStdout stdout is not logged, even at FINE (it carries what must not reach logs,
     *                    such as the environment of a container in {@code docker inspect})
     */
    public record Invocation(List<String> argv, Path directory, Map<String, String> environment,
                             Optional<Path> stdinFrom, Optional<Path> stdoutTo, Duration timeout,
                             boolean quietStdout) {

        public Invocation {
            argv = List.copyOf(argv);
            environment = Map.copyOf(environment);
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(stdinFrom, "stdinFrom");
            Objects.requireNonNull(stdoutTo, "stdoutTo");
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("no command");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
        }

        public static Invocation of(List<String> argv, Path directory, Duration timeout) {
            return new Invocation(argv, directory, Map.of(), Optional.empty(), Optional.empty(), timeout, false);
        }

        public Invocation withEnvironment(Map<String, String> extra) {
            return new Invocation(argv, directory, extra, stdinFrom, stdoutTo, timeout, quietStdout);
        }

        public Invocation withStdinFrom(Path file) {
            return new Invocation(argv, directory, environment, Optional.of(file), stdoutTo, timeout, quietStdout);
        }

        public Invocation withStdoutTo(Path file) {
            return new Invocation(argv, directory, environment, stdinFrom, Optional.of(file), timeout, quietStdout);
        }

        public Invocation withQuietStdout() {
            return new Invocation(argv, directory, environment, stdinFrom, stdoutTo, timeout, true);
        }

        /** The command as it appears in logs and messages. */
        public String commandLine() {
            return String.join(" ", argv);
        }
    }

    /**
     * @param stdout     captured stdout, UTF-8 (empty when it went to a file)
     * @param stderrTail last lines of stderr (masked), oldest first
     */
    public record Result(String stdout, List<String> stderrTail) {
        public Result {
            stderrTail = List.copyOf(stderrTail);
        }
    }

    public Result run(Invocation invocation) throws ComposeException {
        String command = invocation.commandLine();
        String program = Path.of(invocation.argv().get(0)).getFileName().toString();
        Masker masker = new Masker(invocation.environment());
        ProcessBuilder builder = new ProcessBuilder(invocation.argv()).directory(invocation.directory().toFile());
        builder.environment().putAll(invocation.environment());
        invocation.stdinFrom().ifPresent(file -> builder.redirectInput(file.toFile()));
        invocation.stdoutTo().ifPresent(file -> builder.redirectOutput(file.toFile()));
        LOG.info(() -> "running " + command + " (in " + invocation.directory() + ")");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ComposeException("cannot run " + command + ": " + e.getMessage(), e);
        }
        closeQuietly(process);
        OutputPump stdout = invocation.stdoutTo().isPresent() ? null : new OutputPump(process.getInputStream(),
                MAX_STDOUT, 0, line -> {
                    if (!invocation.quietStdout()) {
                        LOG.fine(() -> program + ": " + masker.mask(line));
                    }
                });
        OutputPump stderr = new OutputPump(process.getErrorStream(), 0, STDERR_TAIL,
                line -> LOG.info(() -> program + ": " + masker.mask(line)));
        try {
            if (!process.waitFor(invocation.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                killTree(process);
                drain(stdout, stderr);
                throw new ComposeException(command + " did not finish within " + Durations.format(invocation.timeout())
                        + " and was killed" + quote(stderr.tail().stream().map(masker::mask).toList()));
            }
            drain(stdout, stderr);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new ComposeException(command + " was interrupted and killed", e);
        }
        List<String> tail = stderr.tail().stream().map(masker::mask).toList();
        if (process.exitValue() != 0) {
            throw new CommandFailedException(command, process.exitValue(), tail);
        }
        if (stdout != null && stdout.overflowed()) {
            throw new ComposeException(command + " printed more than " + MAX_STDOUT + " bytes, more than the agent reads");
        }
        LOG.fine(() -> command + " finished");
        return new Result(stdout == null ? "" : new String(stdout.captured(), StandardCharsets.UTF_8), tail);
    }

    /** Its children first noted, then the process, then them: a killed parent's children are reparented, not killed. */
    private static void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(DRAIN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for both readers; a daemonized grandchild holding a pipe open must not hang the agent. */
    private static void drain(OutputPump stdout, OutputPump stderr) throws InterruptedException {
        boolean closed = (stdout == null || stdout.await(DRAIN_WAIT)) & stderr.await(DRAIN_WAIT);
        if (!closed) {
            LOG.warning("a process left its output open after it exited; reading stopped");
        }
    }

    private static void closeQuietly(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // Nothing was written; a pipe that cannot be closed changes nothing.
        }
    }

    /** The last lines of a stderr tail, for an error message ("" when there are none). */
    static String quote(List<String> tail) {
        if (tail.isEmpty()) {
            return "";
        }
        return ": " + String.join(" | ", tail.subList(Math.max(0, tail.size() - ERROR_LINES), tail.size()));
    }

    /** Replaces the values of the extra environment in text that is logged or shown. */
    record Masker(Map<String, String> environment) {
        String mask(String text) {
            String masked = text;
            for (String value : environment.values()) {
                if (value.length() >= MIN_MASKED) {
                    masked = masked.replace(value, "***");
                }
            }
            return masked;
        }
    }
}
