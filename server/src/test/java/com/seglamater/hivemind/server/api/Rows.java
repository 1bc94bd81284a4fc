package com.seglamater.hivemind.server.api;

import com.seglamater.hivemind.server.TestServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the test database straight, bypassing the server, so that tests can check what a
 * request did (or did not) change.
 */
final class Rows {

    private Rows() {
    }

    /** Every row of {@code sql} as column → value, in order; {@code params} bound in turn. */
    static List<Map<String, Object>> query(TestServer server, String sql, Object... params) throws Exception {
        try (Connection c = server.database().connect(); PreparedStatement query = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                query.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int col = 1; col <= meta.getColumnCount(); col++) {
                        row.put(meta.getColumnLabel(col), rs.getObject(col));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    /** Runs an INSERT, UPDATE or DELETE; {@code params} bound in turn (and the server's caches told, see TestServer.sql). */
    static void execute(TestServer server, String sql, Object... params) throws Exception {
        try (Connection c = server.database().connect(); PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.executeUpdate();
        } finally {
            com.seglamater.hivemind.server.db.Sql.changed();
        }
    }

    /** The single number {@code sql} selects (a count, say). */
    static long number(TestServer server, String sql, Object... params) throws Exception {
        List<Map<String, Object>> rows = query(server, sql, params);
        if (rows.size() != 1 || rows.get(0).size() != 1) {
            throw new AssertionError("expected one value from " + sql + ", got " + rows);
        }
        return ((Number) rows.get(0).values().iterator().next()).longValue();
    }

    /** The whole account row (password hash included), to compare before and after a request. */
    static Map<String, Object> user(TestServer server, String username) throws Exception {
        List<Map<String, Object>> rows = query(server, "SELECT * FROM users WHERE lower(username) = lower(?)", username);
        if (rows.size() != 1) {
            throw new AssertionError("no single user " + username + ": " + rows);
        }
        return rows.get(0);
    }

    static long users(TestServer server) throws Exception {
        return number(server, "SELECT count(*) FROM users");
    }

    static long sessions(TestServer server, String username) throws Exception {
        return number(server, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id "
                + "WHERE lower(u.username) = lower(?)", username);
    }

    static long auditRows(TestServer server) throws Exception {
        return number(server, "SELECT count(*) FROM audit_log");
    }

    /** Audit rows whose action starts with {@code prefix} (e.g. {@code user.}). */
    static long auditRows(TestServer server, String prefix) throws Exception {
        return number(server, "SELECT count(*) FROM audit_log WHERE starts_with(action, ?)", prefix);
    }

    /** The first column of the first row as text; null when there is no row or the value is NULL. */
    static String string(TestServer server, String sql, Object... params) throws Exception {
        List<Map<String, Object>> rows = query(server, sql, params);
        Object value = rows.isEmpty() ? null : rows.get(0).values().iterator().next();
        return value == null ? null : value.toString();
    }

    static String passwordHash(TestServer server, String username) throws Exception {
        return string(server, "SELECT password_hash FROM users WHERE lower(username) = lower(?)", username);
    }
}
