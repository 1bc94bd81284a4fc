package com.seglamater.hivemind.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/v1/updates} as operators use it, against a server started in-process: the
 * overview before the agent has reported, and the command queue (who may queue what, which
 * bodies are refused, coalescing of repeated clicks, what the agent then receives). No test
 * here reports an agent status, so the overview stays "not reported yet".
 */
class UpdatesApiTest {

    private static final String API_KEY = "k3y-for-tests-0123456789abcdefghijklmnop";

    private static TestServer server;
    private static ApiClient admin;
    private static ApiClient agent;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("ADMIN_API_KEY", API_KEY);
        server.createUser("updates-admin", "admin");
        server.createUser("updates-user", "user");
        server.createUser("updates-viewer", "viewer");
        admin = server.signIn("updates-admin");
        agent = server.agent();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Each test starts with an empty queue: earlier tests' commands are closed. */
    @BeforeEach
    void clearQueue() throws Exception {
        server.sql("UPDATE update_commands SET state = 'failed', completed_at = now(), result = 'cleared by test' "
                + "WHERE state IN ('queued', 'delivered')");
    }

    private static ApiClient.Response queue(ApiClient client, String body) {
        return client.postWithCsrf("/api/v1/updates/commands", body);
    }

    private static long commandRows() throws Exception {
        try (Connection c = server.database().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM update_commands")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<TestServer.AuditRow> queuedAudit(long id) throws Exception {
        return server.audit("update.command_queued").stream().filter(r -> ("command " + id).equals(r.target())).toList();
    }

    private static List<JsonNode> polled() {
        ApiClient.Response response = agent.get("/admin/v1/commands?waitSeconds=0");
        assertThat(response.status()).isEqualTo(200);
        List<JsonNode> commands = new ArrayList<>();
        response.json().path("commands").forEach(commands::add);
        return commands;
    }

    @Test
    void beforeTheAgentReportsTheOverviewSaysSoAndCountsOpenCommands() {
        ApiClient viewer = server.signIn("updates-viewer");
        JsonNode before = viewer.get("/api/v1/updates").json();
        assertThat(before.path("agent").isMissingNode() || before.path("agent").isNull()).isTrue();
        assertThat(before.path("receivedAt").isMissingNode() || before.path("receivedAt").isNull()).isTrue();
        assertThat(before.path("reportedAgeSeconds").isMissingNode() || before.path("reportedAgeSeconds").isNull())
                .isTrue();
        assertThat(before.path("openCommands").asLong()).isZero();

        assertThat(queue(admin, "{\"kind\":\"check_now\"}").status()).isEqualTo(202);
        assertThat(queue(admin, "{\"kind\":\"rollback\"}").status()).isEqualTo(202);
        assertThat(viewer.get("/api/v1/updates").json().path("openCommands").asLong()).isEqualTo(2);
        assertThat(polled()).hasSize(2);
        assertThat(viewer.get("/api/v1/updates").json().path("openCommands").asLong())
                .as("delivered commands are still open").isEqualTo(2);
    }

    @Test
    void anAdminQueuesACheckAnd202CarriesTheCommandWithAnAuditRow() throws Exception {
        ApiClient.Response response = queue(admin, "{\"kind\":\"check_now\"}");
        assertThat(response.status()).as("%s", response).isEqualTo(202);
        JsonNode command = response.json();
        long id = command.path("id").asLong();
        assertThat(command.path("kind").asText()).isEqualTo("check_now");
        assertThat(command.path("state").asText()).isEqualTo("queued");
        assertThat(command.path("deliveries").asInt()).isZero();
        assertThat(command.path("requestedBy").asText()).isEqualTo("updates-admin");

        List<TestServer.AuditRow> audit = queuedAudit(id);
        assertThat(audit).singleElement().satisfies(row -> {
            assertThat(row.actor()).isEqualTo("updates-admin");
            assertThat(row.outcome()).isEqualTo("success");
            assertThat(row.clientIp()).isEqualTo("127.0.0.1");
            assertThat(row.details().path("kind").asText()).isEqualTo("check_now");
        });

        ApiClient.Response listed = admin.get("/api/v1/updates/commands");
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json().path("items").get(0).path("id").asLong()).as("newest first").isEqualTo(id);
    }

