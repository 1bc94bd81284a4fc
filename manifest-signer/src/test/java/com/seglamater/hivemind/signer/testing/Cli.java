package com.seglamater.hivemind.signer.testing;

import com.seglamater.hivemind.signer.Main;
import com.seglamater.hivemind.signer.cli.Terminal;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs {@code manifest-signer} in-process, as {@code main} would, with a fixed clock and captured output. */
public final class Cli {

    public record Result(int exitCode, String out, String err) {

        /** This result, unless the command failed: then the test fails with its output. For setup steps. */
        public Result assertSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("command failed: " + this);
            }
            return this;
        }

        /** Non-empty lines of stderr. */
        public List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Clock clock;
    private final Map<String, String> env = new HashMap<>();
    private Optional<Terminal> terminal = Optional.empty();

    public Cli(Instant now) {
        this.clock = Clock.fixed(now, ZoneOffset.UTC);
    }

    public Cli at(Instant now) {
        this.clock = Clock.fixed(now, ZoneOffset.UTC);
        return this;
    }

    public Cli env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public Cli terminal(Terminal terminal) {
        this.terminal = Optional.of(terminal);
        return this;
    }

    public Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(o, e, clock, env, terminal, args);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
