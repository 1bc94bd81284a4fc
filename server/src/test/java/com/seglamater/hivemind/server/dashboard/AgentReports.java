package com.seglamater.hivemind.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.model.admin.AdminJson;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.CommandResult;
import com.seglamater.hivemind.model.admin.UpdateEvent;
import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The updater agent as the dashboard's tests need it: reports and command results sent over the
 * admin socket with the bearer token, in the agent's own records and JSON (AdminJson), as the
 * agent sends them.
 */
final class AgentReports {

    private final TestServer server;
    private final ApiClient agent;

    AgentReports(TestServer server) throws Exception {
        this.server = server;
        this.agent = server.agent();
    }

    static AgentStatus status(AgentStatus.State state, String installed, Optional<String> available,
                              Optional<String> notes, Optional<String> step) {
        return new AgentStatus("canary", Optional.of(installed), state, step, Optional.of(Instant.parse(
                "2026-12-04T10:00:00Z")), Optional.of(available.isPresent() ? "update_available" : "up_to_date"),
                available, notes, state == AgentStatus.State.AWAITING_APPROVAL, Optional.empty(), Optional.empty(),
                Instant.parse("2026-12-04T10:00:01Z"));
    }

    void report(AgentStatus status) throws Exception {
        ApiClient.Response response = agent.put("/admin/v1/update-status", AdminJson.mapper().writeValueAsString(status));
        assertThat(response.status()).as(response.toString()).isEqualTo(204);
    }

    /** An event with a fresh id; returns it. */
    String event(String kind, String from, String to, Optional<String> code, String message) throws Exception {
        String id = "test:" + UUID.randomUUID();
        UpdateEvent event = new UpdateEvent(id, server.clock().instant(), com.seglamater.hivemind.model.admin.UpdateEventKind.of(kind), Optional.of(from), Optional.of(to), code,
                message);
        ApiClient.Response response = agent.post("/admin/v1/update-events", AdminJson.mapper().writeValueAsString(event));
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return id;
    }

    /** What the agent's poll hands out now (and leases to it), as JSON objects. */
    List<JsonNode> poll() {
        ApiClient.Response response = agent.get("/admin/v1/commands?waitSeconds=0");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<JsonNode> commands = new ArrayList<>();
        response.json().path("commands").forEach(commands::add);
        return commands;
    }

    void result(long commandId, boolean success, String message) throws Exception {
        ApiClient.Response response = agent.post("/admin/v1/commands/" + commandId + "/result",
                AdminJson.mapper().writeValueAsString(new CommandResult(commandId, success, message)));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
    }

    /** Takes every open command out of the way, so that each test sees only its own. */
    void clearQueue() throws Exception {
        server.sql("UPDATE update_commands SET state = 'failed', completed_at = now(), result = 'cleared by test' "
                + "WHERE state IN ('queued', 'delivered')");
    }

    /** How many commands of {@code kind} (the API's spelling) were ever queued. */
    long queued(String kind) throws Exception {
        try (var c = server.database().connect(); var s = c.prepareStatement(
                "SELECT count(*) FROM update_commands WHERE kind = ?")) {
            s.setString(1, kind.toUpperCase(java.util.Locale.ROOT));
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
