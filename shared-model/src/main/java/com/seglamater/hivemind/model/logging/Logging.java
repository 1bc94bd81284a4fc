package com.seglamater.hivemind.model.logging;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Configures java.util.logging in code: one handler with {@link OneLineFormatter}, on stdout
 * for daemons (the server, the updater agent's {@code run}) and on stderr for command-line tools.
 * {@link #init()} must run before anything touches java.util.logging, so that
 * {@link KeepAliveLogManager} is installed and shutdown-hook messages still get printed.
 */
public final class Logging {

    private Logging() {
    }

    public static void init() {
        init(System.out, Level.INFO);
    }

    /** For command-line tools: only warnings and errors, on stderr, so that stdout carries just the result. */
    public static void initForCli() {
        init(System.err, Level.WARNING);
    }

    public static void init(java.io.PrintStream stream, Level level) {
        System.setProperty("java.util.logging.manager", KeepAliveLogManager.class.getName());
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        StreamHandler handler = new StreamHandler(stream, new OneLineFormatter()) {
            @Override
            public synchronized void publish(java.util.logging.LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(level);
    }

    /**
     * The JDK's LogManager resets (closes every handler) in its own shutdown hook, which
     * runs in no fixed order with ours: the "stopping" lines of a SIGTERM would get lost.
     */
    public static final class KeepAliveLogManager extends LogManager {
        @Override
        public void reset() {
            // Handlers stay open until the JVM exits; stdout is flushed after each record.
        }
    }
}
