package com.seglamater.hivemind.server.audit;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Reads the audit log and its chain head for {@link AuditChain.Walk}, in one read-only
 * snapshot: a server appending meanwhile neither breaks nor extends what is checked. Rows are
 * streamed (a cursor of {@link #FETCH_SIZE}), so memory stays bounded whatever the log's size.
 */
public final class AuditVerifier {

    static final int FETCH_SIZE = 1_000;

    private AuditVerifier() {
    }

    /** The database has no chain to verify: its schema predates migration V7. */
    public static final class NoChainException extends Exception {
        NoChainException() {
            super("the database has no audit hash chain yet (it arrives with schema version 7): "
                    + "start the server once, which migrates it", null, false, false);
        }
    }

    public static AuditChain.Verification verify(DataSource dataSource, Optional<AuditChain.Recorded> recorded)
            throws SQLException, NoChainException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                return verify(c, recorded);
            } finally {
                c.rollback();
            }
        }
    }

    private static AuditChain.Verification verify(Connection c, Optional<AuditChain.Recorded> recorded)
            throws SQLException, NoChainException {
        if (!hasChain(c)) {
            throw new NoChainException();
        }
        AuditChain.Head head;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT last_id, last_hash FROM audit_chain WHERE singleton")) {
            if (!rs.next()) {
                return new AuditChain.Broken(0, "the chain head (the row of table audit_chain) is missing");
            }
            head = new AuditChain.Head(rs.getLong("last_id"), rs.getBytes("last_hash"));
        }
        AuditChain.Walk walk = new AuditChain.Walk(head, recorded);
        try (PreparedStatement query = c.prepareStatement("SELECT id, at, actor, action, outcome, client_ip, user_agent, "
                + "target, CAST(details AS text) AS details, hash FROM audit_log ORDER BY id")) {
            query.setFetchSize(FETCH_SIZE);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    Optional<AuditChain.Broken> broken = walk.next(link(rs));
                    if (broken.isPresent()) {
                        return broken.get();
                    }
                }
            }
        }
        return walk.finish();
    }

    /** Read from the catalogue, which every role may read, rather than from Flyway's table. */
    private static boolean hasChain(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT to_regclass('audit_chain') IS NOT NULL AND EXISTS (SELECT 1 FROM pg_attribute "
                        + "WHERE attrelid = to_regclass('audit_log') AND attname = 'hash' AND NOT attisdropped)")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static AuditChain.Link link(ResultSet rs) throws SQLException {
        OffsetDateTime at = rs.getObject("at", OffsetDateTime.class);
        return new AuditChain.Link(rs.getLong("id"), at == null ? null : at.toInstant(),
                rs.getString("actor"), rs.getString("action"), rs.getString("outcome"),
                Optional.ofNullable(rs.getString("client_ip")), Optional.ofNullable(rs.getString("user_agent")),
                Optional.ofNullable(rs.getString("target")), rs.getString("details"), rs.getBytes("hash"));
    }
}
