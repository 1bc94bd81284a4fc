package com.seglamater.hivemind.server.updates;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.CommandResult;
import com.seglamater.hivemind.model.admin.OperatorCommand;
import com.seglamater.hivemind.model.admin.UpdateEvent;
import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.db.Sql;
import com.seglamater.hivemind.server.web.Json;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbRow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The updater agent's reports (status and event history) and the operator command queue,
 * in PostgreSQL so that they survive the server's own restarts (which an update causes).
 */
public final class UpdateStore {

    private static final String COMMAND_COLUMNS = "id, kind, version, requested_by, requested_at, state, delivered_at, "
            + "deliveries, completed_at, result";

    private final DbClient db;
    private final AuditLog audit;

    public UpdateStore(DbClient db, AuditLog audit) {
        this.db = db;
        this.audit = audit;
    }

    public record ReceivedStatus(AgentStatus status, Instant receivedAt) {
    }

    /** An event of the update history, as the API shows it. */
    public record HistoryEntry(long id, String eventId, Instant at, Instant receivedAt, String kind,
                               Optional<String> fromVersion, Optional<String> toVersion, Optional<String> code,
                               String message) {
    }

    /**
     * A queued command with where it stands, as the API shows it: {@code kind} in the API's
     * spelling ({@code check_now}); the admin socket's {@link OperatorCommand} uses the enum's.
     */
    public record CommandView(long id, String kind, Optional<String> version, String requestedBy, Instant requestedAt,
                              String state, Optional<Instant> deliveredAt, int deliveries, Optional<Instant> completedAt,
                              Optional<String> result) {
        OperatorCommand toCommand() {
            return new OperatorCommand(id, OperatorCommand.Kind.valueOf(kind.toUpperCase(Locale.ROOT)), version,
                    requestedBy, requestedAt);
        }
    }

    public enum Completion { COMPLETED, UNKNOWN, ALREADY_COMPLETED }

    public void saveStatus(AgentStatus status, Instant now) {
        db.execute().dml("INSERT INTO update_status (singleton, status, received_at) VALUES (true, CAST(? AS jsonb), ?) "
                + "ON CONFLICT (singleton) DO UPDATE SET status = EXCLUDED.status, received_at = EXCLUDED.received_at",
                json(status), Sql.at(now));
    }

    public Optional<ReceivedStatus> status() {
        return db.execute().get("SELECT CAST(status AS text) AS status, received_at FROM update_status")
                .map(row -> {
                    try {
                        return new ReceivedStatus(Json.MAPPER.readValue(Sql.string(row, "status"), AgentStatus.class),
                                Sql.instant(row, "received_at"));
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("stored agent status is not readable", e);
                    }
                });
    }

    /** Stores an event once: false when an event with its id is already stored (a redelivery). */
    public boolean addEvent(DbExecute tx, UpdateEvent event, Instant now) {
        return tx.dml("INSERT INTO update_events (event_id, at, received_at, kind, from_version, to_version, code, message) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING",
                event.id(), Sql.at(event.at()), Sql.at(now), event.kind().wireName(), event.fromVersion().orElse(null),
                event.toVersion().orElse(null), event.code().orElse(null), event.message()) > 0;
    }

    /** Newest first, in the order the server received them. */
    public List<HistoryEntry> history(int limit, Optional<Long> before) {
        List<Object> params = new ArrayList<>();
        String where = "";
        if (before.isPresent()) {
            where = " WHERE id < ?";
            params.add(before.get());
        }
        params.add(limit);
        return db.execute().createQuery("SELECT id, event_id, at, received_at, kind, from_version, to_version, code, message "
                        + "FROM update_events" + where + " ORDER BY id DESC LIMIT ?")
                .params(params).execute()
                .map(row -> new HistoryEntry(Sql.number(row, "id"), Sql.string(row, "event_id"), Sql.instant(row, "at"),
                        Sql.instant(row, "received_at"), Sql.string(row, "kind"), Sql.optionalString(row, "from_version"),
                        Sql.optionalString(row, "to_version"), Sql.optionalString(row, "code"), Sql.string(row, "message")))
                .toList();
    }

