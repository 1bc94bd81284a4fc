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
import java.sql.DriverManager;
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
 * <p>
 * Two roles, each with its password in a file beside the cluster: the superuser
 * {@code postgres} owns the database and its schema and runs the migrations
 * ({@link #superuser()}); the server works as the {@link ApplicationRole} {@code hivemind}
 * ({@link #application()}), which can neither alter the schema nor rewrite the audit log.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class.getName());
    static final String DATABASE = "hivemind";
    static final String USER = "postgres";
    static final Duration LEFTOVER_STOP_TIMEOUT = Duration.ofSeconds(30);

    static final String LOCK_FILE = "postgres.lock";
    /** Beside the cluster directory, mode 0600: the superuser's password, made at first start. */
    static final String PASSWORD_FILE = "postgres.password";
    /**
     * Beside it, mode 0600: the application role's password, made at the first start that needs
     * it. Unlike the superuser's it can be lost: the next start makes and sets a new one.
     */
    static final String APPLICATION_PASSWORD_FILE = "hivemind.password";
    static final String SCRAM_ONLY = """
            # Written by Hivemind: every connection needs a password (HIVEMIND_DATA_DIR/postgres.password, hivemind.password).
            local   all   all                 scram-sha-256
            host    all   all   127.0.0.1/32  scram-sha-256
            host    all   all   ::1/128       scram-sha-256
            """;

    private final EmbeddedPostgres postgres;
    private final Path directory;
    private final FileLock lock;
    private final String password;
    private final String applicationPassword;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path directory, FileLock lock, String password,
                             String applicationPassword) {
        this.postgres = postgres;
        this.directory = directory;
        this.lock = lock;
        this.password = password;
        this.applicationPassword = applicationPassword;
    }

    /** A role to connect as, and its password. */
    public record Login(String user, String password) {
        @Override
        public String toString() {
            return "Login[user=" + user + "]";
        }
    }

    /** Another live process (a running server, the {@code users} or {@code audit} command) has the embedded database open. */
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

    /**
     * The embedded PostgreSQL that another live process (a running server) runs on {@code dataDir},
     * to work beside it as the application role: its port from the cluster's {@code postmaster.pid}
     * (whose process must be alive), the role's password from {@value #APPLICATION_PASSWORD_FILE}.
     * Both files are readable only by the user the server runs as, so only that user (or root) can
     * do this, as with the data itself. Empty when no such server runs there.
     */
    public static Optional<Running> running(Path dataDir) throws IOException {
        Path directory = dataDir.resolve("postgres").toAbsolutePath().normalize();
        Path pidFile = directory.resolve("postmaster.pid");
        Path passwordFile = directory.resolveSibling(APPLICATION_PASSWORD_FILE);
        if (!Files.isRegularFile(pidFile) || !Files.isRegularFile(passwordFile)) {
            return Optional.empty();
        }
        // postmaster.pid: pid, data directory, start time, port, socket directory, listen address, …
        java.util.List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 4) {
            return Optional.empty();
        }
        long pid;
        int port;
        try {
            pid = Long.parseLong(lines.get(0).strip());
            port = Integer.parseInt(lines.get(3).strip());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty() || port < 1 || port > 65535) {
            return Optional.empty();
        }
        return Optional.of(new Running("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE,
                new Login(ApplicationRole.EMBEDDED.name(), PasswordFile.readOrCreate(passwordFile)), directory));
    }

    /** Another process's embedded PostgreSQL: where it listens and the application role's login. */
    public record Running(String jdbcUrl, Login application, Path directory) {
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
        Path passwordFile = directory.resolveSibling(PASSWORD_FILE);
        boolean trusting = existing && trustsAnyone(directory);
        if (existing && !trusting && !Files.isRegularFile(passwordFile)) {
            throw new IOException("the embedded database in " + directory + " needs its password file " + passwordFile
                    + ", which is missing; restore it together with the data directory");
        }
        String password = PasswordFile.readOrCreate(passwordFile);
        String applicationPassword = PasswordFile.readOrCreate(directory.resolveSibling(APPLICATION_PASSWORD_FILE));
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                // The library is made for tests: it starts postgres with -F (fsync off) and
                // synchronous_commit off. This database holds real data: turn both back on.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                // And it lets every local user in as superuser without a password (initdb -A
                // trust). Any account on the host could then read or rewrite everything, the
                // append-only audit log included. A new cluster gets a password and SCRAM for
                // every connection, socket and TCP alike (these become initdb options).
                .setLocaleConfig("auth", "scram-sha-256")
                .setLocaleConfig("pwfile", passwordFile.toString())
                .setConnectConfig("password", password)
                .start();
        EmbeddedDatabase database = new EmbeddedDatabase(postgres, directory, lock, password, applicationPassword);
        try {
            if (trusting) {
                database.requirePassword();
            }
            database.createDatabaseIfMissing();
            database.setUpApplicationRole();
        } catch (SQLException | IOException | RuntimeException e) {
            database.close();
            throw e;
        }
        LOG.info(() -> "embedded PostgreSQL is up on 127.0.0.1:" + postgres.getPort()
                + " (password authentication; Hivemind works as role " + ApplicationRole.EMBEDDED.name() + ")");
        return database;
    }

    /** Whether pg_hba.conf lets someone in without a password (a cluster made before passwords were set). */
    static boolean trustsAnyone(Path directory) throws IOException {
        Path hba = directory.resolve("pg_hba.conf");
        if (!Files.isRegularFile(hba)) {
            return false;
        }
        try (var lines = Files.lines(hba)) {
            return lines.map(String::strip).filter(line -> !line.startsWith("#"))
                    .anyMatch(line -> line.matches(".*\\s(trust|password)(\\s.*)?"));
        }
    }

    /**
     * Upgrades a cluster made with trust authentication: the superuser gets the password and
     * pg_hba.conf is replaced with SCRAM rules, which PostgreSQL rereads at once.
     */
    private void requirePassword() throws SQLException, IOException {
        LOG.warning(() -> "the embedded PostgreSQL in " + directory + " let local users in without a password; "
                + "switching it to password authentication");
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            // The password is base64url: nothing in it needs escaping inside the literal.
            s.execute("ALTER ROLE " + USER + " WITH PASSWORD '" + password + "'");
            Files.writeString(directory.resolve("pg_hba.conf"), SCRAM_ONLY);
            s.execute("SELECT pg_reload_conf()");
        }
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

    /**
     * The application role, with what the schema holds so far (a cluster made before the role
     * existed holds tables already, and {@code users create} or {@code audit verify} may open it
     * before any migration runs); {@link Database#migrate()} grants again after migrating.
     */
    private void setUpApplicationRole() throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection()) {
            ApplicationRole.EMBEDDED.ensure(c, applicationPassword);
        }
        try (Connection c = connect(superuser())) {
            ApplicationRole.EMBEDDED.grant(c);
        }
    }

    /** The {@code hivemind} database, without a user: give one with {@link #superuser()} or {@link #application()}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + DATABASE;
    }

    /** The owner of the database and its schema: migrations only. */
    public Login superuser() {
        return new Login(USER, password);
    }

    /** The role the server works as. */
    public Login application() {
        return new Login(ApplicationRole.EMBEDDED.name(), applicationPassword);
    }

    /** A connection to the {@code hivemind} database as {@code login}. */
    public Connection connect(Login login) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), login.user(), login.password());
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
