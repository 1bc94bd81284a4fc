package com.seglamater.hivemind.signer.cli;

import picocli.CommandLine;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as release engineers write them: a positive whole number and one unit, {@code s},
 * {@code m}, {@code h}, {@code d}, {@code w} or {@code y} (a year is 365 days), e.g. {@code 21d}.
 */
public final class Durations {

    private static final Pattern SYNTAX = Pattern.compile("([0-9]{1,9})([smhdwy])");
    /** Longer than any sensible validity; also keeps the arithmetic far from overflow. */
    public static final Duration MAX = Duration.ofDays(100 * 365);

    private Durations() {
    }

    /** @throws IllegalArgumentException with a message saying what is accepted */
    public static Duration parse(String text) {
        Matcher m = SYNTAX.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: use a number and a unit, "
                    + "s, m, h, d, w or y (e.g. 30s, 12h, 21d, 2w, 1y)");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            case "w" -> Duration.ofDays(7 * n);
            default -> Duration.ofDays(365 * n);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException("duration '" + text + "' must be greater than zero");
        }
        if (d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("duration '" + text + "' is longer than 100 years");
        }
        return d;
    }

    /** Compact rendering for output, e.g. {@code 20d 3h}, {@code 45m}, {@code 12s}. */
    public static String format(Duration d) {
        long seconds = Math.abs(d.getSeconds());
        long days = seconds / 86400;
        long hours = seconds % 86400 / 3600;
        long minutes = seconds % 3600 / 60;
        if (days > 0) {
            return hours > 0 ? days + "d " + hours + "h" : days + "d";
        }
        if (hours > 0) {
            return minutes > 0 ? hours + "h " + minutes + "m" : hours + "h";
        }
        return minutes > 0 ? minutes + "m" : seconds + "s";
    }

    /**
     * The longest duration in one unit that is not longer than {@code d}, as an option value:
     * {@code 9d} for 9 days 20 hours, {@code 5h} for 5 hours 40 minutes.
     */
    public static String formatAtMost(Duration d) {
        if (d.toDays() > 0) {
            return d.toDays() + "d";
        }
        if (d.toHours() > 0) {
            return d.toHours() + "h";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m";
        }
        return Math.max(0, d.getSeconds()) + "s";
    }

    /** picocli converter: a bad duration is a usage error (exit 2) with the parser's message. */
    public static final class Converter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