    /**
     * Queues a command, unless the same one (kind and version) is still waiting to be handed
     * out: then that one is returned, so that impatient clicking queues one command.
     */
    public Queued enqueue(DbExecute tx, OperatorCommand.Kind kind, Optional<String> version, String requestedBy,
                          Instant now) {
        // Serialises concurrent enqueues, so the duplicate check below cannot race.
        tx.dml("LOCK TABLE update_commands IN SHARE ROW EXCLUSIVE MODE");
        Optional<CommandView> waiting = tx.get("SELECT " + COMMAND_COLUMNS + " FROM update_commands WHERE state = 'queued' "
                        + "AND kind = ? AND version IS NOT DISTINCT FROM ? ORDER BY id LIMIT 1", kind.name(), version.orElse(null))
                .map(UpdateStore::command);
        if (waiting.isPresent()) {
            return new Queued(waiting.get(), false);
        }
        return new Queued(tx.get("INSERT INTO update_commands (kind, version, requested_by, requested_at, state) "
                                + "VALUES (?, ?, ?, ?, 'queued') RETURNING " + COMMAND_COLUMNS,
                        kind.name(), version.orElse(null), requestedBy, Sql.at(now))
                .map(UpdateStore::command).orElseThrow(), true);
    }

    public record Queued(CommandView command, boolean created) {
    }

    /**
     * Hands out the commands waiting for the agent, oldest first: queued ones, and delivered
     * ones whose lease ran out without a result. A command handed out {@code maxDeliveries}
     * times without a result is marked failed instead (and audited, by {@code system}). Rows are locked with SKIP LOCKED, so two
     * pollers never get the same command.
     */
    public List<OperatorCommand> lease(Instant now, Duration lease, int maxDeliveries) {
        return Sql.inTransaction(db, tx -> {
            String abandoned = "the updater did not acknowledge it after " + maxDeliveries + " deliveries";
            tx.query("UPDATE update_commands SET state = 'failed', completed_at = ?, result = ? WHERE state = 'delivered' "
                            + "AND delivered_at <= ? AND deliveries >= ? RETURNING id, kind",
                    Sql.at(now), abandoned, Sql.at(now.minus(lease)), maxDeliveries)
                    .forEach(row -> audit.record(tx, AuditEvent.local(AuditEvent.SYSTEM, "update.command_completed",
                                    AuditEvent.Outcome.FAILURE).target("command " + Sql.number(row, "id"))
                            .detail("kind", Sql.string(row, "kind").toLowerCase(Locale.ROOT)).detail("message", abandoned)));
            List<Long> ids = tx.query("SELECT id FROM update_commands WHERE state = 'queued' OR (state = 'delivered' "
                            + "AND delivered_at <= ?) ORDER BY id FOR UPDATE SKIP LOCKED", Sql.at(now.minus(lease)))
                    .map(row -> Sql.number(row, "id")).toList();
            List<OperatorCommand> leased = new ArrayList<>();
            for (long id : ids) {
                tx.get("UPDATE update_commands SET state = 'delivered', delivered_at = ?, deliveries = deliveries + 1 "
                                + "WHERE id = ? RETURNING " + COMMAND_COLUMNS, Sql.at(now), id)
                        .map(UpdateStore::command).ifPresent(c -> leased.add(c.toCommand()));
            }
            return leased;
        });
    }

    public Completion complete(DbExecute tx, CommandResult result, Instant now) {
        Optional<CommandView> command = tx.get("SELECT " + COMMAND_COLUMNS + " FROM update_commands WHERE id = ? FOR UPDATE",
                result.commandId()).map(UpdateStore::command);
        if (command.isEmpty()) {
            return Completion.UNKNOWN;
        }
        if (command.get().completedAt().isPresent()) {
            return Completion.ALREADY_COMPLETED;
        }
        tx.dml("UPDATE update_commands SET state = ?, completed_at = ?, result = ? WHERE id = ?",
                result.success() ? "succeeded" : "failed", Sql.at(now), result.message(), result.commandId());
        return Completion.COMPLETED;
    }

    public Optional<CommandView> command(long id) {
        return db.execute().get("SELECT " + COMMAND_COLUMNS + " FROM update_commands WHERE id = ?", id)
                .map(UpdateStore::command);
    }

    public List<CommandView> commands(int limit) {
        return db.execute().query("SELECT " + COMMAND_COLUMNS + " FROM update_commands ORDER BY id DESC LIMIT ?", limit)
                .map(UpdateStore::command).toList();
    }

    public long openCommands() {
        return Sql.number(db.execute().get("SELECT count(*) AS n FROM update_commands WHERE state IN ('queued', 'delivered')")
                .orElseThrow(), "n");
    }

    private static CommandView command(DbRow row) {
        return new CommandView(Sql.number(row, "id"), Sql.string(row, "kind").toLowerCase(Locale.ROOT),
                Sql.optionalString(row, "version"),
                Sql.string(row, "requested_by"), Sql.instant(row, "requested_at"), Sql.string(row, "state"),
                Sql.optionalInstant(row, "delivered_at"), (int) Sql.number(row, "deliveries"),
                Sql.optionalInstant(row, "completed_at"), Sql.optionalString(row, "result"));
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serializable", e);
        }
    }
}
