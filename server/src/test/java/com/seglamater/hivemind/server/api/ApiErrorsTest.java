package com.seglamater.hivemind.server.api;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import com.seglamater.hivemind.server.web.ApiException;
import io.helidon.http.HeaderNames;
import io.helidon.http.SetCookie;
import io.helidon.webserver.http.HttpRouting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the API fails: malformed, oversized and mistyped bodies get 4xx, unknown paths a JSON
 * 404, unexpected failures a 500 that leaks nothing, and an unreachable database a 503 until
 * it comes back (without a restart). Every error body is {@code {"error", "message"}} JSON.
 * Test-only routes under {@value #TEST} throw on purpose.
 */
class ApiErrorsTest {

    private static final String TEST = "/api/v1/test-errors";
    private static final String LEAK = "SELECT password_hash FROM users WHERE username = 'alice'";

    private static TestServer server;
    /** Its own server for the database outage, so the other tests never see a cut-off pool. */
    private static TestServer outage;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(ApiErrorsTest::failingRoutes);
        outage = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestServer s : new TestServer[] {server, outage}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static void failingRoutes(HttpRouting.Builder routing) {
        routing.get(TEST + "/bug", (req, res) -> {
            throw new IllegalStateException("bug: " + LEAK);
        });
        routing.get(TEST + "/sql-error", (req, res) -> {
            throw new IllegalStateException("query failed", new SQLException("ERROR: syntax error at or near \"DROP\" in "
                    + LEAK, "42601"));
        });
        routing.get(TEST + "/connection-lost", (req, res) -> {
            throw new IllegalStateException("query failed", new SQLException("An I/O error occurred while sending "
                    + LEAK, "08006"));
        });
        // Fails after it has set headers, as a sign-in or an export could.
        routing.get(TEST + "/after-headers", (req, res) -> {
            res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"export.csv\"");
            res.header("X-Half-Done", "yes");
            res.headers().addCookie(SetCookie.builder("hivemind_session", "hms_half").path("/").build());
            if (req.query().contains("api")) {
                throw ApiException.badRequest("invalid_parameter", "refused after headers were set");
            }
            throw new IllegalStateException("bug after headers were set");
        });
    }

    /** The shape every error has, and what it must never carry. */
    private static void assertCleanError(ApiClient.Response response, int status, String code) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(response.json()).as("JSON body: " + response.body()).isNotNull();
        assertThat(response.json().path("error").asText()).isEqualTo(code);
        assertThat(response.json().path("message").isTextual()).isTrue();
        assertThat(response.json().path("message").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception", "\tat ", "com.seglamater", "com.fasterxml",
                "io.helidon", "org.postgresql", "SELECT", "password_hash", "[Source:");
    }

    private static long rows(TestServer s, String sql) throws Exception {
        return Rows.number(s, sql);
    }

    // ---- bodies ----

    @Test
    void malformedJsonIs400InvalidJsonAndSignsNobodyIn() throws Exception {
        server.createUser("err_json", "user");
        long audits = rows(server, "SELECT count(*) FROM audit_log");
        List<String> bodies = List.of("{\"username\":", "not json", "{\"username\":\"err_json\" \"password\":\"x\"}",
                "[]", "null", "\"text\"", "42", "",
                "{\"username\":\"err_json\",\"password\":\"" + TestServer.PASSWORD + "\",\"admin\":true}",
                "{\"username\":\"err_json\",\"username\":\"other\",\"password\":\"" + TestServer.PASSWORD + "\"}",
                "{\"username\":[\"err_json\"],\"password\":\"" + TestServer.PASSWORD + "\"}",
                "{\"username\":{\"$ne\":null},\"password\":\"" + TestServer.PASSWORD + "\"}");
        for (String body : bodies) {
            ApiClient client = server.client();
            ApiClient.Response response = client.post("/api/v1/session", body);
            assertThat(response.status()).as(body + " -> " + response).isEqualTo(400);
            assertCleanError(response, 400, "invalid_json");
            assertThat(response.setCookie("hivemind_session")).as(body).isEmpty();
        }
        assertThat(rows(server, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id "
                + "WHERE u.username = 'err_json'")).isZero();
        assertThat(rows(server, "SELECT count(*) FROM audit_log")).as("no sign-in was attempted").isEqualTo(audits);
        // Still useful to the client: the message names what was wrong.
        assertThat(server.client().post("/api/v1/session", "{\"username\":\"a\",\"password\":\"b\",\"admin\":true}")
                .json().path("message").asText()).isEqualTo("unknown field 'admin'");
        assertThat(server.client().post("/api/v1/session", "[]").json().path("message").asText())
                .contains("JSON object").doesNotContain("SignInRequest").doesNotContain("com.seglamater");
    }

    @Test
    void malformedJsonToAnAdminRouteChangesNothing() throws Exception {
        server.createUser("err_admin", "admin");
        ApiClient admin = server.signIn("err_admin");
        long users = rows(server, "SELECT count(*) FROM users");
        assertCleanError(admin.postWithCsrf("/api/v1/users", "{\"username\":\"err_new\",\"role\":"), 400, "invalid_json");
        assertCleanError(admin.patchWithCsrf("/api/v1/users/err_admin", "{\"role\":\"user\""), 400, "invalid_json");
        assertCleanError(admin.patchWithCsrf("/api/v1/users/err_admin", "[\"role\"]"), 400, "invalid_json");
        assertThat(rows(server, "SELECT count(*) FROM users")).isEqualTo(users);
        assertThat(rows(server, "SELECT count(*) FROM users WHERE username = 'err_admin' AND role = 'admin'")).isEqualTo(1);
    }

    @Test
    void aBodyOver64KiBIs413() throws Exception {
        server.createUser("err_big", "admin");
        ApiClient admin = server.signIn("err_big");
        long users = rows(server, "SELECT count(*) FROM users");
        long audits = rows(server, "SELECT count(*) FROM audit_log");

        String padding = "x".repeat(70 * 1024);
        ApiClient.Response signIn = server.client().post("/api/v1/session",
                "{\"username\":\"" + padding + "\",\"password\":\"x\"}");
        assertCleanError(signIn, 413, "payload_too_large");
        assertThat(signIn.setCookie("hivemind_session")).isEmpty();

        assertCleanError(admin.postWithCsrf("/api/v1/users", "{\"username\":\"err_big_new\",\"role\":\"user\",\"password\":\""
                + TestServer.PASSWORD + "\",\"displayName\":\"" + padding + "\"}"), 413, "payload_too_large");
        assertCleanError(server.client().post("/api/v1/session", "{\"username\":\"a\",\"password\":\"b\"}"
                + " ".repeat(1024 * 1024)), 413, "payload_too_large");
        assertThat(rows(server, "SELECT count(*) FROM users")).isEqualTo(users);
        assertThat(rows(server, "SELECT count(*) FROM audit_log")).isEqualTo(audits);
    }

    @Test
    void theLimitIsExactly64KiB() throws Exception {
        String json = "{\"username\":\"err_edge_nobody\",\"password\":\"wrong\"}";
        String atLimit = json + " ".repeat(64 * 1024 - json.length());
        assertThat(atLimit).hasSize(64 * 1024);
        // At the limit the body is read (and the sign-in fails as it should); one byte more is refused.
        assertCleanError(server.client().post("/api/v1/session", atLimit), 401, "invalid_credentials");
        assertCleanError(server.client().post("/api/v1/session", atLimit + " "), 413, "payload_too_large");
    }

    @Test
    void aBodyThatIsNotDeclaredJsonIs415() throws Exception {
        server.createUser("err_type", "user");
        String body = TestServer.credentials("err_type", TestServer.PASSWORD);
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "text/json", "application/xml")) {
            ApiClient client = server.client();
            ApiClient.Response response = client.post("/api/v1/session", body, "Content-Type", type);
            assertCleanError(response, 415, "unsupported_media_type");
            assertThat(response.setCookie("hivemind_session")).as(type).isEmpty();
        }
        assertThat(server.audit("auth.sign_in")).noneMatch(r -> "err_type".equals(r.target()));
        // The right type with parameters is fine.
        ApiClient.Response ok = server.client().post("/api/v1/session", body, "Content-Type", "application/json; charset=utf-8");
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
    }

    // ---- routes ----

    @Test
    void unknownApiPathsAreJson404() throws Exception {
        server.createUser("err_404", "user");
        ApiClient signedIn = server.signIn("err_404");
        for (ApiClient client : List.of(server.client(), signedIn)) {
            for (String path : List.of("/api/v1/nothing-here", "/api/v1/users/a/b/c", "/api/v2/me", "/api/",
                    "/api/v1/audit/export/extra")) {
                ApiClient.Response response = client.get(path);
                assertCleanError(response, 404, "not_found");
                assertThat(response.json().path("message").asText()).contains(path);
            }
            assertCleanError(client.postWithCsrf("/api/v1/nothing-here", "{}"), 404, "not_found");
        }
    }

    @Test
    void unexpectedFailuresAre500WithoutInternals() throws Exception {
        ApiClient client = server.client();
        ApiClient.Response bug = client.get(TEST + "/bug");
        assertCleanError(bug, 500, "internal_error");
        ApiClient.Response sql = client.get(TEST + "/sql-error");
        assertCleanError(sql, 500, "internal_error");
        assertThat(sql.body()).doesNotContain("DROP", "42601", "syntax");
        // A lost connection is the database being away, not a bug.
        ApiClient.Response lost = client.get(TEST + "/connection-lost");
        assertCleanError(lost, 503, "database_unavailable");
        assertThat(lost.body()).doesNotContain("I/O error", "08006");
    }

    @Test
    void anErrorAnswerCarriesNoHeaderSetBeforeTheFailure() throws Exception {
        // Helidon 4.1.7 cleared them before the error handler ran; 4.5.0 leaves that to us (ErrorHandling).
        for (String query : List.of("?api", "")) {
            ApiClient.Response response = server.client().get(TEST + "/after-headers" + query);
            if (query.isEmpty()) {
                assertCleanError(response, 500, "internal_error");
            } else {
                assertCleanError(response, 400, "invalid_parameter");
            }
            assertThat(response.headers().firstValue("Content-Disposition")).as(query).isEmpty();
            assertThat(response.headers().firstValue("X-Half-Done")).as(query).isEmpty();
            assertThat(response.setCookies()).as(query).isEmpty();
            assertThat(response.headers().allValues("Content-Type")).as(query).hasSize(1);
        }
    }

    /** Sends {@code request} as is on a socket; the response up to the end of its JSON body. */
    private static String raw(int port, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                response.write(b);
                String text = response.toString(StandardCharsets.ISO_8859_1);
                if (text.contains("\r\n\r\n") && text.endsWith("}")) {
                    break;
                }
            }
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aRequestLineOfAnotherHttpVersionIsAClientErrorInJson() throws Exception {
        String response = raw(server.port(), "GET /health HTTP/1.0\r\n\r\n");
        // Helidon's status (505 in 4.5.0; 4.1.7 said 400), our body with its own code: not an internal_error.
        assertThat(response).startsWith("HTTP/1.1 505 ").contains("Content-Type: application/json")
                .endsWith("{\"error\":\"http_version_not_supported\",\"message\":\"the server speaks HTTP/1.1 only\"}");
    }

    // ---- the database going away ----

    @Test
    void theDatabaseGoingAwayIs503AndRecoversWithoutRestart() throws Exception {
        outage.createUser("err_down_admin", "admin");
        outage.createUser("err_down_user", "user");
        ApiClient admin = outage.signIn("err_down_admin");
        assertThat(admin.get("/api/v1/me").status()).isEqualTo(200);
        long sessionsBefore = rows(outage, "SELECT count(*) FROM sessions");
        try {
            outage.database().cutOff();
            // A session read a moment ago may be served from memory for up to 5 s (RecentCredentials);
            // anything that needs the database is a clean 503.
            assertCleanError(admin.postWithCsrf("/api/v1/tokens", "{\"name\":\"during the outage\"}"), 503,
                    "database_unavailable");
            ApiClient.Response signIn = outage.client().post("/api/v1/session",
                    TestServer.credentials("err_down_user", TestServer.PASSWORD));
            assertCleanError(signIn, 503, "database_unavailable");
            assertThat(signIn.setCookie("hivemind_session")).isEmpty();
            // /health may serve a result younger than 250 ms first (DatabaseCheck.FRESH).
            Instant downBy = Instant.now().plus(Duration.ofSeconds(5));
            ApiClient.Response health;
            do {
                health = outage.client().get("/health");
            } while (health.status() == 200 && Instant.now().isBefore(downBy));
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().path("status").asText()).isEqualTo("DOWN");
        } finally {
            outage.database().restore();
        }
        // The pool reconnects by itself: no restart, same session cookie.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        int me;
        int health;
        do {
            me = admin.get("/api/v1/me").status();
            health = outage.client().get("/health").status();
        } while ((me != 200 || health != 200) && Instant.now().isBefore(deadline));
        assertThat(me).isEqualTo(200);
        assertThat(health).isEqualTo(200);
        assertThat(admin.get("/api/v1/me").json().path("username").asText()).isEqualTo("err_down_admin");
        // The sign-in refused during the outage left nothing behind.
        assertThat(rows(outage, "SELECT count(*) FROM sessions")).isEqualTo(sessionsBefore);
        assertThat(outage.audit("auth.sign_in")).noneMatch(r -> "err_down_user".equals(r.target()));
        // And works now.
        assertThat(outage.signIn("err_down_user").get("/api/v1/me").status()).isEqualTo(200);
    }
}
