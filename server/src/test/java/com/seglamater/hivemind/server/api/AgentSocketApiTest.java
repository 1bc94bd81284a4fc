package com.seglamater.hivemind.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.model.admin.UpdateEventKind;
import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The updater agent's side of the admin socket, against a server started in-process: the
 * bearer token on every agent route, status reports and their validation, events stored
 * once each, and the command queue (poll, long poll, leases, results).
 */
class AgentSocketApiTest {

    private static TestServer server;
    private static ApiClient agent;
    private static ApiClient admin;
    private static ApiClient viewer;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        agent = server.agent();
        server.createUser("agent-admin", "admin");
        server.createUser("agent-viewer", "viewer");
        admin = server.signIn("agent-admin");
        viewer = server.signIn("agent-viewer");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    // ---- helpers -----------------------------------------------------------------------

    private static String status(String channel, String state) {
        return "{\"channel\":\"" + channel + "\",\"installedVersion\":\"0.1.6\",\"state\":\"" + state + "\","
                + "\"lastCheckAt\":\"2026-11-24T08:00:00Z\",\"lastCheckResult\":\"up_to_date\","
                + "\"approvalRequired\":false,\"reportedAt\":\"2026-11-24T08:00:01Z\"}";
    }

    private static String event(String id, String kind) {
        return "{\"id\":\"" + id + "\",\"at\":\"2026-11-24T08:00:00Z\",\"kind\":\"" + kind + "\","
                + "\"fromVersion\":\"0.1.6\",\"toVersion\":\"0.1.7\",\"message\":\"" + kind + " for " + id + "\"}";
    }

    private static JsonNode overview() {
        ApiClient.Response response = viewer.get("/api/v1/updates");
        assertThat(response.status()).as("GET /api/v1/updates: %s", response).isEqualTo(200);
        return response.json();
    }

    /** Reports a known status, so that a test's refused reports can be checked against it. */
    private static JsonNode reportKnownStatus(String channel) {
        assertThat(agent.put("/admin/v1/update-status", status(channel, "IDLE")).status()).isEqualTo(204);
        JsonNode known = overview().path("agent");
        assertThat(known.path("channel").asText()).isEqualTo(channel);
        return known;
    }

    /** Takes every open command out of the way, so that each test sees only its own. */
    private static void clearQueue() throws Exception {
        server.sql("UPDATE update_commands SET state = 'failed', completed_at = now(), result = 'cleared by test' "
                + "WHERE state IN ('queued', 'delivered')");
    }

    private static long queue(String body) {
        ApiClient.Response response = admin.postWithCsrf("/api/v1/updates/commands", body);
        assertThat(response.status()).as("queue %s: %s", body, response).isIn(200, 202);
        return response.json().path("id").asLong();
    }

    private static JsonNode poll(int waitSeconds) {
        ApiClient.Response response = agent.get("/admin/v1/commands?waitSeconds=" + waitSeconds);
        assertThat(response.status()).as("poll: %s", response).isEqualTo(200);
        return response.json().path("commands");
    }

    /** The command as the admin API shows it. */
    private static JsonNode command(long id) {
        ApiClient.Response response = admin.get("/api/v1/updates/commands");
        assertThat(response.status()).isEqualTo(200);
        for (JsonNode item : response.json().path("items")) {
            if (item.path("id").asLong() == id) {
                return item;
            }
        }
        throw new AssertionError("command " + id + " is not listed: " + response);
    }

    private static long count(String sql, String parameter) throws Exception {
        return Rows.number(server, sql, parameter);
    }

    private static List<TestServer.AuditRow> eventAudit(String eventId) throws Exception {
        return server.audit("update.event").stream()
                .filter(row -> row.details().path("event").asText().equals(eventId)).toList();
    }

    private static void assertUnauthorized(ApiClient.Response response) {
        assertThat(response.status()).as("%s", response).isEqualTo(401);
        assertThat(response.error()).isEqualTo("unauthorized");
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    }

    // ---- the bearer token --------------------------------------------------------------

