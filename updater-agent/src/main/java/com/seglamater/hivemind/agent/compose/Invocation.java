package com.seglamater.hivemind.agent.compose;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One command for the {@link ProcessRunner} to run, and how messages name it.
 *
 * @param argv        program and arguments (no shell is involved)
 * @param directory   working directory
 * @param environment added to the agent's own environment; values never logged
 * @param stdinFrom   file fed to stdin; without it stdin is closed at once
 * @param stdoutTo    file stdout is written to; without it stdout is captured (at most {@link ProcessRunner#MAX_STDOUT})
 * @param timeout     bound of the whole run
 * @param quietStdout stdout is not logged, even at FINE (it carries what must not reach logs,
 *                    such as the environment of a container in {@code docker inspect})
 * @param summary     how messages name the command; without it, {@link #abbreviate} of argv
 */
public record Invocation(List<String> argv, Path directory, Map<String, String> environment,
                         Optional<Path> stdinFrom, Optional<Path> stdoutTo, Duration timeout,
                         boolean quietStdout, Optional<String> summary) {

    /** Arguments longer than this, or on several lines (SQL), are abbreviated in messages. */
    static final int LONG_ARGUMENT = 60;
    /** What stands for an abbreviated argument. */
    static final String ABBREVIATED = "'<…>'";

    public Invocation {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(stdinFrom, "stdinFrom");
        Objects.requireNonNull(stdoutTo, "stdoutTo");
        Objects.requireNonNull(summary, "summary");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("no command");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    public static Invocation of(List<String> argv, Path directory, Duration timeout) {
        return new Invocation(argv, directory, Map.of(), Optional.empty(), Optional.empty(), timeout, false,
                Optional.empty());
    }

    public Invocation withEnvironment(Map<String, String> extra) {
        return new Invocation(argv, directory, extra, stdinFrom, stdoutTo, timeout, quietStdout, summary);
    }

    public Invocation withStdinFrom(Path file) {
        return new Invocation(argv, directory, environment, Optional.of(file), stdoutTo, timeout, quietStdout,
                summary);
    }

    public Invocation withStdoutTo(Path file) {
        return new Invocation(argv, directory, environment, stdinFrom, Optional.of(file), timeout, quietStdout,
                summary);
    }

    public Invocation withQuietStdout() {
        return new Invocation(argv, directory, environment, stdinFrom, stdoutTo, timeout, true, summary);
    }

    /** Names the command in messages by {@code text} (e.g. {@code docker compose exec hivemind-db psql …}). */
    public Invocation withSummary(String text) {
        return new Invocation(argv, directory, environment, stdinFrom, stdoutTo, timeout, quietStdout,
                Optional.of(text));
    }

    /** The command as messages and the INFO log name it: its summary, or its abbreviated command line. */
    public String display() {
        return summary.orElseGet(() -> abbreviate(argv));
    }

    /** The whole command line, for the FINE log. */
    public String commandLine() {
        return String.join(" ", argv);
    }

    /** The program's file name, which prefixes its output lines in the log. */
    public String program() {
        return fileName(argv.get(0));
    }

    /**
     * The program's file name and the arguments, each longer than {@link #LONG_ARGUMENT}
     * characters or on several lines shown as {@value #ABBREVIATED}: {@code psql -c '<…>'}.
     */
    public static String abbreviate(List<String> argv) {
        List<String> words = new ArrayList<>();
        words.add(fileName(argv.get(0)));
        for (String arg : argv.subList(1, argv.size())) {
            boolean abbreviated = arg.length() > LONG_ARGUMENT || arg.indexOf('\n') >= 0 || arg.indexOf('\r') >= 0;
            words.add(abbreviated ? ABBREVIATED : arg);
        }
        return String.join(" ", words);
    }

    private static String fileName(String program) {
        int slash = program.lastIndexOf('/');
        return slash < 0 ? program : program.substring(slash + 1);
    }
}
