package com.seglamater.hivemind.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.agent.server.AdminClient;
import com.seglamater.hivemind.agent.server.HealthProbe;
import com.seglamater.hivemind.agent.server.HttpHealthProbe;
import com.seglamater.hivemind.agent.server.Outbox;
import com.seglamater.hivemind.agent.server.ServerRefusedException;
import com.seglamater.hivemind.agent.server.ServerUnavailableException;
import com.seglamater.hivemind.model.admin.AdminJson;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.CommandResult;
import com.seglamater.hivemind.model.admin.DrainResult;
import com.seglamater.hivemind.model.admin.OperatorCommand;
import com.seglamater.hivemind.model.admin.PendingCommands;
import com.seglamater.hivemind.model.admin.ServerStatus;
import com.seglamater.hivemind.model.admin.UpdateEvent;
import com.seglamater.hivemind.model.admin.UpdateEventKind;
import com.seglamater.hivemind.server.HivemindServer;
import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.testing.ApiClient;
import com.seglamater.hivemind.server.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract between the updater agent and the server, proved with both sides' real code:
 * the agent's {@link AdminClient}, {@link Outbox} and {@link HttpHealthProbe} against a
 * server started in-process on its own database, and what the agent reported read back
 * through the server's user API ({@code /api/v1/updates}) as a signed-in admin. Each side's
 * own tests use a stand-in for the other (MockWebServer, hand-written JSON); this one fails
 * when the two stop agreeing on a route, a field, a status code or the token.
 *
 * <p>The server can be stopped and started again on the same ports, database and token file,
 * as an update restarts it; it writes a new token each time.
 */
class AgentContractTest {

    private static final String VERSION = "9.9.9-contract";
    private static final String ADMIN = "contract-admin";
    private static final String PASSWORD = "correct horse battery staple";
    private static final String API_KEY = randomKey();

    @TempDir
    static Path dir;

    private static TestDatabase database;
    private static HivemindServer server;
    private static int port;
    private static int adminPort;
    private static Path tokenFile;

    /** The agent's side: one client for the whole class, as the agent keeps one across server restarts. */
    private static AdminClient agent;
    private static HttpHealthProbe health;
    /** The operator's side: a browser signed in as an admin (sessions live in the database, so they survive restarts). */
    private static ApiClient admin;

