package com.seglamater.hivemind.server.ui;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** How the pages write times and other values; templates call these ({@code @import static}). */
public final class Format {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    /** Long user agents are cut to this in tables (the whole value is in the cell's title). */
    static final int SHORT_TEXT = 60;

    private Format() {
    }

    /** {@code 2026-12-06 14:05 UTC}: the server's times are UTC, and the pages say so. */
    public static String time(Instant instant) {
        return TIME.format(instant);
    }

    /** The time, or {@code absent} (such as "never"). */
    public static String time(Optional<Instant> instant, String absent) {
        return instant.map(Format::time).orElse(absent);
    }

    /** RFC 3339, for a {@code <time datetime>} attribute. */
    public static String iso(Instant instant) {
        return instant.toString();
    }

    /** {@code text}, cut to {@value #SHORT_TEXT} characters with an ellipsis. */
    public static String shorten(String text) {
        return text.length() <= SHORT_TEXT ? text : text.substring(0, SHORT_TEXT - 1) + "…";
    }
}