    @Test
    void everyAgentRouteRefusesAMissingOrWrongTokenAndStoresNothing() throws Exception {
        clearQueue();
        JsonNode known = reportKnownStatus("before-refusals");
        long command = queue("{\"kind\":\"rollback\"}");
        String eventId = "refused-" + UUID.randomUUID();
        String token = server.adminToken();
        String wrong = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
        ApiClient anonymous = new ApiClient(server.adminPort());
        ApiClient impostor = new ApiClient(server.adminPort()).always("Authorization", "Bearer " + wrong);
        ApiClient sessionOnly = new ApiClient(server.adminPort()).always("Cookie", String.join("; ",
                admin.cookies().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));

        for (ApiClient client : List.of(anonymous, impostor, sessionOnly)) {
            assertUnauthorized(client.put("/admin/v1/update-status", status("attacker", "APPLYING")));
            assertUnauthorized(client.post("/admin/v1/update-events", event(eventId, "apply-started")));
            assertUnauthorized(client.get("/admin/v1/commands?waitSeconds=0"));
            assertUnauthorized(client.post("/admin/v1/commands/" + command + "/result",
                    "{\"commandId\":" + command + ",\"success\":true,\"message\":\"forged\"}"));
        }

        assertThat(overview().path("agent")).as("status unchanged").isEqualTo(known);
        assertThat(count("SELECT count(*) FROM update_events WHERE event_id = ?", eventId)).isZero();
        assertThat(eventAudit(eventId)).isEmpty();
        JsonNode untouched = command(command);
        assertThat(untouched.path("state").asText()).as("neither handed out nor completed").isEqualTo("queued");
        assertThat(untouched.path("deliveries").asInt()).isZero();
        assertThat(untouched.path("result").isMissingNode() || untouched.path("result").isNull()).isTrue();
        assertThat(server.audit("update.command_completed")).noneMatch(r -> r.target().equals("command " + command));
    }

    // ---- status reports ----------------------------------------------------------------

    @Test
    void aStatusReportIsShownToAnySignedInRoleWithWhenItArrivedAndItsAge() throws Exception {
        assertThat(agent.put("/admin/v1/update-status", status("stable", "AWAITING_APPROVAL")).status()).isEqualTo(204);
        Instant received = server.clock().instant();

        JsonNode fresh = overview();
        assertThat(fresh.path("agent").path("channel").asText()).isEqualTo("stable");
        assertThat(fresh.path("agent").path("state").asText()).isEqualTo("AWAITING_APPROVAL");
        assertThat(fresh.path("agent").path("installedVersion").asText()).isEqualTo("0.1.6");
        assertThat(fresh.path("agent").path("reportedAt").asText()).isEqualTo("2026-11-24T08:00:01Z");
        assertThat(Instant.parse(fresh.path("receivedAt").asText()).getEpochSecond()).isEqualTo(received.getEpochSecond());
        assertThat(fresh.path("reportedAgeSeconds").asLong()).isZero();

        server.clock().advance(Duration.ofSeconds(90));
        JsonNode later = overview();
        assertThat(later.path("reportedAgeSeconds").asLong()).isEqualTo(90);
        assertThat(later.path("receivedAt").asText()).isEqualTo(fresh.path("receivedAt").asText());

        server.createUser("status-user", "user");
        assertThat(server.signIn("status-user").get("/api/v1/updates").json().path("agent").path("channel").asText())
                .isEqualTo("stable");
        assertThat(server.client().get("/api/v1/updates").status()).as("anonymous").isEqualTo(401);
    }

    @Test
    void aSecondReportReplacesTheFirst() throws Exception {
        reportKnownStatus("first-channel");
        server.clock().advance(Duration.ofSeconds(30));
        assertThat(agent.put("/admin/v1/update-status", status("second-channel", "CHECKING")).status()).isEqualTo(204);
        JsonNode now = overview();
        assertThat(now.path("agent").path("channel").asText()).isEqualTo("second-channel");
        assertThat(now.path("agent").path("state").asText()).isEqualTo("CHECKING");
        assertThat(now.path("reportedAgeSeconds").asLong()).isZero();
        try (Connection c = server.database().connect(); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM update_status")) {
            rs.next();
            assertThat(rs.getLong(1)).as("one status row").isEqualTo(1);
        }
    }

