package com.seglamater.hivemind.server.ratelimit;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.model.config.Durations;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rate: at most {@code permits} requests per {@code period}, with bursts of up to
 * {@code permits}. Written {@code N/PERIOD} in configuration ({@code 600/1m},
 * {@code 5/30s}, {@code 1000/1h}); {@link #toString()} gives the canonical form back.
 *
 * @param permits requests allowed per period, 1 to {@value #MAX_PERMITS}
 * @param period  a whole number of seconds, 1 s to 24 h
 */
public record RateLimit(int permits, Duration period) {

    public static final int MAX_PERMITS = 1_000_000;
    static final Duration MAX_PERIOD = Duration.ofHours(24);

    private static final Pattern RATE = Pattern.compile("([0-9]+)/([0-9]+[smhd])");
    private static final String FORMAT = "N/PERIOD such as 600/1m, or off";

    public RateLimit {
        Objects.requireNonNull(period, "period");
        if (permits < 1 || permits > MAX_PERMITS) {
            throw new IllegalArgumentException("permits " + permits + " is outside 1-" + MAX_PERMITS);
        }
        if (period.compareTo(Duration.ofSeconds(1)) < 0 || period.compareTo(MAX_PERIOD) > 0
                || period.getNano() != 0) {
            throw new IllegalArgumentException("period " + period + " is not a whole number of seconds in 1s-24h");
        }
    }

    /**
     * Reads {@code N/PERIOD}, or {@code off} in any case for no limit ({@link Optional#empty()}).
     * The text is taken as given: whitespace anywhere is an error, so callers strip first
     * (as {@code ServerConfig} does for every variable). The period is a duration as every
     * setting writes one ({@link Durations}: lower-case {@code s}, {@code m}, {@code h}, {@code d}).
     */
    public static Optional<RateLimit> parse(String variable, String text) throws ConfigException {
        Objects.requireNonNull(text, "text");
        if (text.equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        String quoted = ConfigException.quote(text);
        Matcher m = RATE.matcher(text);
        if (!m.matches()) {
            throw new ConfigException(variable, quoted + " is not a rate (" + FORMAT + ")");
        }
        long permits = boundedValue(m.group(1));
        if (permits < 1 || permits > MAX_PERMITS) {
            throw new ConfigException(variable, quoted + " has an invalid number of permits (1-" + MAX_PERMITS
                    + " per period, " + FORMAT + ")");
        }
        // The period in the one duration grammar of every setting (Durations), within 1s-24h.
        Duration period;
        try {
            period = Durations.parse(m.group(2), Duration.ofSeconds(1), MAX_PERIOD);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(variable, quoted + " has an invalid period (1s to 24h, such as 30s, 10m or 1h)");
        }
        return Optional.of(new RateLimit((int) permits, period));
    }

    /**
     * The digits' value, or {@link Long#MAX_VALUE} when it has more than ten significant
     * digits, which is out of every range here anyway; leading zeros are allowed.
     */
    private static long boundedValue(String digits) {
        String significant = digits.replaceFirst("^0+(?=.)", "");
        return significant.length() > 10 ? Long.MAX_VALUE : Long.parseLong(significant);
    }

    /** {@code N/PERIOD} with the period in the largest unit that divides it: 60 s is {@code 1m}. */
    @Override
    public String toString() {
        long seconds = period.toSeconds();
        if (seconds % 3600 == 0) {
            return permits + "/" + seconds / 3600 + "h";
        }
        if (seconds % 60 == 0) {
            return permits + "/" + seconds / 60 + "m";
        }
        return permits + "/" + seconds + "s";
    }
}
