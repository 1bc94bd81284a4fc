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

    /** Size of one log file before it rotates, and how many are kept: at most 50 MiB per program. */
    public static final int FILE_LIMIT_BYTES = 10 * 1024 * 1024;
    public static final int FILE_COUNT = 5;

    /**
     * Also writes every record, one line each, to rotating files {@code dir/PROGRAM.0.log} (the
     * newest) to {@code PROGRAM.4.log}, {@link #FILE_LIMIT_BYTES} each: the log overflow beyond what
     * Docker keeps of a container's output ({@code HIVEMIND_LOG_DIR}). The directory must exist.
     *
     * @return the handler, added to the root logger
     * @throws java.io.IOException when the directory is missing or the file cannot be opened
     */
    public static Handler toFiles(java.nio.file.Path dir, String program) throws java.io.IOException {
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(dir.toString(), null, "not a directory");
        }
        java.util.logging.FileHandler handler = new java.util.logging.FileHandler(
                dir.resolve(program + ".%g.log").toString(), FILE_LIMIT_BYTES, FILE_COUNT, true);
        handler.setFormatter(new OneLineFormatter());
        handler.setEncoding(java.nio.charset.StandardCharsets.UTF_8.name());
        handler.setLevel(Level.ALL);
        LogManager.getLogManager().getLogger("").addHandler(handler);
        return handler;
    }

    /**
     * {@link #toFiles} for a directory an operator named in {@code variable}: a failure is the
     * configuration error that stops start-up with one line naming the variable.
     */
    public static Handler toFiles(java.nio.file.Path dir, String program, String variable)
            throws com.seglamater.hivemind.model.config.ConfigException {
        try {
            return toFiles(dir, program);
        } catch (java.io.IOException e) {
            throw new com.seglamater.hivemind.model.config.ConfigException(variable, "cannot write log files in "
                    + com.seglamater.hivemind.model.config.ConfigException.quote(dir.toString()) + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
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
