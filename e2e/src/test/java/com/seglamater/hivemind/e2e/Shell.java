package com.seglamater.hivemind.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command the way an operator's shell would, bounded in time, and keeps what it printed.
 * Every call has a timeout: a hung docker or compose command fails the test instead of the build.
 */
final class Shell {

    private final Path dir;
    private final Map<String, String> env;

    Shell(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = Map.copyOf(env);
    }

    static Shell in(Path dir) {
        return new Shell(dir, Map.of());
    }

    Shell withEnv(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(more);
        return new Shell(dir, all);
    }

    Shell at(Path other) {
        return new Shell(other, env);
    }

    record Result(List<String> command, int exit, String out, String err) {
        boolean ok() {
            return exit == 0;
        }

        /** This result, or an AssertionError that quotes the command and what it printed. */
        Result orFail() {
            if (exit != 0) {
                throw new AssertionError(this);
            }
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " exited " + exit + "\n--- stdout\n" + tail(out) + "\n--- stderr\n"
                    + tail(err);
        }

        private static String tail(String text) {
            return text.length() <= 6000 ? text : "…" + text.substring(text.length() - 6000);
        }
    }

    Result run(Duration timeout, String... command) {
        return run(timeout, null, List.of(command));
    }

    Result run(Duration timeout, List<String> command) {
        return run(timeout, null, command);
    }

    /** Runs {@code bash -c script} (for the operator notes' pipelines, exactly as written). */
    Result bash(Duration timeout, String script) {
        return run(timeout, null, List.of("bash", "-c", script));
    }

    Result run(Duration timeout, byte[] stdin, List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile());
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Result(command, 127, "", "cannot run: " + e.getMessage());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread outPump = pump(process.getInputStream(), out);
        Thread errPump = pump(process.getErrorStream(), err);
        try {
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException ignored) {
                // the command did not read its input
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                outPump.join(2000);
                errPump.join(2000);
                return new Result(command, 124, text(out), text(err) + "\n(killed after " + timeout.toSeconds() + " s)");
            }
            outPump.join(10_000);
            errPump.join(10_000);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
        return new Result(command, process.exitValue(), text(out), text(err));
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        return Thread.ofPlatform().daemon().start(() -> {
            try (in) {
                in.transferTo(sink);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String text(ByteArrayOutputStream bytes) {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
