package com.seglamater.hivemind.agent.compose;

import com.seglamater.hivemind.model.config.Durations;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Runs one external command (docker, docker compose) with a time bound, and logs its command
 * line and output lines. Environment values are never logged, and any of them a command echoes
 * is masked in the log and in error messages (the extra environment is where secrets would go).
 * A command that cannot start ({@link ProgramNotFoundException} when its program is not there),
 * outlives its bound (it is killed with its whole process tree), exits non-zero
 * ({@link CommandFailedException}) or prints more than {@link #MAX_STDOUT} bytes to a captured
 * stdout is a {@link ComposeException}.
 *
 * <p>Messages and the INFO log name a command by {@link Invocation#display()}, short enough that
 * the cause after it is read (a multi-line SQL argument would bury it); the whole command line
 * is logged at FINE.
 */
public final class ProcessRunner {

    /** Bound of a stdout that is captured for parsing (docker inspect of a few containers is far below it). */
    public static final int MAX_STDOUT = 1 << 20;
    /** Characters of stderr kept, from its end. */
    public static final int STDERR_TAIL = 64 * 1024;
    /** Environment values shorter than this are not masked: masking "1" would mask every digit. */
    static final int MIN_MASKED = 4;
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(ProcessRunner.class.getName());

    /**
     * @param stdout     captured stdout, UTF-8 (empty when it went to a file)
     * @param stderrTail last lines of stderr (masked), oldest first
     */
    public record Result(String stdout, List<String> stderrTail) {
        public Result {
            stderrTail = List.copyOf(stderrTail);
        }
    }

    /** Variables of the agent's own environment that a child keeps: the system's and the docker/compose clients'. */
    private static final Pattern INHERITED = Pattern.compile(
            "PATH|HOME|USER|LOGNAME|SHELL|TZ|TMPDIR|LANG|LANGUAGE|LC_[A-Z_]+|DOCKER_[A-Z0-9_]+|COMPOSE_[A-Z0-9_]+"
                    + "|BUILDKIT_[A-Z0-9_]+|SSL_CERT_FILE|SSL_CERT_DIR|(?i:https?_proxy|no_proxy)");

    /**
     * The environment of a docker or compose command: the system's variables, never the agent's
     * settings. Compose lets the caller's environment win over the stack's .env when it fills in
     * docker-compose.yml, and inside the stack the agent's environment holds container paths
     * (HIVEMIND_LOG_DIR, HIVEMIND_DATA_DIR) and, after `channel NAME`, an old channel: handed on,
     * they would recreate services with the agent's view instead of the operator's file. Secrets
     * (DB_PASSWORD) stay out of children that have no use for them, too.
     */
    static Map<String, String> childEnvironment(Map<String, String> own, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        own.forEach((name, value) -> {
            if (INHERITED.matcher(name).matches()) {
                env.put(name, value);
            }
        });
        env.putAll(extra);
        return env;
    }

    public Result run(Invocation invocation) throws ComposeException {
        String program = invocation.program();
        Masker masker = new Masker(invocation.environment());
        String command = masker.mask(invocation.display());
        ProcessBuilder builder = new ProcessBuilder(invocation.argv()).directory(invocation.directory().toFile());
        Map<String, String> environment = childEnvironment(System.getenv(), invocation.environment());
        builder.environment().clear();
        builder.environment().putAll(environment);
        invocation.stdinFrom().ifPresent(file -> builder.redirectInput(file.toFile()));
        invocation.stdoutTo().ifPresent(file -> builder.redirectOutput(file.toFile()));
        LOG.info(() -> "running " + command + " (in " + invocation.directory() + ")");
        LOG.fine(() -> "command line: " + masker.mask(invocation.commandLine()));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw cannotStart(invocation, command, e);
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
                List<String> cause = StderrCause.of(stderr.tail().stream().map(masker::mask).toList());
                throw new ComposeException(command + " did not finish within " + Durations.format(invocation.timeout())
                        + " and was killed" + (cause.isEmpty() ? "" : ": " + String.join(" | ", cause)));
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

    /**
     * Why a process did not start. Java says "Cannot run program" both when the program is missing
     * and when the working directory is: the directory is looked at first, then the program.
     */
    private static ComposeException cannotStart(Invocation invocation, String command, IOException e) {
        Path directory = invocation.directory();
        if (!Files.isDirectory(directory)) {
            return new ComposeException("cannot run " + command + ": its working directory " + directory
                    + (Files.exists(directory) ? " is not a directory" : " does not exist"), e);
        }
        String program = invocation.argv().get(0);
        if (!findable(program, Optional.ofNullable(System.getenv("PATH")).orElse(""))) {
            return new ProgramNotFoundException(program, program.contains("/")
                    ? program + " does not exist or is not executable"
                    : program + " is not installed or not on PATH", e);
        }
        return new ComposeException("cannot run " + command + ": " + e.getMessage(), e);
    }

    /** Whether {@code program} is an executable file: at its path, or (a bare name) in a directory of {@code path}. */
    static boolean findable(String program, String path) {
        try {
            if (program.contains("/")) {
                return executable(Path.of(program));
            }
            for (String dir : path.split(":", -1)) {
                if (executable(Path.of(dir.isEmpty() ? "." : dir, program))) {
                    return true;
                }
            }
            return false;
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static boolean executable(Path file) {
        return Files.isRegularFile(file) && Files.isExecutable(file);
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
