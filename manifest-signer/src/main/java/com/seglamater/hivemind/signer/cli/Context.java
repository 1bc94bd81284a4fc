package com.seglamater.hivemind.signer.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a command may use from the outside world, passed in by {@code Main} so tests can give
 * their own streams, a fixed clock, an environment and a scripted (or no) terminal.
 */
public record Context(PrintStream out, PrintStream err, Clock clock, Map<String, String> env,
                      Optional<Terminal> terminal) {

    public Context {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(clock, "clock");
        env = Map.copyOf(env);
        Objects.requireNonNull(terminal, "terminal");
    }

    /** The current time, whole seconds (statements and signatures carry seconds). */
    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
