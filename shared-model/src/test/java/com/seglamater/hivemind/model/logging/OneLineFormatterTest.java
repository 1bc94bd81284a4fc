package com.seglamater.hivemind.model.logging;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class OneLineFormatterTest {

    @Test
    void writesTimeLevelLoggerAndMessageOnOneLine() {
        LogRecord record = new LogRecord(Level.WARNING, "first\nsecond");
        record.setLoggerName("com.seglamater.hivemind.server.Example");
        String line = new OneLineFormatter().format(record);
        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARNING "
                + "com\\.seglamater\\.hivemind\\.server\\.Example: first second" + System.lineSeparator());
    }

    @Test
    void appendsExceptionsAndCausesWithoutAStackTrace() {
        LogRecord record = new LogRecord(Level.SEVERE, "start-up failed");
        record.setLoggerName("main");
        record.setThrown(new IllegalStateException("outer", new IOException("disk\nfull")));
        String line = new OneLineFormatter().format(record);
        assertThat(line).endsWith("start-up failed | java.lang.IllegalStateException: outer | java.io.IOException: disk full"
                + System.lineSeparator());
        assertThat(line.strip()).doesNotContain("\n").doesNotContain("\tat ");
    }

    @Test
    void cutsALongLineToTheLimitAndCountsWhatWasCut() {
        // As a client could make it: a 100 KB chunk-size line quoted by a message and by an exception.
        String sent = "2;" + "a".repeat(100_000);
        String message = "POST /api/v1/session failed: " + sent;
        String exception = "For input string: \"" + sent + "\" under radix 16";
        LogRecord record = new LogRecord(Level.SEVERE, message);
        record.setLoggerName("com.seglamater.hivemind.server.web.ErrorHandling");
        record.setThrown(new NumberFormatException(exception));
        String line = new OneLineFormatter().format(record);

        assertThat(line).endsWith(System.lineSeparator());
        String text = line.substring(0, line.length() - System.lineSeparator().length());
        assertThat(text.length()).isBetween(OneLineFormatter.MAX_LINE_CHARS - 16, OneLineFormatter.MAX_LINE_CHARS);
        assertThat(text).doesNotContain("\n")
                .contains(" SEVERE com.seglamater.hivemind.server.web.ErrorHandling: POST /api/v1/session failed: 2;aaa");
        Matcher marker = Pattern.compile(" … \\[(\\d+) characters cut]$").matcher(text);
        assertThat(marker.find()).as(text.substring(text.length() - 80)).isTrue();
        int whole = "2026-11-24T09:12:44.123Z".length() + " SEVERE ".length() + record.getLoggerName().length() + 2
                + message.length() + " | java.lang.NumberFormatException: ".length() + exception.length();
        assertThat(text.length() - marker.group().length() + Integer.parseInt(marker.group(1))).isEqualTo(whole);
    }

    @Test
    void neverCutsACharacterInHalf() {
        for (int shift = 0; shift < 2; shift++) {
            String line = "x".repeat(shift) + "\uD83D\uDE00".repeat(OneLineFormatter.MAX_LINE_CHARS);
            String bounded = OneLineFormatter.bounded(line);
            assertThat(bounded.length()).isLessThanOrEqualTo(OneLineFormatter.MAX_LINE_CHARS);
            String kept = bounded.substring(0, bounded.indexOf(" … ["));
            assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).as("shift " + shift).isFalse();
        }
    }

    @Test
    void aLineAtTheLimitIsKeptWhole() {
        String line = "y".repeat(OneLineFormatter.MAX_LINE_CHARS);
        assertThat(OneLineFormatter.bounded(line)).isSameAs(line);
        String cut = OneLineFormatter.bounded(line + "z");
        assertThat(cut.length()).isLessThanOrEqualTo(OneLineFormatter.MAX_LINE_CHARS);
        assertThat(cut).startsWith("yyy").matches("y+ … \\[\\d+ characters cut]");
        assertThat(cut.indexOf(" … [") + Integer.parseInt(cut.replaceAll(".*\\[(\\d+) .*", "$1")))
                .isEqualTo(line.length() + 1);
    }
}
