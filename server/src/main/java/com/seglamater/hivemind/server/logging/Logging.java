package com.seglamater.hivemind.server.logging;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Configures java.util.logging in code: one handler with {@link OneLineFormatter}, on stdout
 * for the server and on stderr for command-line tools.
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
        // The pool logs an unreachable database as SEVERE with its own wording; the command
        // says it in its one error line instead.
        Logger.getLogger("com.zaxxer.hikari").setLevel(Level.OFF);
    }

    private static void init(java.io.PrintStream stream, Level level) {
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
        // The JDBC driver and the embedded database's process output are chatty at INFO.
        Logger.getLogger("io.zonky.test.db.postgres.embedded").setLevel(Level.WARNING);
        Logger.getLogger("org.postgresql").setLevel(Level.WARNING);
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
