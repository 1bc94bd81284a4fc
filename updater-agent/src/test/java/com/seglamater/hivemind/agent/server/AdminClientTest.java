package com.seglamater.hivemind.agent.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.model.admin.AdminJson;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.CommandResult;
import com.seglamater.hivemind.model.admin.DrainResult;
import com.seglamater.hivemind.model.admin.OperatorCommand;
import com.seglamater.hivemind.model.admin.PendingCommands;
import com.seglamater.hivemind.model.admin.ServerStatus;
import com.seglamater.hivemind.model.admin.UpdateEvent;
import com.seglamater.hivemind.model.admin.UpdateEventKind;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Each route as the server's AdminService and AgentService define it (server/.../admin, .../updates). */
class AdminClientTest {

    private static final String TOKEN = "first-token_0123456789abcdefghijklmnopqrstu";
    private static final String NEW_TOKEN = "second-token_0123456789abcdefghijklmnopqrst";
    private static final ObjectMapper JSON = AdminJson.mapper();
    private static final Instant AT = Instant.parse("2026-11-24T08:00:00Z");

    @TempDir
    Path dir;

    private final MockWebServer server = new MockWebServer();
    private Path tokenFile;
    private AdminClient client;

    @BeforeEach
    void start() throws IOException {
        server.start();
        tokenFile = dir.resolve("admin.token");
        Files.writeString(tokenFile, TOKEN + "\n");
        client = new AdminClient(server.url("/").uri(), tokenFile);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---- routes -------------------------------------------------------------------------

    @Test
    void statusIsAnAuthenticatedGetParsedAsServerStatus() throws Exception {
        server.enqueue(json(200, "{\"status\":\"UP\",\"version\":\"0.4.0\",\"inFlight\":3}"));

        assertThat(client.status()).isEqualTo(new ServerStatus("UP", "0.4.0", 3));

        RecordedRequest request = server.takeRequest();
        assertThat(request.getMethod()).isEqualTo("GET");
        assertThat(request.getTarget()).isEqualTo("/admin/v1/status");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(request.getBodySize()).isZero();
    }

    @Test
    void drainPostsTimeoutSecondsAndParsesTheResult() throws Exception {
        server.enqueue(json(200, "{\"idle\":false,\"inFlight\":2}"));

        assertThat(client.drain(Duration.ofSeconds(45))).isEqualTo(new DrainResult(false, 2));

        RecordedRequest request = server.takeRequest();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getTarget()).isEqualTo("/admin/v1/drain?timeoutSeconds=45");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(request.getBodySize()).isZero();
    }

