package com.seglamater.hivemind.server.api;

import com.seglamater.hivemind.server.TestServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** Reads single values straight from a test server's database, to check what a request did or did not change. */
final class Db {

    private Db() {
    }

    static long count(TestServer server, String sql, Object... args) throws Exception {
        Object value = value(server, sql, args);
        return ((Number) value).longValue();
    }

    /** The first column of the first row; null when there is no row or the value is NULL. */
    static String string(TestServer server, String sql, Object... args) throws Exception {
        Object value = value(server, sql, args);
        return value == null ? null : value.toString();
    }

    static long sessionsOf(TestServer server, String username) throws Exception {
        return count(server, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = ?",
                username);
    }

    static String passwordHash(TestServer server, String username) throws Exception {
        return string(server, "SELECT password_hash FROM users WHERE username = ?", username);
    }

    private static Object value(TestServer server, String sql, Object... args) throws Exception {
        try (Connection c = server.database().connect(); PreparedStatement query = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                query.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }
}