    @BeforeAll
    static void start() throws Exception {
        database = TestDatabase.create();
        tokenFile = dir.resolve("run/admin.token");
        server = startServer("127.0.0.1:0", "127.0.0.1:0");
        port = server.port();
        adminPort = server.adminPort();
        agent = new AdminClient(URI.create("http://127.0.0.1:" + adminPort), tokenFile);
        health = new HttpHealthProbe(URI.create("http://127.0.0.1:" + port + "/health"));

        ApiClient key = new ApiClient(port).always("Authorization", "Bearer " + API_KEY);
        ApiClient.Response created = key.post("/api/v1/users", "{\"username\":\"" + ADMIN + "\",\"role\":\"admin\","
                + "\"password\":\"" + PASSWORD + "\"}");
        assertThat(created.status()).as("create %s: %s", ADMIN, created).isEqualTo(201);
        admin = new ApiClient(port);
        ApiClient.Response signedIn = admin.post("/api/v1/session",
                "{\"username\":\"" + ADMIN + "\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(signedIn.status()).as("sign-in: %s", signedIn).isEqualTo(200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @AfterEach
    void serving() throws Exception {
        if (server == null) {
            server = startServer("127.0.0.1:" + port, "127.0.0.1:" + adminPort);
        }
        agent.undrain();
    }

    private static HivemindServer startServer(String bind, String adminBind) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                ServerConfig.BIND, bind,
                ServerConfig.ADMIN_BIND, adminBind,
                ServerConfig.ADMIN_TOKEN_FILE, tokenFile.toString(),
                ServerConfig.DB_URL, database.jdbcUrl(),
                ServerConfig.DB_USER, TestDatabase.ADMIN_USER,
                ServerConfig.DATA_DIR, dir.resolve("data").toString(),
                ServerConfig.ADMIN_API_KEY, API_KEY,
                ServerConfig.RATE_LIMIT_API, "off",
                ServerConfig.RATE_LIMIT_SIGNIN, "off",
                ServerConfig.RATE_LIMIT_SIGNIN_ACCOUNT, "off"));
        return HivemindServer.start(ServerConfig.from(env), VERSION);
    }

    /** An update's restart, first half: the server is gone, its database and token file stay. */
    private static void stopServer() {
        server.close();
        server = null;
    }

    /** Second half: the same ports, database and token file; a new token. */
    private static void startServerAgain() throws Exception {
        server = startServer("127.0.0.1:" + port, "127.0.0.1:" + adminPort);
    }

    private static String randomKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    // ---- the operator's view, through the user API -------------------------------------

    private static JsonNode overview() {
        ApiClient.Response response = admin.get("/api/v1/updates");
        assertThat(response.status()).as("GET /api/v1/updates: %s", response).isEqualTo(200);
        return response.json();
    }

    /** The update history entries whose event id starts with {@code prefix}, newest first. */
    private static List<JsonNode> history(String prefix) {
        ApiClient.Response response = admin.get("/api/v1/updates/history?limit=200");
        assertThat(response.status()).as("GET /api/v1/updates/history: %s", response).isEqualTo(200);
        return response.json().path("items").valueStream()
                .filter(item -> item.path("eventId").asText().startsWith(prefix)).toList();
    }

    private static JsonNode queue(String body) {
        ApiClient.Response response = admin.postWithCsrf("/api/v1/updates/commands", body);
        assertThat(response.status()).as("queue %s: %s", body, response).isEqualTo(202);
        return response.json();
    }

    private static JsonNode command(long id) {
        ApiClient.Response response = admin.get("/api/v1/updates/commands");
        assertThat(response.status()).as("GET /api/v1/updates/commands: %s", response).isEqualTo(200);
        return response.json().path("items").valueStream().filter(item -> item.path("id").asLong() == id)
                .findFirst().orElseThrow(() -> new AssertionError("command " + id + " is not listed: " + response));
    }

    /** Takes every open command out of the way, so that each test sees only its own. */
    private static void clearQueue() throws Exception {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("UPDATE update_commands SET state = 'failed', completed_at = now(), result = 'cleared by test' "
                    + "WHERE state IN ('queued', 'delivered')");
        }
    }

    private static long storedEvents(String eventId) throws Exception {
        try (Connection c = database.connect();
             PreparedStatement query = c.prepareStatement("SELECT count(*) FROM update_events WHERE event_id = ?")) {
            query.setString(1, eventId);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static AgentStatus status(String channel, AgentStatus.State state) {
        return new AgentStatus(channel, Optional.of("0.1.6"), state, Optional.of("pulling"),
                Optional.of(Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5)),
                Optional.of("update_available"), Optional.of("0.1.7"), Optional.of("https://example.org/notes/0.1.7"), true,
                Optional.of("channel stale or frozen: no new statement for 9 days"),
                Optional.of("pull of ghcr.io/example/hivemind@sha256:… failed: timeout"), Instant.now());
    }

    private static UpdateEvent event(String id, String kind) {
        return new UpdateEvent(id, Instant.now(), UpdateEventKind.of(kind), Optional.of("0.1.6"), Optional.of("0.1.7"),
                Optional.of("code-" + kind), kind + " of " + id);
    }

    // ---- status, health, drain ---------------------------------------------------------

    @Test
    void statusAndHealthReportTheSameVersionAndUp() throws Exception {
        ServerStatus status = agent.status();
        assertThat(status.status()).isEqualTo("UP");
        assertThat(status.version()).isEqualTo(VERSION);
        assertThat(status.inFlight()).isZero();

        HealthProbe.Health probed = health.probe();
        assertThat(probed.httpStatus()).isEqualTo(200);
        assertThat(probed.status()).contains("UP");
        assertThat(probed.version()).contains(status.version());
        assertThat(probed.serving(VERSION)).isTrue();
        assertThat(probed.serving("0.0.1")).as("another version is not the one the agent waits for").isFalse();
    }

    @Test
    void drainMakesHealthSay503DrainingAndUndrainServesAgain() throws Exception {
        DrainResult drained = agent.drain(Duration.ofSeconds(2));
        assertThat(drained.idle()).isTrue();
        assertThat(drained.inFlight()).isZero();

        HealthProbe.Health draining = health.probe();
        assertThat(draining.httpStatus()).isEqualTo(503);
        assertThat(draining.status()).contains("DRAINING");
        assertThat(draining.version()).contains(VERSION);
        assertThat(draining.serving(VERSION)).isFalse();
        assertThat(agent.status().status()).isEqualTo("DRAINING");

        agent.undrain();
        assertThat(health.probe().serving(VERSION)).isTrue();
        assertThat(agent.status().status()).isEqualTo("UP");
    }

    // ---- reports ------------------------------------------------------------------------

    @Test
    void aReportedStatusIsWhatTheUpdatesApiShows() throws Exception {
        AgentStatus sent = status("stable-" + UUID.randomUUID(), AgentStatus.State.AWAITING_APPROVAL);
        agent.reportStatus(sent);

        JsonNode shown = overview().path("agent");
        assertThat(shown.path("channel").asText()).isEqualTo(sent.channel());
        assertThat(shown.path("installedVersion").asText()).isEqualTo("0.1.6");
        assertThat(shown.path("state").asText()).isEqualTo("AWAITING_APPROVAL");
        assertThat(shown.path("lastCheckResult").asText()).isEqualTo("update_available");
        assertThat(shown.path("warning").asText()).isEqualTo(sent.warning().orElseThrow());
        assertThat(shown.path("lastError").asText()).isEqualTo(sent.lastError().orElseThrow());
        // Every field, times to the nanosecond: read back with the agent's own strict mapper.
        assertThat(AdminJson.mapper().treeToValue(shown, AgentStatus.class)).isEqualTo(sent);

        AgentStatus sparse = new AgentStatus("stable", Optional.empty(), AgentStatus.State.IDLE, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.empty(),
                Optional.empty(), Instant.now());
        agent.reportStatus(sparse);
        JsonNode replaced = overview().path("agent");
        assertThat(replaced.path("warning").isNull()).as("the newer report replaced the warning").isTrue();
        assertThat(AdminJson.mapper().treeToValue(replaced, AgentStatus.class)).isEqualTo(sparse);
    }

    @Test
    void anEventDeliveredTwiceIsStoredOnce() throws Exception {
        String id = "twice-" + UUID.randomUUID();
        UpdateEvent event = event(id, "rejected");
        agent.reportEvent(event);
        agent.reportEvent(event);

        List<JsonNode> stored = history(id);
        assertThat(stored).hasSize(1);
        JsonNode entry = stored.getFirst();
        assertThat(entry.path("kind").asText()).isEqualTo("rejected");
        assertThat(entry.path("fromVersion").asText()).isEqualTo("0.1.6");
        assertThat(entry.path("toVersion").asText()).isEqualTo("0.1.7");
        assertThat(entry.path("code").asText()).isEqualTo("code-rejected");
        assertThat(entry.path("message").asText()).isEqualTo(event.message());
        // PostgreSQL keeps microseconds, rounding what the agent's clock has beyond them.
        assertThat(Instant.parse(entry.path("at").asText()))
                .isCloseTo(event.at(), org.assertj.core.api.Assertions.within(1, ChronoUnit.MICROS));
        assertThat(storedEvents(id)).isEqualTo(1);
    }

    @Test
    void reportsQueuedWhileTheServerRestartsArriveInOrderUnderTheNewToken(@TempDir Path agentData) throws Exception {
        String prefix = "restart-" + UUID.randomUUID() + "-";
        Outbox outbox = new Outbox(agentData, agent);
        agent.status(); // the client now holds the running server's token
        String before = Files.readString(tokenFile);

        stopServer();
        for (String kind : List.of("apply-started", "pulled", "restarted")) {
            outbox.event(event(prefix + kind, kind));
        }
        AgentStatus applying = status("restart-" + UUID.randomUUID(), AgentStatus.State.APPLYING);
        outbox.status(applying);
        assertThat(outbox.deliver()).as("nothing answers").isZero();
        assertThat(outbox.queuedEvents()).isEqualTo(3);
        assertThatThrownBy(agent::status).isInstanceOf(ServerUnavailableException.class)
                .isNotInstanceOf(ServerRefusedException.class);

        startServerAgain();
        assertThat(Files.readString(tokenFile)).as("the restarted server has a new token").isNotEqualTo(before);
        // The first call is refused (401) with the old token; the client rereads the file and retries.
        assertThat(outbox.deliver()).as("3 events and the status").isEqualTo(4);
        assertThat(outbox.pending()).isFalse();

        assertThat(history(prefix).stream().map(entry -> entry.path("eventId").asText()).toList())
                .as("newest first, in the order they were made")
                .containsExactly(prefix + "restarted", prefix + "pulled", prefix + "apply-started");
        assertThat(overview().path("agent").path("channel").asText()).isEqualTo(applying.channel());
        assertThat(overview().path("agent").path("state").asText()).isEqualTo("APPLYING");

        // An agent that crashed before deleting its files sends them again: still one of each.
        for (String kind : List.of("apply-started", "pulled", "restarted")) {
            agent.reportEvent(event(prefix + kind, kind));
        }
        assertThat(history(prefix)).hasSize(3);
    }

    // ---- commands -----------------------------------------------------------------------

    @Test
    void commandsQueuedByAnAdminReachTheLongPollAndTheirResultsShowInTheApi() throws Exception {
        clearQueue();
        JsonNode check = queue("{\"kind\":\"check_now\"}");
        JsonNode approve = queue("{\"kind\":\"approve\",\"version\":\"0.1.7\"}");

        PendingCommands pending = agent.commands(Duration.ofSeconds(2));
        assertThat(pending.commands()).hasSize(2);
        OperatorCommand first = pending.commands().get(0);
        OperatorCommand second = pending.commands().get(1);
        assertThat(first.id()).isEqualTo(check.path("id").asLong());
        assertThat(first.kind()).isEqualTo(OperatorCommand.Kind.CHECK_NOW);
        assertThat(first.version()).isEmpty();
        assertThat(first.requestedBy()).isEqualTo(ADMIN);
        assertThat(first.requestedAt()).isEqualTo(Instant.parse(check.path("requestedAt").asText()));
        assertThat(second.id()).isEqualTo(approve.path("id").asLong());
        assertThat(second.kind()).isEqualTo(OperatorCommand.Kind.APPROVE);
        assertThat(second.version()).contains("0.1.7");
        assertThat(second.requestedBy()).isEqualTo(ADMIN);
        assertThat(command(first.id()).path("state").asText()).isEqualTo("delivered");

        agent.commandResult(new CommandResult(first.id(), true, "checked: up to date"));
        agent.commandResult(new CommandResult(second.id(), false, "0.1.7 is no longer the available release"));

        JsonNode checked = command(first.id());
        assertThat(checked.path("state").asText()).isEqualTo("succeeded");
        assertThat(checked.path("result").asText()).isEqualTo("checked: up to date");
        assertThat(checked.path("completedAt").asText()).isNotEmpty();
        JsonNode refused = command(second.id());
        assertThat(refused.path("state").asText()).isEqualTo("failed");
        assertThat(refused.path("result").asText()).isEqualTo("0.1.7 is no longer the available release");
        assertThat(overview().path("openCommands").asLong()).isZero();

        // A redelivered result (409) and one for a command the server does not know (404) are
        // not the agent's errors; the first result stands.
        agent.commandResult(new CommandResult(first.id(), false, "a second result"));
        agent.commandResult(new CommandResult(999_999_999L, true, "unknown"));
        assertThat(command(first.id()).path("state").asText()).isEqualTo("succeeded");
        assertThat(command(first.id()).path("result").asText()).isEqualTo("checked: up to date");
        assertThat(agent.commands(Duration.ZERO).commands()).as("completed commands are not handed out").isEmpty();
    }

    @Test
    void aWaitingPollReturnsAsSoonAsAnAdminQueuesACommand() throws Exception {
        clearQueue();
        Instant started = Instant.now();
        assertThat(agent.commands(Duration.ofSeconds(1)).commands()).as("nothing queued").isEmpty();
        assertThat(Duration.between(started, Instant.now())).as("the server waited")
                .isGreaterThanOrEqualTo(Duration.ofMillis(900));

        CompletableFuture<PendingCommands> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return agent.commands(Duration.ofSeconds(10));
            } catch (ServerUnavailableException e) {
                throw new IllegalStateException(e);
            }
        });
        // Ordering only: let the poll reach its wait before the command is queued.
        Thread.sleep(500);
        assertThat(waiting).isNotDone();
        Instant queuedAt = Instant.now();
        long id = queue("{\"kind\":\"rollback\"}").path("id").asLong();

        PendingCommands pending = waiting.get(15, TimeUnit.SECONDS);
        assertThat(pending.commands()).extracting(OperatorCommand::id).containsExactly(id);
        assertThat(pending.commands().getFirst().kind()).isEqualTo(OperatorCommand.Kind.ROLLBACK);
        // The server rechecks every 5 s anyway; sooner shows the queueing woke the poll.
        assertThat(Duration.between(queuedAt, Instant.now())).isLessThan(Duration.ofSeconds(4));
        agent.commandResult(new CommandResult(id, true, "rolled back to 0.1.6"));
        assertThat(command(id).path("state").asText()).isEqualTo("succeeded");
    }

    // ---- the token ----------------------------------------------------------------------

    @Test
    void aClientWithTheWrongTokenIsRefusedAndStoresNothing() throws Exception {
        clearQueue();
        AgentStatus known = status("known-" + UUID.randomUUID(), AgentStatus.State.IDLE);
        agent.reportStatus(known);
        long queued = queue("{\"kind\":\"apply\"}").path("id").asLong();

        String token = Files.readString(tokenFile);
        Path wrongFile = dir.resolve("wrong.token");
        Files.writeString(wrongFile, token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A"));
        AdminClient impostor = new AdminClient(URI.create("http://127.0.0.1:" + adminPort), wrongFile);
        String eventId = "impostor-" + UUID.randomUUID();

        List<ThrowingCall> calls = List.of(
                impostor::status,
                () -> impostor.drain(Duration.ZERO),
                () -> impostor.reportStatus(status("attacker", AgentStatus.State.APPLYING)),
                () -> impostor.reportEvent(event(eventId, "apply-started")),
                () -> impostor.commands(Duration.ZERO),
                () -> impostor.commandResult(new CommandResult(queued, true, "forged")));
        for (ThrowingCall call : calls) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(ServerRefusedException.class, refused -> {
                assertThat(refused.httpStatus()).isEqualTo(401);
                assertThat(refused.error()).contains("unauthorized");
                assertThat(refused.permanent()).as("a queue keeps it: the next server start may fix the token").isFalse();
                assertThat(refused.getMessage()).doesNotContain(token);
            });
        }

        assertThat(health.probe().serving(VERSION)).as("the refused drain did nothing").isTrue();
        assertThat(overview().path("agent").path("channel").asText()).isEqualTo(known.channel());
        assertThat(storedEvents(eventId)).isZero();
        JsonNode untouched = command(queued);
        assertThat(untouched.path("state").asText()).as("neither handed out nor completed").isEqualTo("queued");
        assertThat(untouched.path("deliveries").asInt()).isZero();
    }

    @Test
    void aClientWithoutATokenFileIsUnavailableRatherThanRefused() {
        AdminClient early = new AdminClient(URI.create("http://127.0.0.1:" + adminPort), dir.resolve("missing.token"));
        assertThatThrownBy(early::status).isInstanceOf(ServerUnavailableException.class)
                .isNotInstanceOf(ServerRefusedException.class)
                .hasMessageContaining("missing.token");
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }
}
