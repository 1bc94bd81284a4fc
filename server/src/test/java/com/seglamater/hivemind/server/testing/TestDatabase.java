package com.seglamater.hivemind.server.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A throwaway database on the machine's PostgreSQL (127.0.0.1:5432, trust auth, as CI
 * provides it): created with a random name, dropped by {@link #close()}.
 */
public final class TestDatabase implements AutoCloseable {

    public static final String ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    public static final String ADMIN_USER = "postgres";

    private final String name;

    private TestDatabase(String name) {
        this.name = name;
    }

    public static TestDatabase create() throws SQLException {
        TestDatabase db = new TestDatabase("hivemind_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        db.admin("CREATE DATABASE " + db.name);
        return db;
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:5432/" + name;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), ADMIN_USER, "");
    }

    /** Runs a statement as the superuser, connected to the {@code postgres} database. */
    public void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(ADMIN_URL, ADMIN_USER, "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Refuses new connections to this database and ends the open ones: "the database is down". */
    public void cutOff() throws SQLException {
        admin("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false");
        admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
    }

    public void restore() throws SQLException {
        admin("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true");
    }

    @Override
    public void close() throws SQLException {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
}