    @Test
    void malformedStatusReportsAre400AndLeaveTheStoredOneUnchanged() {
        JsonNode known = reportKnownStatus("known-good");
        String valid = status("attacker", "IDLE");
        List<String> malformed = List.of(
                status("attacker", "EXPLODING"),
                valid.replace("\"channel\":\"attacker\",", ""),
                valid.replace("\"reportedAt\":\"2026-11-24T08:00:01Z\"", "\"reportedAt\":1795939201"),
                valid.replace("\"lastCheckAt\":\"2026-11-24T08:00:00Z\"", "\"lastCheckAt\":\"yesterday\""),
                valid.replace("}", ",\"surprise\":true}"),
                valid.replace("\"approvalRequired\":false", "\"approvalRequired\":\"no\""),
                valid.replace("\"channel\":\"attacker\",", "\"channel\":\"attacker\",\"channel\":\"other\","),
                "[]",
                "{not json");
        for (String body : malformed) {
            ApiClient.Response response = agent.put("/admin/v1/update-status", body);
            assertThat(response.status()).as("%s -> %s", body, response).isEqualTo(400);
            assertThat(response.error()).isIn("invalid_json", "invalid_field");
            assertThat(response.json().path("message").asText()).isNotBlank().doesNotContain("\n");
        }
        assertThat(overview().path("agent")).isEqualTo(known);
    }

    @Test
    void aStatusWithTheWrongContentTypeIs415() {
        JsonNode known = reportKnownStatus("known-415");
        ApiClient.Response response = agent.put("/admin/v1/update-status", status("attacker", "IDLE"),
                "Content-Type", "text/plain");
        assertThat(response.status()).isEqualTo(415);
        assertThat(response.error()).isEqualTo("unsupported_media_type");
        assertThat(overview().path("agent")).isEqualTo(known);
    }

