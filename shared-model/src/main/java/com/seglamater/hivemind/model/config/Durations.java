package com.seglamater.hivemind.model.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of Hivemind, for environment variables ({@code HIVEMIND_UPDATE_INTERVAL})
 * and command-line options ({@code manifest-signer --expires-in}) alike: a whole number of one to
 * six digits and one lower-case unit, {@code s}, {@code m}, {@code h} or {@code d}, with nothing
 * around them: {@code 30s}, {@code 15m}, {@code 12h}, {@code 21d}. Fractions, signs, spaces,
 * combinations ({@code 1h30m}), other units ({@code ms}, {@code w}, {@code y}) and ISO 8601
 * ({@code PT30S}) are refused. Each variable or option has its own range.
 * docs/operators.md ("Durations") documents it for operators and release engineers.
 */
public final class Durations {

    /** What the error messages say is accepted. */
    public static final String SYNTAX = "a whole number and s, m, h or d, such as 30m or 12h";

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})([smhd])");

    private Durations() {
    }

    /**
     * Parses {@code text} and checks it lies in {@code [min, max]}.
     *
     * @param name the variable or option, which the error names
     */
    public static Duration parse(String name, String text, Duration min, Duration max) throws ConfigException {
        try {
            return parse(text, min, max);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, e.getMessage());
        }
    }

    /**
     * Parses {@code text} and checks it lies in {@code [min, max]}.
     *
     * @throws IllegalArgumentException saying what is wrong, e.g. {@code '59s' is out of range (1m to 30d)}
     */
    public static Duration parse(String text, Duration min, Duration max) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(ConfigException.quote(text) + " is not a duration (" + SYNTAX + ")");
        }
        long amount = Long.parseLong(m.group(1));
        Duration duration = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
            throw new IllegalArgumentException(ConfigException.quote(text) + " is out of range (" + format(min) + " to "
                    + format(max) + ")");
        }
        return duration;
    }

    /**
     * The shortest exact form of a duration in whole seconds, which reads back as the same duration:
     * {@code 7d}, {@code 36h}, {@code 90s}, {@code 0s}. A fraction of a second is left out.
     */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s == 0) {
            return "0s";
        }
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3_600 == 0) {
            return s / 3_600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /**
     * Roughly, for people, in the two largest units and without a sign: {@code 20d 3h},
     * {@code 1h 30m}, {@code 45m}, {@code 12s} (how long until a channel expires, or since).
     */
    public static String describe(Duration d) {
        long seconds = Math.abs(d.getSeconds());
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3_600;
        long minutes = seconds % 3_600 / 60;
        if (days > 0) {
            return hours > 0 ? days + "d " + hours + "h" : days + "d";
        }
        if (hours > 0) {
            return minutes > 0 ? hours + "h " + minutes + "m" : hours + "h";
        }
        return minutes > 0 ? minutes + "m" : seconds + "s";
    }

    /**
     * The longest duration in one unit that is not longer than {@code d}, as a value to type:
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
}
