package com.seglamater.hivemind.server.testing;

import com.seglamater.hivemind.model.logging.OneLineFormatter;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log records the server in this JVM writes while a test runs: everything at INFO and above
 * (the loggers' default), and from {@code fine} loggers FINE too. Records from other threads
 * count: the server logs from its connection threads.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final List<Logger> fine;
    private final List<Level> previous;

    private LogCapture(List<Logger> fine) {
        this.fine = fine;
        this.previous = fine.stream().map(Logger::getLevel).toList();
        setLevel(Level.ALL);
        fine.forEach(logger -> logger.setLevel(Level.FINE));
        Logger.getLogger("").addHandler(this);
    }

    /** {@code fineLoggers}: names of loggers (and their children) whose FINE records are captured too. */
    public static LogCapture start(String... fineLoggers) {
        return new LogCapture(java.util.Arrays.stream(fineLoggers).map(Logger::getLogger).toList());
    }

    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    public List<LogRecord> atLeast(Level level) {
        return records.stream().filter(r -> r.getLevel().intValue() >= level.intValue()).toList();
    }

    /** Each record as the server writes it to its log: one line by {@link OneLineFormatter}. */
    public List<String> lines() {
        OneLineFormatter formatter = new OneLineFormatter();
        return records.stream().map(formatter::format).toList();
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
        for (int i = 0; i < fine.size(); i++) {
            fine.get(i).setLevel(previous.get(i));
        }
    }
}