    @Test
    void anOversizedStatusIs413() {
        JsonNode known = reportKnownStatus("known-413");
        String huge = status("attacker", "IDLE").replace("}", ",\"lastError\":\"" + "x".repeat(70 * 1024) + "\"}");
        ApiClient.Response response = agent.put("/admin/v1/update-status", huge);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.error()).isEqualTo("payload_too_large");
        assertThat(overview().path("agent")).isEqualTo(known);
    }

    @Test
    void aTextFieldOver4096CharactersIs400NamingTheField() {
        JsonNode known = reportKnownStatus("known-long");
        for (String field : List.of("lastError", "warning", "step", "availableVersion")) {
            String body = status("attacker", "IDLE").replace("}", ",\"" + field + "\":\"" + "y".repeat(4097) + "\"}");
            ApiClient.Response response = agent.put("/admin/v1/update-status", body);
            assertThat(response.status()).as(field).isEqualTo(400);
            assertThat(response.error()).isEqualTo("invalid_field");
            assertThat(response.json().path("message").asText()).startsWith(field + ":");
        }
        ApiClient.Response longChannel = agent.put("/admin/v1/update-status", status("c".repeat(4097), "IDLE"));
        assertThat(longChannel.status()).isEqualTo(400);
        assertThat(longChannel.json().path("message").asText()).startsWith("channel:");
        for (String field : List.of("installedVersion", "lastCheckResult")) {
            String body = status("attacker", "IDLE").replaceFirst("\"" + field + "\":\"[^\"]*\"",
                    "\"" + field + "\":\"" + "v".repeat(4097) + "\"");
            ApiClient.Response response = agent.put("/admin/v1/update-status", body);
            assertThat(response.status()).as(field).isEqualTo(400);
            assertThat(response.json().path("message").asText()).startsWith(field + ":");
        }
        // 4096 is still fine.
        assertThat(overview().path("agent")).isEqualTo(known);
        assertThat(agent.put("/admin/v1/update-status", status("c".repeat(4096), "IDLE")).status()).isEqualTo(204);
        assertThat(overview().path("agent").path("channel").asText()).hasSize(4096);
    }

    // ---- events ------------------------------------------------------------------------

    @Test
    void anEventIsStoredOnceByItsIdAndAuditedOnceAsTheUpdater() throws Exception {
        String id = "ev-" + UUID.randomUUID();
        ApiClient.Response first = agent.post("/admin/v1/update-events", event(id, "apply-started"));
        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().path("id").asText()).isEqualTo(id);
        assertThat(first.json().path("created").asBoolean()).isTrue();

        ApiClient.Response again = agent.post("/admin/v1/update-events", event(id, "apply-started"));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("created").asBoolean()).isFalse();
        // A redelivery with different content does not overwrite the stored event either.
        assertThat(agent.post("/admin/v1/update-events", event(id, "apply-failed")).status()).isEqualTo(200);

        assertThat(count("SELECT count(*) FROM update_events WHERE event_id = ?", id)).isEqualTo(1);
        JsonNode newest = viewer.get("/api/v1/updates/history?limit=1").json().path("items").get(0);
        assertThat(newest.path("eventId").asText()).isEqualTo(id);
        assertThat(newest.path("kind").asText()).isEqualTo("apply-started");
        assertThat(newest.path("fromVersion").asText()).isEqualTo("0.1.6");
        assertThat(newest.path("toVersion").asText()).isEqualTo("0.1.7");
        assertThat(newest.path("at").asText()).isEqualTo("2026-11-24T08:00:00Z");

        List<TestServer.AuditRow> audit = eventAudit(id);
        assertThat(audit).hasSize(1);
        assertThat(audit.getFirst().actor()).isEqualTo("updater");
        assertThat(audit.getFirst().outcome()).isEqualTo("success");
        assertThat(audit.getFirst().target()).isEqualTo("0.1.7");
        assertThat(audit.getFirst().details().path("kind").asText()).isEqualTo("apply-started");
    }

    @Test
    void eachEventIsAuditedAsAFailureExactlyWhenItsKindReportsOne() throws Exception {
        List<UpdateEventKind> kinds = new ArrayList<>(List.of(UpdateEventKind.Fixed.values()));
        kinds.add(new UpdateEventKind.Restarted("hivemind-server"));
        for (UpdateEventKind kind : kinds) {
            String id = "ev-kind-" + UUID.randomUUID();
            assertThat(agent.post("/admin/v1/update-events", event(id, kind.wireName())).status()).isEqualTo(201);
            assertThat(eventAudit(id)).as(kind.wireName()).singleElement().extracting(TestServer.AuditRow::outcome)
                    .isEqualTo(kind.failure() ? "failure" : "success");
        }
        // Failed updates, whatever their name says: none of these contains "fail" or "reject".
        for (String failed : List.of("rolled-back", "apply-stopped", "apply-interrupted", "rollback-started",
                "rollback-handoff")) {
            String id = "ev-failed-" + UUID.randomUUID();
            assertThat(agent.post("/admin/v1/update-events", event(id, failed)).status()).isEqualTo(201);
            assertThat(eventAudit(id)).as(failed).singleElement().extracting(TestServer.AuditRow::outcome)
                    .isEqualTo("failure");
        }
        for (String fine : List.of("check", "applied", "restarted-hivemind-db")) {
            String id = "ev-fine-" + UUID.randomUUID();
            assertThat(agent.post("/admin/v1/update-events", event(id, fine)).status()).isEqualTo(201);
            assertThat(eventAudit(id)).as(fine).singleElement().extracting(TestServer.AuditRow::outcome)
                    .isEqualTo("success");
        }
    }

    @Test
    void anEventOfAKindThisServerDoesNotKnowIsStoredAsSentAndAuditedAsAFailure() throws Exception {
        String id = "ev-new-" + UUID.randomUUID();
        ApiClient.Response response = agent.post("/admin/v1/update-events", event(id, "from-a-newer-agent"));
        assertThat(response.status()).as("%s", response).isEqualTo(201);
        JsonNode newest = viewer.get("/api/v1/updates/history?limit=1").json().path("items").get(0);
        assertThat(newest.path("eventId").asText()).isEqualTo(id);
        assertThat(newest.path("kind").asText()).isEqualTo("from-a-newer-agent");
        assertThat(eventAudit(id)).singleElement().satisfies(row -> {
            assertThat(row.outcome()).isEqualTo("failure");
            assertThat(row.details().path("kind").asText()).isEqualTo("from-a-newer-agent");
        });
    }

    @Test
    void malformedEventsAre400AndStoreNothing() throws Exception {
        String id = "ev-bad-" + UUID.randomUUID();
        String valid = event(id, "check");
        for (String body : List.of(valid.replace("\"kind\":\"check\",", ""),
                valid.replace("\"kind\":\"check\"", "\"kind\":7"),
                valid.replace("\"at\":\"2026-11-24T08:00:00Z\"", "\"at\":1795939200"),
                valid.replace("}", ",\"extra\":1}"),
                valid.replace("\"message\":\"check for " + id + "\"", "\"message\":\"" + "m".repeat(4097) + "\""),
                valid.replace("\"toVersion\":\"0.1.7\"", "\"toVersion\":\"" + "t".repeat(4097) + "\""),
                valid.replace("\"fromVersion\":\"0.1.6\"", "\"fromVersion\":\"" + "f".repeat(4097) + "\""),
                valid.replace("}", ",\"code\":\"" + "c".repeat(4097) + "\"}"))) {
            ApiClient.Response response = agent.post("/admin/v1/update-events", body);
            assertThat(response.status()).as("%s", response).isEqualTo(400);
        }
        assertThat(count("SELECT count(*) FROM update_events WHERE event_id = ?", id)).isZero();
        assertThat(eventAudit(id)).isEmpty();
    }

    @Test
    void historyIsNewestFirstAndPagedWithNextAndBefore() {
        String prefix = "page-" + UUID.randomUUID() + "-";
        for (int i = 1; i <= 5; i++) {
            assertThat(agent.post("/admin/v1/update-events", event(prefix + i, "check")).status()).isEqualTo(201);
        }
        ApiClient.Response first = viewer.get("/api/v1/updates/history?limit=2");
        assertThat(first.status()).isEqualTo(200);
        assertThat(eventIds(first)).containsExactly(prefix + 5, prefix + 4);
        long next = first.json().path("next").asLong();
        assertThat(next).isEqualTo(first.json().path("items").get(1).path("id").asLong());

        ApiClient.Response second = viewer.get("/api/v1/updates/history?limit=2&before=" + next);
        assertThat(eventIds(second)).containsExactly(prefix + 3, prefix + 2);
        ApiClient.Response third = viewer.get("/api/v1/updates/history?limit=1&before="
                + second.json().path("next").asLong());
        assertThat(eventIds(third)).containsExactly(prefix + 1);

        assertThat(viewer.get("/api/v1/updates/history?limit=0").status()).isEqualTo(400);
        assertThat(viewer.get("/api/v1/updates/history?before=x").status()).isEqualTo(400);
        assertThat(server.client().get("/api/v1/updates/history").status()).isEqualTo(401);
    }

    @Test
    void theLastPageOfHistoryHasNoNext() {
        String id = "last-" + UUID.randomUUID();
        assertThat(agent.post("/admin/v1/update-events", event(id, "check")).status()).isEqualTo(201);
        long newest = viewer.get("/api/v1/updates/history?limit=1").json().path("items").get(0).path("id").asLong();
        ApiClient.Response beyond = viewer.get("/api/v1/updates/history?before=1");
        assertThat(beyond.json().path("items")).isEmpty();
        assertThat(beyond.json().path("next").isMissingNode() || beyond.json().path("next").isNull()).isTrue();
        ApiClient.Response all = viewer.get("/api/v1/updates/history?limit=200&before=" + (newest + 1));
        assertThat(all.json().path("items").size()).isLessThan(200);
        assertThat(all.json().path("next").isMissingNode() || all.json().path("next").isNull()).isTrue();
    }

    private static List<String> eventIds(ApiClient.Response page) {
        return page.json().path("items").valueStream().map(item -> item.path("eventId").asText()).toList();
    }

    // ---- commands: poll, long poll, leases --------------------------------------------

    @Test
    void aPollHandsOutQueuedCommandsOnceAndMarksThemDelivered() throws Exception {
        clearQueue();
        long check = queue("{\"kind\":\"check_now\"}");
        long approve = queue("{\"kind\":\"approve\",\"version\":\"0.1.7\"}");

        JsonNode commands = poll(0);
        assertThat(commands.valueStream().map(c -> c.path("id").asLong()).toList()).containsExactly(check, approve);
        assertThat(commands.get(0).path("kind").asText()).isEqualTo("CHECK_NOW");
        assertThat(commands.get(0).path("version").isMissingNode() || commands.get(0).path("version").isNull())
                .as("no version").isTrue();
        assertThat(commands.get(1).path("kind").asText()).isEqualTo("APPROVE");
        assertThat(commands.get(1).path("version").asText()).isEqualTo("0.1.7");
        assertThat(commands.get(1).path("requestedBy").asText()).isEqualTo("agent-admin");

        for (long id : List.of(check, approve)) {
            assertThat(command(id).path("state").asText()).isEqualTo("delivered");
            assertThat(command(id).path("deliveries").asInt()).isEqualTo(1);
        }
        assertThat(poll(0)).as("a second poll gets nothing").isEmpty();
    }

    @Test
    void aWaitingPollGetsACommandQueuedWhileItWaits() throws Exception {
        clearQueue();
        // That the queueing wakes the poll at once, rather than its periodic look at the table, is
        // CommandQueueTest's; here, the long poll over HTTP hands out what is queued during it.
        CompletableFuture<ApiClient.Response> waiting = CompletableFuture.supplyAsync(
                () -> agent.get("/admin/v1/commands?waitSeconds=60"));

        long id = queue("{\"kind\":\"check_now\"}");
        ApiClient.Response response = waiting.get(120, TimeUnit.SECONDS);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("commands").valueStream().map(c -> c.path("id").asLong()).toList())
                .containsExactly(id);
        assertThat(command(id).path("state").asText()).isEqualTo("delivered");
    }

    @Test
    void aPollWithNothingQueuedReturnsAnEmptyListAfterItsWait() throws Exception {
        clearQueue();
        assertThat(poll(1)).isEmpty();
    }

    @Test
    void aBadWaitIs400AndHandsNothingOut() throws Exception {
        clearQueue();
        long id = queue("{\"kind\":\"rollback\"}");
        for (String bad : List.of("61", "x", "-1", "1.5", "99999999999999999999")) {
            ApiClient.Response response = agent.get("/admin/v1/commands?waitSeconds=" + bad);
            assertThat(response.status()).as("waitSeconds=%s", bad).isEqualTo(400);
            assertThat(response.error()).isEqualTo("invalid_parameter");
            assertThat(response.json().path("message").asText()).contains("waitSeconds");
        }
        assertThat(command(id).path("state").asText()).isEqualTo("queued");
        assertThat(command(id).path("deliveries").asInt()).isZero();
    }

    @Test
    void aCommandWithoutAResultIsHandedOutAgainWhenItsLeaseRunsOut() throws Exception {
        clearQueue();
        long id = queue("{\"kind\":\"apply\"}");
        assertThat(poll(0).valueStream().map(c -> c.path("id").asLong()).toList()).containsExactly(id);

        server.clock().advance(Duration.ofMinutes(14));
        assertThat(poll(0)).as("still leased after 14 minutes").isEmpty();

        server.clock().advance(Duration.ofMinutes(2));
        assertThat(poll(0).valueStream().map(c -> c.path("id").asLong()).toList()).containsExactly(id);
        assertThat(command(id).path("state").asText()).isEqualTo("delivered");
        assertThat(command(id).path("deliveries").asInt()).isEqualTo(2);
    }

    @Test
    void aCommandHandedOutThreeTimesWithoutAResultIsMarkedFailed() throws Exception {
        clearQueue();
        long id = queue("{\"kind\":\"apply\",\"version\":\"0.1.8\"}");
        for (int delivery = 1; delivery <= 3; delivery++) {
            assertThat(poll(0).valueStream().map(c -> c.path("id").asLong()).toList())
                    .as("delivery %d", delivery).containsExactly(id);
            server.clock().advance(Duration.ofMinutes(16));
        }
        assertThat(poll(0)).as("not handed out a fourth time").isEmpty();
        JsonNode failed = command(id);
        assertThat(failed.path("state").asText()).isEqualTo("failed");
        assertThat(failed.path("deliveries").asInt()).isEqualTo(3);
        assertThat(failed.path("result").asText()).contains("3 deliveries");
        assertThat(failed.path("completedAt").asText()).isNotEmpty();
        // A late result for it is refused: it already has its outcome.
        ApiClient.Response late = agent.post("/admin/v1/commands/" + id + "/result",
                "{\"commandId\":" + id + ",\"success\":true,\"message\":\"late\"}");
        assertThat(late.status()).isEqualTo(409);
        assertThat(command(id).path("state").asText()).isEqualTo("failed");
    }

    // ---- commands: results -------------------------------------------------------------

    @Test
    void aResultCompletesTheCommandOnceAndIsAudited() throws Exception {
        clearQueue();
        long id = queue("{\"kind\":\"check_now\"}");
        assertThat(poll(0)).hasSize(1);

        ApiClient.Response done = agent.post("/admin/v1/commands/" + id + "/result",
                "{\"commandId\":" + id + ",\"success\":true,\"message\":\"checked: up to date\"}");
        assertThat(done.status()).as("%s", done).isEqualTo(200);
        assertThat(done.json().path("state").asText()).isEqualTo("succeeded");

        JsonNode shown = command(id);
        assertThat(shown.path("state").asText()).isEqualTo("succeeded");
        assertThat(shown.path("result").asText()).isEqualTo("checked: up to date");
        assertThat(shown.path("completedAt").asText()).isNotEmpty();
        List<TestServer.AuditRow> audit = server.audit("update.command_completed").stream()
                .filter(r -> ("command " + id).equals(r.target())).toList();
        assertThat(audit).singleElement().satisfies(row -> {
            assertThat(row.actor()).isEqualTo("updater");
            assertThat(row.outcome()).isEqualTo("success");
            assertThat(row.details().path("message").asText()).isEqualTo("checked: up to date");
        });

        ApiClient.Response again = agent.post("/admin/v1/commands/" + id + "/result",
                "{\"commandId\":" + id + ",\"success\":false,\"message\":\"overwrite attempt\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error()).isEqualTo("already_completed");
        assertThat(command(id).path("state").asText()).isEqualTo("succeeded");
        assertThat(command(id).path("result").asText()).isEqualTo("checked: up to date");
        assertThat(server.audit("update.command_completed").stream()
                .filter(r -> ("command " + id).equals(r.target()))).hasSize(1);
        assertThat(poll(0)).as("a completed command is not handed out").isEmpty();
    }

    @Test
    void aFailureResultMarksTheCommandFailedAndAuditsAFailure() throws Exception {
        clearQueue();
        long id = queue("{\"kind\":\"rollback\"}");
        assertThat(poll(0)).hasSize(1);
        ApiClient.Response done = agent.post("/admin/v1/commands/" + id + "/result",
                "{\"commandId\":" + id + ",\"success\":false,\"message\":\"no backup to roll back to\"}");
        assertThat(done.status()).isEqualTo(200);
        assertThat(command(id).path("state").asText()).isEqualTo("failed");
        assertThat(server.audit("update.command_completed").stream()
                .filter(r -> ("command " + id).equals(r.target())))
                .singleElement().extracting(TestServer.AuditRow::outcome).isEqualTo("failure");
    }

    @Test
    void aResultForAnUnknownCommandIs404AndForAMismatchedIdIs400() throws Exception {
        clearQueue();
        long id = queue("{\"kind\":\"check_now\"}");
        assertThat(poll(0)).hasSize(1);
        int auditBefore = server.audit("update.command_completed").size();

        ApiClient.Response unknown = agent.post("/admin/v1/commands/999999/result",
                "{\"commandId\":999999,\"success\":true,\"message\":\"?\"}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error()).isEqualTo("not_found");
        assertThat(agent.post("/admin/v1/commands/abc/result",
                "{\"commandId\":1,\"success\":true,\"message\":\"?\"}").status()).isEqualTo(404);

        ApiClient.Response mismatched = agent.post("/admin/v1/commands/" + id + "/result",
                "{\"commandId\":" + (id + 1000) + ",\"success\":true,\"message\":\"wrong\"}");
        assertThat(mismatched.status()).isEqualTo(400);
        assertThat(mismatched.json().path("message").asText()).contains("commandId");

        ApiClient.Response noSuccess = agent.post("/admin/v1/commands/" + id + "/result",
                "{\"commandId\":" + id + ",\"message\":\"no success field\"}");
        assertThat(noSuccess.status()).isEqualTo(400);

        ApiClient.Response longMessage = agent.post("/admin/v1/commands/" + id + "/result",
                "{\"commandId\":" + id + ",\"success\":true,\"message\":\"" + "z".repeat(4097) + "\"}");
        assertThat(longMessage.status()).isEqualTo(400);

        assertThat(command(id).path("state").asText()).as("still open").isEqualTo("delivered");
        assertThat(server.audit("update.command_completed")).hasSize(auditBefore);
    }
}
