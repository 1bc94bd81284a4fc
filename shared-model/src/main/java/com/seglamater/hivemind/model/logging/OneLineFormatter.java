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
 */
public final class OneLineFormatter extends Formatter {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160)
                .append(TIME.format(Instant.ofEpochMilli(record.getMillis())))
                .append(' ').append(record.getLevel().getName())
                .append(' ').append(record.getLoggerName())
                .append(": ").append(formatMessage(record));
        for (Throwable t = record.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            line.append(" | ").append(t.getClass().getName());
            if (t.getMessage() != null) {
                line.append(": ").append(t.getMessage());
            }
        }
        return oneLine(line) + System.lineSeparator();
    }

    private static String oneLine(CharSequence text) {
        return text.toString().replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
