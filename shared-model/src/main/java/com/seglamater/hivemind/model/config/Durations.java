package com.seglamater.hivemind.model.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: a whole number and a unit, {@code 30s}, {@code 15m}, {@code 12h}, {@code 7d}. */
public final class Durations {

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})([smhd])");

    private Durations() {
    }

    /** Parses {@code text} and checks it lies in {@code [min, max]}; the error names {@code variable}. */
    public static Duration parse(String variable, String text, Duration min, Duration max) throws ConfigException {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new ConfigException(variable, ConfigException.quote(text)
                    + " is not a duration (a whole number and s, m, h or d, such as 30m or 12h)");
        }
        long amount = Long.parseLong(m.group(1));
        Duration duration = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
            throw new ConfigException(variable, ConfigException.quote(text) + " is out of range (" + format(min) + " to "
                    + format(max) + ")");
        }
        return duration;
    }

    /** The shortest exact form: {@code 7d}, {@code 12h}, {@code 90s}. */
    public static String format(Duration d) {
        long s = d.toSeconds();
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
}
