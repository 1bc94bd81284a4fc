package com.seglamater.hivemind.server.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;

import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.logging.Logger;

/**
 * The connection pool, the Helidon {@link DbClient} that runs the server's queries on it, and
 * the embedded PostgreSQL behind it when no external database is configured. The health
 * check uses the pool directly, and so does Flyway for an external database ({@link #migrate()});
 * everything else goes through {@link #client()}, so there is one pool. Closing closes the pool first, then stops the embedded server.
 */
public final class Database implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Database.class.getName());

    /** How long a caller (and so /health) waits for a connection before calling the database down. */
    static final long CONNECTION_TIMEOUT_MS = 2_000;
    static final int MAX_POOL_SIZE = 10;

    private final HikariDataSource pool;
    private final Optional<EmbeddedDatabase> embedded;
    private final boolean beside;
    private final DbClient client;

    private Database(HikariDataSource pool, Optional<EmbeddedDatabase> embedded) {
        this(pool, embedded, false);
    }

    private Database(HikariDataSource pool, Optional<EmbeddedDatabase> embedded, boolean beside) {
        this.pool = pool;
        this.embedded = embedded;
        this.beside = beside;
        this.client = JdbcClientBuilder.create()
                .connectionPool(() -> {
                    try {
                        return pool.getConnection();
                    } catch (SQLException e) {
                        throw new DbClientException("no database connection", e);
                    }
                })
                .build();
    }

    public static Database open(DatabaseSettings settings) throws IOException, SQLException {
        if (settings.url().isPresent()) {
            LOG.info(() -> "using the external PostgreSQL of HIVEMIND_DB_URL as role " + settings.user());
            return new Database(pool(settings.url().get(), settings.user(), settings.password()), Optional.empty());
        }
        EmbeddedDatabase embedded = EmbeddedDatabase.start(settings.dataDir());
        try {
            EmbeddedDatabase.Login app = embedded.application();
            return new Database(pool(embedded.jdbcUrl(), app.user(), Optional.of(app.password())), Optional.of(embedded));
        } catch (RuntimeException e) {
            embedded.close();
            throw e;
        }
    }

    /**
     * For the commands ({@code users create}, {@code users list}): as {@link #open}, but when the
     * embedded database is in use by a running server, works beside it, through that server's
     * PostgreSQL as the application role (as the server itself does), instead of refusing. The
     * schema is then the running server's: {@link #migrate()} leaves it alone.
     */
    public static Database openBesideServer(DatabaseSettings settings) throws IOException, SQLException {
        try {
            return open(settings);
        } catch (EmbeddedDatabase.InUseException e) {
            Optional<EmbeddedDatabase.Running> running = EmbeddedDatabase.running(settings.dataDir());
            if (running.isEmpty()) {
                throw e;
            }
            LOG.info(() -> "the embedded database in " + running.get().directory() + " is run by a live Hivemind "
                    + "process: working through it as role " + running.get().application().user());
            EmbeddedDatabase.Login app = running.get().application();
            return new Database(pool(running.get().jdbcUrl(), app.user(), Optional.of(app.password())), Optional.empty(),
                    true);
        }
    }

    /** Whether this works beside a running server's embedded database ({@link #openBesideServer}). */
    public boolean besideServer() {
        return beside;
    }

    private static HikariDataSource pool(String url, String user, Optional<String> password) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("hivemind");
        hikari.setJdbcUrl(url);
        hikari.setUsername(user);
        password.ifPresent(hikari::setPassword);
        hikari.setMaximumPoolSize(MAX_POOL_SIZE);
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        hikari.setValidationTimeout(1_000);
        // Fail start-up at once when the database is unreachable, rather than on first use.
        hikari.setInitializationFailTimeout(CONNECTION_TIMEOUT_MS);
        return new HikariDataSource(hikari);
    }

    /** The pool: connections as the role the server works as. */
    public DataSource dataSource() {
        return pool;
    }

    /**
     * Brings the schema up to date and returns its version (for /health). An external database
     * is migrated through the pool, as its one role; the embedded one as its superuser, who owns
     * the schema, after which the application role gets its privileges on what the migrations made.
     */
    public String migrate() {
        return migrate(CompletableFuture.completedFuture(MigrationStamp.bundleFingerprint()));
    }

    /** As {@link #migrate()}, with {@link Migrations#fingerprintInBackground()}'s fingerprint. */
    public String migrate(Future<Optional<String>> fingerprint) {
        if (beside) {
            // The running server migrated its schema at its start; this role could not anyway.
            return "(the running server's)";
        }
        if (embedded.isEmpty()) {
            return Migrations.migrate(pool, fingerprint);
        }
        EmbeddedDatabase database = embedded.get();
        EmbeddedDatabase.Login owner = database.superuser();
        PGSimpleDataSource asOwner = new PGSimpleDataSource();
        asOwner.setUrl(database.jdbcUrl());
        asOwner.setUser(owner.user());
        asOwner.setPassword(owner.password());
        String version = Migrations.migrate(asOwner, fingerprint);
        try (Connection c = database.connect(owner)) {
            ApplicationRole.EMBEDDED.grant(c);
        } catch (SQLException e) {
            // Unchecked, as Flyway's own failures are: the schema cannot be used either way.
            throw new IllegalStateException("cannot grant the embedded database's application role its privileges", e);
        }
        return version;
    }

    public DbClient client() {
        return client;
    }

    @Override
    public void close() {
        pool.close();
        LOG.info("database pool closed");
        embedded.ifPresent(EmbeddedDatabase::close);
    }
}
