package com.seglamater.hivemind.server.updates;

import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.server.auth.Access;
import com.seglamater.hivemind.server.auth.Principal;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.web.Json;
import com.seglamater.hivemind.server.web.JsonBody;
import com.seglamater.hivemind.server.web.Listing;
import com.seglamater.hivemind.server.web.Page;
import com.seglamater.hivemind.server.web.Params;
import com.seglamater.hivemind.server.web.RequestInfo;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Instant;
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

    private final UpdateStore store;
    private final UpdateCommands commands;
    private final Clock clock;

    public UpdatesService(UpdateStore store, UpdateCommands commands, Clock clock) {
        this.store = store;
        this.commands = commands;
        this.clock = clock;
    }

    /**
     * {@code GET /api/v1/updates}. {@code agent} is absent until the agent first reports;
     * {@code reportedAgeSeconds} says how long ago the server last heard from it.
     */
    public record Overview(Optional<AgentStatus> agent,
                           Optional<Instant> receivedAt, Optional<Long> reportedAgeSeconds,
                           long openCommands) {

        static Overview of(Optional<UpdateStore.ReceivedStatus> status, long openCommands, Instant now) {
            return new Overview(status.map(UpdateStore.ReceivedStatus::status),
                    status.map(UpdateStore.ReceivedStatus::receivedAt),
                    status.map(s -> Math.max(0, now.getEpochSecond() - s.receivedAt().getEpochSecond())),
                    openCommands);
        }
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
        Json.ok(res, Overview.of(store.status(), store.openCommands(), clock.instant()));
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
        UpdateStore.Queued queued = commands.queue(RequestInfo.of(req), admin.name(), body.kind(),
                Optional.ofNullable(body.version()));
        Json.send(res, queued.created() ? Status.ACCEPTED_202 : Status.OK_200, queued.command());
    }
}
