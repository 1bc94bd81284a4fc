package com.seglamater.hivemind.server.updates;

import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.OperatorCommand;
import com.seglamater.hivemind.model.version.SemanticVersion;
import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.auth.Access;
import com.seglamater.hivemind.server.auth.Principal;
import com.seglamater.hivemind.server.db.Sql;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.Json;
import com.seglamater.hivemind.server.web.JsonBody;
import com.seglamater.hivemind.server.web.Listing;
import com.seglamater.hivemind.server.web.Page;
import com.seglamater.hivemind.server.web.Params;
import com.seglamater.hivemind.server.web.RequestInfo;
import io.helidon.dbclient.DbClient;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code /api/v1/updates}: what the updater agent last reported and the update history
 * (any signed-in role may read them), and the operator commands queued for the agent
 * (admins only): {@code check_now}, {@code apply}, {@code approve} (naming the version
 * approved) and {@code rollback}.
 */
public final class UpdatesService implements HttpService {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    private final DbClient db;
    private final UpdateStore store;
    private final CommandQueue queue;
    private final AuditLog audit;
    private final Clock clock;

    public UpdatesService(DbClient db, UpdateStore store, CommandQueue queue, AuditLog audit, Clock clock) {
        this.db = db;
        this.store = store;
        this.queue = queue;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * {@code GET /api/v1/updates}. {@code agent} is absent until the agent first reports;
     * {@code reportedAgeSeconds} says how long ago the server last heard from it.
     */
    public record Overview(Optional<AgentStatus> agent,
                           Optional<Instant> receivedAt, Optional<Long> reportedAgeSeconds,
                           long openCommands) {
    }

    record CommandRequest(String kind, String version) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::overview)
                .get("/history", this::history)
                .get("/commands", this::commands)
                .post("/commands", this::queue);
    }

    private void overview(ServerRequest req, ServerResponse res) {
        Access.require(req, Role.VIEWER);
        Optional<UpdateStore.ReceivedStatus> status = store.status();
        Json.ok(res, new Overview(status.map(UpdateStore.ReceivedStatus::status),
                status.map(UpdateStore.ReceivedStatus::receivedAt),
                status.map(s -> Math.max(0, clock.instant().getEpochSecond() - s.receivedAt().getEpochSecond())),
                store.openCommands()));
    }

    private void history(ServerRequest req, ServerResponse res) {
        Access.require(req, Role.VIEWER);
        int limit = Params.integer(req, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        Json.ok(res, Page.of(store.history(limit + 1, Params.id(req, "before")), limit, UpdateStore.HistoryEntry::id));
    }

    private void commands(ServerRequest req, ServerResponse res) {
        Access.require(req, Role.ADMIN);
        Json.ok(res, new Listing<>(store.commands(Params.integer(req, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT))));
    }

    /** 202 with the new command, or 200 with the identical one still waiting in the queue. */
    private void queue(ServerRequest req, ServerResponse res) {
        Principal admin = Access.require(req, Role.ADMIN);
        CommandRequest body = JsonBody.read(req, CommandRequest.class);
        OperatorCommand.Kind kind = kind(body.kind());
        Optional<String> version = version(kind, body.version());
        RequestInfo info = RequestInfo.of(req);
        UpdateStore.Queued queued = Sql.inTransaction(db, tx -> {
            UpdateStore.Queued q = store.enqueue(tx, kind, version, admin.name(), clock.instant());
            if (q.created()) {
                AuditEvent event = AuditEvent.of(info, admin.name(), "update.command_queued", AuditEvent.Outcome.SUCCESS)
                        .target("command " + q.command().id()).detail("kind", q.command().kind());
                audit.record(tx, version.map(v -> event.detail("version", v)).orElse(event));
            }
            return q;
        });
        if (queued.created()) {
            queue.signal();
        }
        Json.send(res, queued.created() ? Status.ACCEPTED_202 : Status.OK_200, queued.command());
    }

    private static OperatorCommand.Kind kind(String text) {
        if (text == null) {
            throw ApiException.invalidField("kind", "is required: check_now, apply, approve or rollback");
        }
        try {
            return OperatorCommand.Kind.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField("kind", "must be check_now, apply, approve or rollback");
        }
    }

    private static Optional<String> version(OperatorCommand.Kind kind, String text) {
        Optional<String> version = Optional.ofNullable(text);
        if (version.isPresent()) {
            if (kind != OperatorCommand.Kind.APPLY && kind != OperatorCommand.Kind.APPROVE) {
                throw ApiException.invalidField("version", "only apply and approve take a version");
            }
            try {
                SemanticVersion.parse(version.get());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidField("version", "is not a semantic version such as 0.1.7");
            }
        } else if (kind == OperatorCommand.Kind.APPROVE) {
            throw ApiException.invalidField("version", "is required for approve: the release being approved");
        }
        return version;
    }
}
