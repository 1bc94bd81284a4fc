package com.seglamater.hivemind.server.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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

    private final EmbeddedPostgres postgres;
    private final Path directory;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path directory) {
        this.postgres = postgres;
        this.directory = directory;
    }

    public static EmbeddedDatabase start(Path dataDir) throws IOException, SQLException {
        Path directory = dataDir.resolve("postgres").toAbsolutePath().normalize();
        Files.createDirectories(directory.getParent());
        boolean existing = Files.isRegularFile(directory.resolve("PG_VERSION"));
        LOG.info(() -> "no HIVEMIND_DB_URL set: starting the embedded PostgreSQL in " + directory
                + (existing ? " (existing data)" : " (new data directory)"));
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(directory)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        EmbeddedDatabase database = new EmbeddedDatabase(postgres, directory);
        try {
            database.createDatabaseIfMissing();
        } catch (SQLException | RuntimeException e) {
            database.close();
            throw e;
        }
        LOG.info(() -> "embedded PostgreSQL is up on 127.0.0.1:" + postgres.getPort());
        return database;
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
        }
    }
}
