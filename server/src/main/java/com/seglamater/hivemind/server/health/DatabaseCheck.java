package com.seglamater.hivemind.server.health;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.LongSupplier;

/**
 * Borrows a pooled connection and runs {@code SELECT 1}: no new connection per call while
 * the database is healthy. The pool's connection timeout bounds how long a down database
 * keeps a caller waiting.
 */
public final class DatabaseCheck {

    private final DataSource dataSource;
    private final LongSupplier nanoTime;

    public DatabaseCheck(DataSource dataSource) {
        this(dataSource, System::nanoTime);
    }

    DatabaseCheck(DataSource dataSource, LongSupplier nanoTime) {
        this.dataSource = dataSource;
        this.nanoTime = nanoTime;
    }

    public Health.Check check() {
        long start = nanoTime.getAsLong();
        boolean up;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            up = s.execute("SELECT 1");
        } catch (SQLException e) {
            up = false;
        }
        long latencyMs = (nanoTime.getAsLong() - start) / 1_000_000;
        return new Health.Check(up ? Health.UP : Health.DOWN, latencyMs, null);
    }
}
