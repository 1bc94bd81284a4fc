package com.seglamater.hivemind.server.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.seglamater.hivemind.server.db.Sql;
import com.seglamater.hivemind.server.web.Json;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The append-only {@code audit_log} table (the database refuses UPDATE, DELETE and TRUNCATE on
 * it). Entries are written synchronously, in the caller's transaction where there is one, so
 * that a change and its audit entry commit together or not at all.
 * <p>
 * The database chains each entry to the one before it as it is inserted (see
 * {@link AuditChain}): the insert locks the chain head until its transaction ends, so entries
 * from concurrent transactions chain one after the other. Record an entry after the other
 * writes of its transaction, not before: locks taken after it would be taken while holding the
 * head, and a transaction waiting for the head while holding them would deadlock with it.
 */
public final class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());
    private static final String COLUMNS = "id, at, actor, action, outcome, client_ip, user_agent, target, "
            + "CAST(details AS text) AS details";

    private final DbClient db;
    private final Clock clock;

    public AuditLog(DbClient db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public void record(AuditEvent event) {
        record(db.execute(), event);
    }

    public void record(DbExecute tx, AuditEvent event) {
        String details;
        try {
            details = Json.MAPPER.writeValueAsString(event.details());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details are not serializable", e);
        }
        tx.dml("INSERT INTO audit_log (at, actor, action, outcome, client_ip, user_agent, target, details) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb))",
                Sql.at(clock.instant()), event.actor(), event.action(), event.outcome().text(),
                event.clientIp().orElse(null), event.userAgent().orElse(null), event.target().orElse(null), details);
        LOG.fine(() -> "audit: " + event.action() + " " + event.outcome().text() + " by " + event.actor());
    }

    /** Newest first, at most {@code limit} entries. */
    public List<AuditEntry> query(AuditFilter filter, int limit) {
        Where where = where(filter);
        List<Object> params = new ArrayList<>(where.params);
        params.add(limit);
        return db.execute().createQuery("SELECT " + COLUMNS + " FROM audit_log" + where.sql + " ORDER BY id DESC LIMIT ?")
                .params(params).execute().map(AuditLog::entry).toList();
    }

    /**
     * Every matching entry, oldest first, handed to {@code sink} in batches of {@code batch}
     * fetched by id (keyset paging): memory stays bounded whatever the size of the log.
     */
    public long export(AuditFilter filter, int batch, Consumer<AuditEntry> sink) {
        long after = 0;
        long count = 0;
        while (true) {
            Where where = where(filter);
            List<Object> params = new ArrayList<>(where.params);
            params.add(after);
            params.add(batch);
            List<AuditEntry> entries = db.execute().createQuery("SELECT " + COLUMNS + " FROM audit_log" + where.sql
                            + " AND id > ? ORDER BY id ASC LIMIT ?")
                    .params(params).execute().map(AuditLog::entry).toList();
            entries.forEach(sink);
            count += entries.size();
            if (entries.size() < batch) {
                return count;
            }
            after = entries.getLast().id();
        }
    }

    private record Where(String sql, List<Object> params) {
    }

    private static Where where(AuditFilter filter) {
        StringBuilder sql = new StringBuilder(" WHERE true");
        List<Object> params = new ArrayList<>();
        filter.actor().ifPresent(actor -> {
            sql.append(" AND actor = ?");
            params.add(actor);
        });
        filter.action().ifPresent(action -> {
            if (action.endsWith("*")) {
                sql.append(" AND action LIKE ? ESCAPE '\\'");
                params.add(Sql.likeEscape(action.substring(0, action.length() - 1)) + "%");
            } else {
                sql.append(" AND action = ?");
                params.add(action);
            }
        });
        filter.target().ifPresent(target -> {
            sql.append(" AND target = ?");
            params.add(target);
        });
        filter.outcome().ifPresent(outcome -> {
            sql.append(" AND outcome = ?");
            params.add(outcome);
        });
        filter.clientIp().ifPresent(ip -> {
            sql.append(" AND client_ip = ?");
            params.add(ip);
        });
        filter.from().ifPresent(from -> {
            sql.append(" AND at >= ?");
            params.add(Sql.at(from));
        });
        filter.to().ifPresent(to -> {
            sql.append(" AND at < ?");
            params.add(Sql.at(to));
        });
        filter.before().ifPresent(before -> {
            sql.append(" AND id < ?");
            params.add(before);
        });
        return new Where(sql.toString(), params);
    }

    private static AuditEntry entry(DbRow row) {
        try {
            return new AuditEntry(Sql.number(row, "id"), Sql.instant(row, "at"), Sql.string(row, "actor"),
                    Sql.string(row, "action"), Sql.string(row, "outcome"), Sql.optionalString(row, "client_ip"),
                    Sql.optionalString(row, "user_agent"), Sql.optionalString(row, "target"),
                    Json.MAPPER.readTree(Sql.string(row, "details")));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit_log.details of entry " + Sql.number(row, "id") + " is not JSON", e);
        }
    }
}
