package com.seglamater.hivemind.model.logging;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * One event per line, as {@code docker compose logs} shows best:
 * {@code 2026-11-24T09:12:44.123Z INFO com.example.Logger: message}. A throwable is
 * appended to the same line as its class and message (and its causes'), never a stack trace.
 * <p>
 * A line is at most {@value #MAX_LINE_CHARS} characters, whatever went into it (a message or an
 * exception can quote what a client sent): a longer one is cut and ends with
 * {@code … [N characters cut]}, so that one request cannot flood the log or its rotation.
 */
public final class OneLineFormatter extends Formatter {

    /** Without the line separator. */
    public static final int MAX_LINE_CHARS = 8 * 1024;
    /** A cycle of causes would otherwise never end the line. */
    private static final int MAX_CAUSES = 32;

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160)
                .append(TIME.format(Instant.ofEpochMilli(record.getMillis())))
                .append(' ').append(record.getLevel().getName())
                .append(' ').append(record.getLoggerName())
                .append(": ").append(formatMessage(record));
        int causes = 0;
        for (Throwable t = record.getThrown(); t != null && causes < MAX_CAUSES;
             t = t.getCause() == t ? null : t.getCause(), causes++) {
            line.append(" | ").append(t.getClass().getName());
            if (t.getMessage() != null) {
                line.append(": ").append(t.getMessage());
            }
        }
        return bounded(oneLine(line)) + System.lineSeparator();
    }

    private static String oneLine(CharSequence text) {
        return text.toString().replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }

    /** {@code line} itself, or its start and a marker saying how much was cut, {@link #MAX_LINE_CHARS} in all. */
    static String bounded(String line) {
        if (line.length() <= MAX_LINE_CHARS) {
            return line;
        }
        // The marker's length depends on the count it shows, which depends on where the cut is: take
        // room for the longest count a String can need, then count what was really cut.
        int keep = MAX_LINE_CHARS - marker(Integer.MAX_VALUE).length();
        if (Character.isHighSurrogate(line.charAt(keep - 1))) {
            keep--; // never half a character
        }
        return line.substring(0, keep) + marker(line.length() - keep);
    }

    private static String marker(int cut) {
        return " … [" + cut + " characters cut]";
    }
}
