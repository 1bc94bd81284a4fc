package com.seglamater.hivemind.model.logging;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.LogRecord;

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
}