    @Test
    void drainTimeoutIsRoundedUpToWholeSecondsWithinTheServersBound() throws Exception {
        server.enqueue(json(200, "{\"idle\":true,\"inFlight\":0}"));
        client.drain(Duration.ofMillis(1500));
        assertThat(server.takeRequest().getUrl().queryParameter("timeoutSeconds")).isEqualTo("2");

        assertThatThrownBy(() -> client.drain(Duration.ofSeconds(301))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.drain(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void undrainIsAnAuthenticatedPost() throws Exception {
        server.enqueue(json(200, "{\"status\":\"UP\",\"version\":\"0.4.0\",\"inFlight\":0}"));

        client.undrain();

        RecordedRequest request = server.takeRequest();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getTarget()).isEqualTo("/admin/v1/undrain");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void reportStatusPutsTheAgentStatusAsJsonAndAccepts204() throws Exception {
        server.enqueue(new MockResponse.Builder().code(204).build());
        AgentStatus status = status("stable");

        client.reportStatus(status);

        RecordedRequest request = server.takeRequest();
        assertThat(request.getMethod()).isEqualTo("PUT");
        assertThat(request.getTarget()).isEqualTo("/admin/v1/update-status");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
        // The server reads it with the same strict mapper; this would fail on any field it does not know.
        assertThat(JSON.readValue(request.getBody().utf8(), AgentStatus.class)).isEqualTo(status);
    }

    @Test
    void reportEventPostsTheEventAndTakesCreatedAndDuplicateAsDelivered() throws Exception {
        UpdateEvent event = event("evt-1");
        server.enqueue(json(201, "{\"id\":\"evt-1\",\"created\":true}"));
        server.enqueue(json(200, "{\"id\":\"evt-1\",\"created\":false}"));

        client.reportEvent(event);
        client.reportEvent(event);

        for (int i = 0; i < 2; i++) {
            RecordedRequest request = server.takeRequest();
            assertThat(request.getMethod()).isEqualTo("POST");
            assertThat(request.getTarget()).isEqualTo("/admin/v1/update-events");
            assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
            assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
            assertThat(JSON.readValue(request.getBody().utf8(), UpdateEvent.class)).isEqualTo(event);
        }
    }

    @Test
    void commandsLongPollsWithWaitSecondsAndParsesTheCommands() throws Exception {
        server.enqueue(json(200, "{\"commands\":[{\"id\":7,\"kind\":\"APPROVE\",\"version\":\"0.5.0\","
                + "\"requestedBy\":\"alice\",\"requestedAt\":\"2026-11-24T08:00:00Z\"}]}"));

        PendingCommands commands = client.commands(Duration.ofSeconds(25));

        assertThat(commands.commands()).containsExactly(
                new OperatorCommand(7, OperatorCommand.Kind.APPROVE, Optional.of("0.5.0"), "alice", AT));
        RecordedRequest request = server.takeRequest();
        assertThat(request.getMethod()).isEqualTo("GET");
        assertThat(request.getTarget()).isEqualTo("/admin/v1/commands?waitSeconds=25");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThatThrownBy(() -> client.commands(Duration.ofSeconds(61))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void longPollWaitsForTheServersAnswerBeyondAnOrdinaryRead() throws Exception {
        // The server holds a long poll open for waitSeconds; the answer after 2 s of a 1 s wait
        // is still read (the read bound is the wait plus slack, not the wait itself).
        server.enqueue(new MockResponse.Builder().code(200).body("{\"commands\":[]}")
                .headersDelay(2, TimeUnit.SECONDS).build());

        assertThat(client.commands(Duration.ofSeconds(1)).commands()).isEmpty();
    }

    @Test
    void commandResultPostsTheResultToTheCommandsPath() throws Exception {
        server.enqueue(json(200, "{\"id\":7}"));
        CommandResult result = new CommandResult(7, true, "applied 0.5.0");

        client.commandResult(result);

        RecordedRequest request = server.takeRequest();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getTarget()).isEqualTo("/admin/v1/commands/7/result");
        assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(JSON.readValue(request.getBody().utf8(), CommandResult.class)).isEqualTo(result);
    }

    @Test
    void aResultForAnUnknownOrAlreadyCompletedCommandIsNotAnError() throws Exception {
        server.enqueue(json(404, "{\"error\":\"not_found\",\"message\":\"no such command: 7\"}"));
        server.enqueue(json(409, "{\"error\":\"already_completed\",\"message\":\"command 7 already has a result\"}"));

        client.commandResult(new CommandResult(7, true, "done"));
        client.commandResult(new CommandResult(7, true, "done"));

        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void otherRefusalsOfACommandResultAreErrors() {
        server.enqueue(json(400, "{\"error\":\"invalid_field\",\"message\":\"commandId 8 does not match\"}"));

        assertThatThrownBy(() -> client.commandResult(new CommandResult(7, true, "done")))
                .isInstanceOf(ServerRefusedException.class)
                .hasMessageContaining("400 invalid_field: commandId 8 does not match");
    }

    // ---- token --------------------------------------------------------------------------

    @Test
    void theTokenIsReadOnceAndCached() throws Exception {
        server.enqueue(json(200, "{\"status\":\"UP\",\"version\":\"0.4.0\",\"inFlight\":0}"));
        server.enqueue(json(200, "{\"status\":\"UP\",\"version\":\"0.4.0\",\"inFlight\":0}"));

        client.status();
        Files.writeString(tokenFile, NEW_TOKEN);
        client.status();

        assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    }

    @Test
    void a401RereadsTheTokenFileAndRetriesOnceWithTheNewToken() throws Exception {
        server.enqueue(json(200, "{\"status\":\"UP\",\"version\":\"0.4.0\",\"inFlight\":0}"));
        client.status();
        // The server restarted and wrote a new token.
        Files.writeString(tokenFile, NEW_TOKEN);
        server.enqueue(unauthorized());
        server.enqueue(json(200, "{\"status\":\"UP\",\"version\":\"0.5.0\",\"inFlight\":0}"));

        assertThat(client.status().version()).isEqualTo("0.5.0");

        server.takeRequest();
        assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
        assertThat(server.takeRequest().getHeaders().get("Authorization")).isEqualTo("Bearer " + NEW_TOKEN);
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void aSecond401IsServerUnavailableAndNotRetriedAgain() throws Exception {
        server.enqueue(json(200, "{\"status\":\"UP\",\"version\":\"0.4.0\",\"inFlight\":0}"));
        client.status();
        Files.writeString(tokenFile, NEW_TOKEN);
        server.enqueue(unauthorized());
        server.enqueue(unauthorized());
        // A third try would succeed: the failure proves there is none.
        server.enqueue(json(200, "{\"status\":\"UP\",\"version\":\"0.4.0\",\"inFlight\":0}"));

        ServerUnavailableException e = catchThrowableOfType(ServerUnavailableException.class, () -> client.status());

        assertThat(e).hasMessageContaining("401").hasMessageContaining("HIVEMIND_ADMIN_TOKEN_FILE");
        assertThat(e.getMessage()).doesNotContain(TOKEN).doesNotContain(NEW_TOKEN);
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void a401WithAnUnchangedTokenFileIsNotRetried() {
        server.enqueue(unauthorized());
        server.enqueue(json(200, "{\"status\":\"UP\",\"version\":\"0.4.0\",\"inFlight\":0}"));

        assertThatThrownBy(() -> client.status()).isInstanceOf(ServerUnavailableException.class)
                .hasMessageContaining("401 unauthorized");
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aMissingTokenFileIsServerUnavailableNamingTheVariable() throws Exception {
        Files.delete(tokenFile);

        assertThatThrownBy(() -> client.status()).isInstanceOf(ServerUnavailableException.class)
                .hasMessageContaining("HIVEMIND_ADMIN_TOKEN_FILE").hasMessageContaining(tokenFile.toString())
                .hasMessageContaining("does not exist");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void aTokenFileThatHoldsNoTokenIsRefusedBeforeAnyRequest() throws Exception {
        for (byte[] content : List.of(new byte[0], "  \n".getBytes(), "two words".getBytes(),
                "tök".getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[AdminTokenFile.MAX_BYTES + 1])) {
            Files.write(tokenFile, content);
            AdminClient fresh = new AdminClient(server.url("/").uri(), tokenFile);
            assertThatThrownBy(fresh::status).isInstanceOf(ServerUnavailableException.class)
                    .hasMessageContaining("HIVEMIND_ADMIN_TOKEN_FILE");
        }
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void theTokenNeverAppearsInAFailureMessage() throws Exception {
        List<MockResponse> answers = List.of(
                json(500, "{\"error\":\"internal\",\"message\":\"boom\"}"),
                json(200, "{\"status\":\"UP\",\"version\":\"0.4.0\",\"inFlight\":0,\"extra\":1}"),
                json(400, "{\"error\":\"invalid_parameter\",\"message\":\"bad\"}"),
                new MockResponse.Builder().code(200).body("not json").build());
        List<String> messages = new ArrayList<>();
        for (MockResponse answer : answers) {
            server.enqueue(answer);
            messages.add(catchThrowableOfType(ServerUnavailableException.class, () -> client.status()).getMessage());
        }
        server.close();
        messages.add(catchThrowableOfType(ServerUnavailableException.class, () -> client.status()).getMessage());

        assertThat(messages).hasSize(5).allSatisfy(m -> assertThat(m).doesNotContain(TOKEN).doesNotContain("Bearer"));
    }

    // ---- strictness and failures --------------------------------------------------------

    @Test
    void strictParsingRefusesUnknownFieldsAndWrongTypes() {
        server.enqueue(json(200, "{\"status\":\"UP\",\"version\":\"0.4.0\",\"inFlight\":0,\"leader\":true}"));
        server.enqueue(json(200, "{\"idle\":\"yes\",\"inFlight\":0}"));
        server.enqueue(json(200, "{\"commands\":[{\"id\":7,\"kind\":\"APPROVE\",\"version\":null,"
                + "\"requestedBy\":\"alice\",\"requestedAt\":1700000000}]}"));

        assertThatThrownBy(() -> client.status()).isExactlyInstanceOf(ServerUnavailableException.class)
                .hasMessageContaining("ServerStatus").hasMessageContaining("leader");
        assertThatThrownBy(() -> client.drain(Duration.ZERO)).isExactlyInstanceOf(ServerUnavailableException.class)
                .hasMessageContaining("DrainResult");
        assertThatThrownBy(() -> client.commands(Duration.ZERO)).isExactlyInstanceOf(ServerUnavailableException.class)
                .hasMessageContaining("PendingCommands");
    }

    @Test
    void anAnswerLargerThan64KiBIsRefused() {
        String padding = " ".repeat(AdminClient.MAX_BODY_BYTES);
        server.enqueue(json(200, "{\"status\":\"UP\",\"version\":\"0.4.0\",\"inFlight\":0}" + padding));
        server.enqueue(new MockResponse.Builder().code(200)
                .chunkedBody("{\"status\":\"UP\",\"version\":\"0.4.0\",\"inFlight\":0}" + padding, 4096).build());

        assertThatThrownBy(() -> client.status()).isInstanceOf(ServerUnavailableException.class)
                .hasMessageContaining("more than 65536 bytes");
        assertThatThrownBy(() -> client.status()).isInstanceOf(ServerUnavailableException.class)
                .hasMessageContaining("more than 65536 bytes");
    }

    @Test
    void anErrorAnswerIsOneLineWithStatusAndTheServersErrorAndMessage() {
        server.enqueue(json(400, "{\"error\":\"invalid_parameter\",\"message\":\"timeoutSeconds must be\\n0 to 300\"}"));
        server.enqueue(json(503, "{\"error\":\"unavailable\",\"message\":\"starting\"}"));
        server.enqueue(new MockResponse.Builder().code(502).body("<html>bad gateway</html>").build());

        ServerRefusedException refused = catchThrowableOfType(ServerRefusedException.class,
                () -> client.drain(Duration.ofSeconds(5)));
        assertThat(refused.getMessage())
                .isEqualTo("admin socket: POST /admin/v1/drain answered 400 invalid_parameter: timeoutSeconds must be 0 to 300");
        assertThat(refused.httpStatus()).isEqualTo(400);
        assertThat(refused.error()).contains("invalid_parameter");
        assertThat(refused.permanent()).isTrue();

        assertThatThrownBy(() -> client.status()).isExactlyInstanceOf(ServerUnavailableException.class)
                .hasMessage("admin socket: GET /admin/v1/status answered 503 unavailable: starting");
        assertThatThrownBy(() -> client.status()).isExactlyInstanceOf(ServerUnavailableException.class)
                .hasMessage("admin socket: GET /admin/v1/status answered 502");
    }

    @Test
    void aServerThatIsDownIsServerUnavailable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        AdminClient down = new AdminClient(URI.create("http://127.0.0.1:" + port), tokenFile);

        assertThatThrownBy(down::status).isInstanceOf(ServerUnavailableException.class)
                .hasMessageContaining("unreachable").hasMessageContaining("GET /admin/v1/status");
        assertThatThrownBy(() -> down.reportEvent(event("evt-2"))).isInstanceOf(ServerUnavailableException.class);
    }

    @Test
    void aRedirectIsNotFollowedSoTheTokenStaysWithTheServer() throws Exception {
        try (MockWebServer elsewhere = new MockWebServer()) {
            elsewhere.start();
            server.enqueue(new MockResponse.Builder().code(307)
                    .addHeader("Location", elsewhere.url("/admin/v1/status").toString()).build());

            assertThatThrownBy(() -> client.status()).isInstanceOf(ServerUnavailableException.class)
                    .hasMessageContaining("307");
            assertThat(elsewhere.getRequestCount()).isZero();
        }
    }

    @Test
    void aPathPrefixInTheAdminUrlIsKept() throws Exception {
        AdminClient prefixed = new AdminClient(URI.create(server.url("/proxy").toString()), tokenFile);
        server.enqueue(json(200, "{\"status\":\"UP\",\"version\":\"0.4.0\",\"inFlight\":0}"));

        prefixed.status();

        assertThat(server.takeRequest().getTarget()).isEqualTo("/proxy/admin/v1/status");
    }

    // ---- helpers ------------------------------------------------------------------------

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    private static MockResponse unauthorized() {
        return new MockResponse.Builder().code(401).addHeader("WWW-Authenticate", "Bearer")
                .addHeader("Content-Type", "application/json")
                .body("{\"error\":\"unauthorized\",\"message\":\"the admin token is not valid\"}").build();
    }

    static AgentStatus status(String channel) {
        return new AgentStatus(channel, Optional.of("0.4.0"), AgentStatus.State.IDLE, Optional.empty(),
                Optional.of(AT), Optional.of("up_to_date"), Optional.empty(), Optional.empty(), false, Optional.empty(),
                Optional.empty(), AT);
    }

    static UpdateEvent event(String id) {
        return new UpdateEvent(id, AT, UpdateEventKind.Fixed.CHECK, Optional.of("0.4.0"), Optional.empty(), Optional.empty(),
                "channel checked");
    }
}
