package com.seglamater.hivemind.model.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The records one class's logger writes while a test runs, every level, from any thread. Close it
 * to detach; the logger's level (and whether it passes records on to the console) is restored.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final Level previousLevel;
    private final boolean previousUseParents;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture(Logger logger, boolean quiet) {
        this.logger = logger;
        this.previousLevel = logger.getLevel();
        this.previousUseParents = logger.getUseParentHandlers();
        setLevel(Level.ALL);
        // Whatever another test in this JVM made of the root logger's level.
        logger.setLevel(Level.ALL);
        if (quiet) {
            logger.setUseParentHandlers(false);
        }
        logger.addHandler(this);
    }

    /** The records of {@code source}'s logger (named after the class, as the code under test names it). */
    public static LogCapture of(Class<?> source) {
        return new LogCapture(Logger.getLogger(source.getName()), false);
    }

    /** As {@link #of}, and kept off the console: for a chatty test. */
    public static LogCapture quietly(Class<?> source) {
        return new LogCapture(Logger.getLogger(source.getName()), true);
    }

    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The messages of the records at exactly {@code level}, in order. */
    public List<String> messages(Level level) {
        return records.stream().filter(r -> r.getLevel().equals(level)).map(LogRecord::getMessage).toList();
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
        logger.removeHandler(this);
        logger.setUseParentHandlers(previousUseParents);
        logger.setLevel(previousLevel);
    }
}
