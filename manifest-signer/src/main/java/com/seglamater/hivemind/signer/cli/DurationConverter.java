package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.config.Durations;
import picocli.CommandLine;

import java.time.Duration;

/**
 * Duration options in the project's one grammar ({@link Durations}: {@code 30s}, {@code 12h},
 * {@code 21d}); a bad value is a usage error (exit 2) with the grammar's message.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    /** Longer than any sensible validity: OpenPGP stores a key's expiry as 32-bit seconds after its creation. */
    static final Duration MAX = Duration.ofDays(100 * 365);

    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value, Duration.ofSeconds(1), MAX);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