    @Test
    void theSameCommandWhileStillQueuedIsCoalescedIntoOne() throws Exception {
        ApiClient.Response first = queue(admin, "{\"kind\":\"check_now\"}");
        assertThat(first.status()).isEqualTo(202);
        long id = first.json().path("id").asLong();
        long rows = commandRows();
        int audited = server.audit("update.command_queued").size();

        ApiClient.Response again = queue(admin, "{\"kind\":\"check_now\"}");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("id").asLong()).isEqualTo(id);
        assertThat(queue(admin, "{\"kind\":\"CHECK_NOW\"}").json().path("id").asLong()).isEqualTo(id);
        assertThat(commandRows()).isEqualTo(rows);
        assertThat(queuedAudit(id)).hasSize(1);
        assertThat(server.audit("update.command_queued")).as("no audit row for a coalesced click").hasSize(audited);

        // Another version is another command; so is the same command once the first was handed out.
        ApiClient.Response apply7 = queue(admin, "{\"kind\":\"apply\",\"version\":\"0.1.7\"}");
        ApiClient.Response apply8 = queue(admin, "{\"kind\":\"apply\",\"version\":\"0.1.8\"}");
        assertThat(apply7.status()).isEqualTo(202);
        assertThat(apply8.status()).isEqualTo(202);
        assertThat(apply8.json().path("id").asLong()).isNotEqualTo(apply7.json().path("id").asLong());
        assertThat(polled()).hasSize(3);
        ApiClient.Response afterDelivery = queue(admin, "{\"kind\":\"check_now\"}");
        assertThat(afterDelivery.status()).isEqualTo(202);
        assertThat(afterDelivery.json().path("id").asLong()).isNotEqualTo(id);
    }

    @Test
    void approveNeedsAVersionAndTheAgentReceivesIt() throws Exception {
        long rows = commandRows();
        ApiClient.Response missing = queue(admin, "{\"kind\":\"approve\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.error()).isEqualTo("invalid_field");
        assertThat(missing.json().path("message").asText()).startsWith("version:");
        assertThat(commandRows()).isEqualTo(rows);

        ApiClient.Response approved = queue(admin, "{\"kind\":\"approve\",\"version\":\"0.1.7\"}");
        assertThat(approved.status()).isEqualTo(202);
        assertThat(approved.json().path("version").asText()).isEqualTo("0.1.7");
        long id = approved.json().path("id").asLong();
        assertThat(queuedAudit(id)).singleElement()
                .satisfies(row -> assertThat(row.details().path("version").asText()).isEqualTo("0.1.7"));

        List<JsonNode> received = polled();
        assertThat(received).singleElement().satisfies(command -> {
            assertThat(command.path("id").asLong()).isEqualTo(id);
            assertThat(command.path("kind").asText()).isEqualTo("APPROVE");
            assertThat(command.path("version").asText()).isEqualTo("0.1.7");
            assertThat(command.path("requestedBy").asText()).isEqualTo("updates-admin");
        });
    }

    @Test
    void invalidCommandBodiesAre400AndQueueNothing() throws Exception {
        long rows = commandRows();
        int audited = server.audit("update.command_queued").size();
        List<String> bodies = List.of(
                "{\"kind\":\"rollback\",\"version\":\"0.1.6\"}",
                "{\"kind\":\"check_now\",\"version\":\"0.1.6\"}",
                "{\"kind\":\"reboot\"}",
                "{\"kind\":\"\"}",
                "{}",
                "{\"kind\":\"approve\",\"version\":\"0.1\"}",
                "{\"kind\":\"approve\",\"version\":\"v0.1.7\"}",
                "{\"kind\":\"approve\",\"version\":\"latest\"}",
                "{\"kind\":\"apply\",\"version\":\"01.2.3\"}",
                "{\"kind\":\"apply\",\"version\":\"0.1.7'; DROP TABLE update_commands; --\"}",
                "{\"kind\":\"apply\",\"version\":\"" + "9".repeat(200) + ".0.0\"}",
                "{\"kind\":\"apply\",\"version\":7}",
                "{\"kind\":\"apply\",\"extra\":true}",
                "not json");
        for (String body : bodies) {
            ApiClient.Response response = queue(admin, body);
            assertThat(response.status()).as("%s -> %s", body, response).isEqualTo(400);
            assertThat(response.error()).isIn("invalid_field", "invalid_json");
        }
        assertThat(queue(admin, "{\"kind\":\"check_now\"}", "Content-Type", "text/plain").status()).isEqualTo(415);
        assertThat(commandRows()).isEqualTo(rows);
        assertThat(server.audit("update.command_queued")).hasSize(audited);
        assertThat(polled()).isEmpty();
    }

    private static ApiClient.Response queue(ApiClient client, String body, String... headers) {
        return client.postWithCsrf("/api/v1/updates/commands", body, headers);
    }

    @Test
    void applyTakesAnOptionalVersion() {
        ApiClient.Response plain = queue(admin, "{\"kind\":\"apply\"}");
        assertThat(plain.status()).isEqualTo(202);
        assertThat(plain.json().path("version").isMissingNode() || plain.json().path("version").isNull()).isTrue();
        ApiClient.Response pinned = queue(admin, "{\"kind\":\"apply\",\"version\":\"1.0.0-rc.1+build.5\"}");
        assertThat(pinned.status()).isEqualTo(202);
        assertThat(pinned.json().path("version").asText()).isEqualTo("1.0.0-rc.1+build.5");
    }

    @Test
    void usersAndViewersMayNotQueueOrListCommandsAndAnonymousIs401() throws Exception {
        long rows = commandRows();
        int audited = server.audit("update.command_queued").size();
        for (String name : List.of("updates-user", "updates-viewer")) {
            ApiClient client = server.signIn(name);
            ApiClient.Response queued = queue(client, "{\"kind\":\"rollback\"}");
            assertThat(queued.status()).as(name).isEqualTo(403);
            assertThat(queued.error()).isEqualTo("forbidden");
            assertThat(client.get("/api/v1/updates/commands").status()).as(name).isEqualTo(403);
            assertThat(client.get("/api/v1/updates").status()).as("%s may read the overview", name).isEqualTo(200);
            assertThat(client.get("/api/v1/updates/history").status()).as("and the history").isEqualTo(200);
        }
        ApiClient anonymous = server.client();
        ApiClient.Response refused = anonymous.post("/api/v1/updates/commands", "{\"kind\":\"rollback\"}");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.error()).isEqualTo("unauthenticated");
        assertThat(anonymous.get("/api/v1/updates/commands").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/updates").status()).isEqualTo(401);

        // The admin's own session without the CSRF header is refused as well.
        ApiClient.Response forged = admin.post("/api/v1/updates/commands", "{\"kind\":\"rollback\"}");
        assertThat(forged.status()).isEqualTo(403);

        assertThat(commandRows()).isEqualTo(rows);
        assertThat(server.audit("update.command_queued")).hasSize(audited);
        assertThat(polled()).isEmpty();
    }

    @Test
    void theAdminApiKeyQueuesWithoutCsrfAndIsRecordedAsTheRequester() throws Exception {
        ApiClient key = server.client().always("Authorization", "Bearer " + API_KEY);
        ApiClient.Response response = key.post("/api/v1/updates/commands", "{\"kind\":\"rollback\"}");
        assertThat(response.status()).as("%s", response).isEqualTo(202);
        long id = response.json().path("id").asLong();
        assertThat(response.json().path("requestedBy").asText()).isEqualTo("api-key");
        assertThat(queuedAudit(id)).singleElement().extracting(TestServer.AuditRow::actor).isEqualTo("api-key");

        ApiClient wrongKey = server.client().always("Authorization", "Bearer " + API_KEY + "x");
        assertThat(wrongKey.post("/api/v1/updates/commands", "{\"kind\":\"check_now\"}").status()).isEqualTo(401);
        assertThat(polled()).extracting(c -> c.path("id").asLong()).containsExactly(id);
    }

    @Test
    void theCommandListShowsResultsAndIsBoundedByItsLimit() {
        long first = queue(admin, "{\"kind\":\"check_now\"}").json().path("id").asLong();
        long second = queue(admin, "{\"kind\":\"rollback\"}").json().path("id").asLong();
        assertThat(polled()).hasSize(2);
        assertThat(agent.post("/admin/v1/commands/" + first + "/result",
                "{\"commandId\":" + first + ",\"success\":true,\"message\":\"nothing new\"}").status()).isEqualTo(200);

        JsonNode items = admin.get("/api/v1/updates/commands?limit=2").json().path("items");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).path("id").asLong()).isEqualTo(second);
        assertThat(items.get(0).path("state").asText()).isEqualTo("delivered");
        assertThat(items.get(1).path("id").asLong()).isEqualTo(first);
        assertThat(items.get(1).path("state").asText()).isEqualTo("succeeded");
        assertThat(items.get(1).path("result").asText()).isEqualTo("nothing new");
        assertThat(admin.get("/api/v1/updates/commands?limit=0").status()).isEqualTo(400);
        assertThat(admin.get("/api/v1/updates/commands?limit=201").status()).isEqualTo(400);
    }
}
