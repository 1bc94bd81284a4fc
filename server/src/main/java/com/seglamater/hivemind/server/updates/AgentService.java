package com.seglamater.hivemind.server.updates;

import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.CommandResult;
import com.seglamater.hivemind.model.admin.PendingCommands;
import com.seglamater.hivemind.model.admin.UpdateEvent;
import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.db.Sql;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.Json;
import com.seglamater.hivemind.server.web.JsonBody;
import com.seglamater.hivemind.server.web.Params;
import io.helidon.dbclient.DbClient;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The updater agent's side of the admin socket ({@code /admin/v1}, bearer-token auth in
 * front): its status reports, its events (stored once each, by the agent's event id, so that
 * reports queued during a server restart can be delivered again safely), and the operator
 * command queue (long poll, then a result per command). Events and command results are
 * audited with the actor {@value AuditEvent#UPDATER}; an event as a failure when its kind
 * reports one ({@link com.seglamater.hivemind.model.admin.UpdateEventKind#failure()}), which a
 * kind this server does not know does too.
 */
public final class AgentService implements HttpService {

    static final int DEFAULT_WAIT_SECONDS = 30;
    static final int MAX_WAIT_SECONDS = 60;
    static final int MAX_TEXT = 4_096;

    private final DbClient db;
    private final UpdateStore store;
    private final CommandQueue queue;
    private final AuditLog audit;
    private final Clock clock;

    public AgentService(DbClient db, UpdateStore store, CommandQueue queue, AuditLog audit, Clock clock) {
        this.db = db;
        this.store = store;
        this.queue = queue;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.put("/update-status", this::status)
                .post("/update-events", this::event)
                .get("/commands", this::commands)
                .post("/commands/{id}/result", this::result);
    }

    private void status(ServerRequest req, ServerResponse res) {
        AgentStatus status = JsonBody.read(req, AgentStatus.class);
        bounded("channel", status.channel());
        status.installedVersion().ifPresent(v -> bounded("installedVersion", v));
        status.step().ifPresent(s -> bounded("step", s));
        status.lastCheckResult().ifPresent(r -> bounded("lastCheckResult", r));
        status.availableVersion().ifPresent(v -> bounded("availableVersion", v));
        status.availableNotes().ifPresent(n -> bounded("availableNotes", n));
        status.lastError().ifPresent(e -> bounded("lastError", e));
        status.warning().ifPresent(w -> bounded("warning", w));
        store.saveStatus(status, clock.instant());
        res.status(Status.NO_CONTENT_204).send();
    }

    private void event(ServerRequest req, ServerResponse res) {
        UpdateEvent event = JsonBody.read(req, UpdateEvent.class);
        bounded("id", event.id());
        bounded("kind", event.kind().wireName());
        bounded("message", event.message());
        event.fromVersion().ifPresent(v -> bounded("fromVersion", v));
        event.toVersion().ifPresent(v -> bounded("toVersion", v));
        event.code().ifPresent(c -> bounded("code", c));
        Instant now = clock.instant();
        boolean stored = Sql.inTransaction(db, tx -> {
            boolean added = store.addEvent(tx, event, now);
            if (added) {
                // The kind says whether it reports a failure; one this server does not know counts as one.
                AuditEvent entry = AuditEvent.local(AuditEvent.UPDATER, "update.event",
                                event.kind().failure() ? AuditEvent.Outcome.FAILURE : AuditEvent.Outcome.SUCCESS)
                        .detail("kind", event.kind().wireName()).detail("event", event.id())
                        .detail("message", event.message());
                audit.record(tx, withVersions(entry, event));
            }
            return added;
        });
        Json.send(res, stored ? Status.CREATED_201 : Status.OK_200, new Stored(event.id(), stored));
    }

    private static AuditEvent withVersions(AuditEvent entry, UpdateEvent event) {
        AuditEvent out = entry;
        if (event.code().isPresent()) {
            out = out.detail("code", event.code().get());
        }
        if (event.fromVersion().isPresent()) {
            out = out.detail("fromVersion", event.fromVersion().get());
        }
        if (event.toVersion().isPresent()) {
            out = out.detail("toVersion", event.toVersion().get()).target(event.toVersion().get());
        }
        return out;
    }

    /** {@code created}: false when the event had been stored before (a redelivery). */
    public record Stored(String id, boolean created) {
    }

    private void commands(ServerRequest req, ServerResponse res) throws InterruptedException {
        int wait = Params.integer(req, "waitSeconds", DEFAULT_WAIT_SECONDS, 0, MAX_WAIT_SECONDS);
        Json.ok(res, new PendingCommands(queue.await(Duration.ofSeconds(wait))));
    }

    private void result(ServerRequest req, ServerResponse res) {
        long id = Params.pathId(req, "id", "command");
        CommandResult result = JsonBody.read(req, CommandResult.class);
        if (result.commandId() != id) {
            throw ApiException.badRequest("invalid_field", "commandId " + result.commandId()
                    + " does not match the command in the path (" + id + ")");
        }
        bounded("message", result.message());
        Instant now = clock.instant();
        UpdateStore.Completion completion = Sql.inTransaction(db, tx -> {
            UpdateStore.Completion c = store.complete(tx, result, now);
            if (c == UpdateStore.Completion.COMPLETED) {
                audit.record(tx, AuditEvent.local(AuditEvent.UPDATER, "update.command_completed",
                                result.success() ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILURE)
                        .target("command " + id).detail("message", result.message()));
            }
            return c;
        });
        switch (completion) {
            case UNKNOWN -> throw ApiException.notFound("no such command: " + id);
            case ALREADY_COMPLETED -> throw ApiException.conflict("already_completed", "command " + id
                    + " already has a result");
            case COMPLETED -> Json.ok(res, store.command(id).orElseThrow());
        }
    }

    private static void bounded(String field, String value) {
        if (value.length() > MAX_TEXT) {
            throw ApiException.invalidField(field, "is longer than " + MAX_TEXT + " characters");
        }
    }
}
