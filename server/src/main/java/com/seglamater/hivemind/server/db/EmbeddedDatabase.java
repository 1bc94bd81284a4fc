package com.seglamater.hivemind.server.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * A PostgreSQL server run by Hivemind itself in {@code <data dir>/postgres}, for a server
 * started without {@code HIVEMIND_DB_URL}. The data directory is kept between runs; the
 * server listens on 127.0.0.1 only, on a free port chosen at each start.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());
    static final String DATABASE = "hivemind";
    static final String USER = "postgres";
    static final Duration LEFTOVER_STOP_TIMEOUT = Duration.ofSeconds(30);

    static final String LOCK_FILE = "postgres.lock";

    private final EmbeddedPostgres postgres;
    private final Path directory;
    private final FileLock lock;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path directory, FileLock lock) {
        this.postgres = postgres;
        this.directory = directory;
        this.lock = lock;
    }

    /** Another live process (a running server, or the {@code users} command) has the embedded database open. */
    public static final class InUseException extends IOException {
        InUseException(Path dataDir) {
            super("the embedded database in " + dataDir.toAbsolutePath().normalize()
                    + " is in use by another Hivemind process (a running server?); stop it first");
        }
    }

    public static EmbeddedDatabase start(Path dataDir) throws IOException, SQLException {
        Path directory = dataDir.resolve("postgres").toAbsolutePath().normalize();
        Files.createDirectories(directory.getParent());
        // Held for as long as this process runs the database; the OS drops it when the process
        // dies, however it dies. Without it, a second process would take the first one's live
        // PostgreSQL for a leftover and stop it.
        FileLock lock = lock(dataDir, directory.getParent().resolve(LOCK_FILE));
        try {
            return start(directory, lock);
        } catch (IOException | SQLException | RuntimeException e) {
            release(lock);
            throw e;
        }
    }

    private static FileLock lock(Path dataDir, Path lockFile) throws IOException {
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new InUseException(dataDir);
            }
            return lock;
        } catch (OverlappingFileLockException e) {
            channel.close();
            throw new InUseException(dataDir);
        }
    }

    private static void release(FileLock lock) {
        try {
            lock.channel().close();
        } catch (IOException ignored) {
            // closing the channel releases the lock; nothing more can be done
        }
    }

    private static EmbeddedDatabase start(Path directory, FileLock lock) throws IOException, SQLException {
        boolean existing = Files.isRegularFile(directory.resolve("PG_VERSION"));
        LOG.info(() -> "no HIVEMIND_DB_URL set: starting the embedded PostgreSQL in " + directory
                + (existing ? " (existing data)" : " (new data directory)"));
        stopLeftoverServer(directory);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                // The library is made for tests: it starts postgres with -F (fsync off) and
                // synchronous_commit off. This database holds real data: turn both back on.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
        EmbeddedDatabase database = new EmbeddedDatabase(postgres, directory, lock);
        try {
            database.createDatabaseIfMissing();
        } catch (SQLException | RuntimeException e) {
            database.close();
            throw e;
        }
        LOG.info(() -> "embedded PostgreSQL is up on 127.0.0.1:" + postgres.getPort());
        return database;
    }

    /**
     * A server killed without its shutdown hook (SIGKILL, OOM killer) leaves its PostgreSQL
     * running on the data directory, and a new one cannot start there. If the pid in
     * {@code postmaster.pid} is a live postgres for this very directory, stop it first
     * (SIGTERM: PostgreSQL's smart shutdown; its clients died with the old server).
     */
    static void stopLeftoverServer(Path directory) throws IOException {
        Path pidFile = directory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        long pid;
        try (var lines = Files.lines(pidFile)) {
            pid = Long.parseLong(lines.findFirst().orElse("").strip());
        } catch (NumberFormatException e) {
            return; // not a pid file we understand: PostgreSQL itself will judge it
        }
        Optional<ProcessHandle> leftover = ProcessHandle.of(pid).filter(p -> p.info().commandLine()
                .map(line -> line.contains("postgres") && line.contains(directory.toString()))
                .orElse(false));
        if (leftover.isEmpty()) {
            return; // stale pid file: PostgreSQL removes it on start
        }
        LOG.warning(() -> "an embedded PostgreSQL from an earlier run (pid " + pid + ") still runs on "
                + directory + "; stopping it");
        leftover.get().destroy();
        try {
            leftover.get().onExit().get(LEFTOVER_STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IOException("the embedded PostgreSQL from an earlier run (pid " + pid
                    + ") did not stop within " + LEFTOVER_STOP_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the leftover embedded PostgreSQL", e);
        } catch (ExecutionException e) {
            throw new IOException("could not wait for the leftover embedded PostgreSQL to stop", e);
        }
    }

    private void createDatabaseIfMissing() throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet rs = exists.executeQuery()) {
                if (!rs.next()) {
                    try (Statement create = c.createStatement()) {
                        create.execute("CREATE DATABASE " + DATABASE);
                    }
                }
            }
        }
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl(USER, DATABASE);
    }

    public String user() {
        return USER;
    }

    @Override
    public void close() {
        try {
            postgres.close();
            LOG.info(() -> "embedded PostgreSQL in " + directory + " stopped");
        } catch (IOException e) {
            LOG.warning(() -> "stopping the embedded PostgreSQL failed: " + e.getMessage());
        } finally {
            release(lock);
        }
    }
}
