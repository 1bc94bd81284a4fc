package com.seglamater.hivemind.server.api;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import com.seglamater.hivemind.server.testing.RawHttp;
import com.seglamater.hivemind.server.web.SecurityHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, "Headers and small things": {@code X-Content-Type-Options: nosniff} on every answer,
 * {@code Strict-Transport-Security} when the browser used HTTPS, unknown assets as a JSON 404,
 * {@code HEAD} answered like {@code GET} without a body, unpaired UTF-16 surrogates refused.
 * Raw sockets where the header or the framing is the point.
 */
class HeadersAndSmallThingsTest {

    /** The assets by their served, content-hashed names. */
    private static final String CSS = com.seglamater.hivemind.server.ui.Assets.load().path("hivemind.css");
    private static final String JS = com.seglamater.hivemind.server.ui.Assets.load().path("hivemind.js");


    private static final String API_KEY = "headers-test-key-0123456789abcdefghijkl";
    private static final String HSTS = "max-age=31536000";

    private static TestServer server;
    /** With {@code HIVEMIND_PUBLIC_URL=https://hivemind.example.org}. */
    private static TestServer https;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("ADMIN_API_KEY", API_KEY);
        https = TestServer.start("HIVEMIND_PUBLIC_URL", "https://hivemind.example.org,http://intranet.example:8585");
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestServer s : new TestServer[] {server, https}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static String local(TestServer on) {
        return "127.0.0.1:" + on.port();
    }

    // ---- nosniff ----

    @Test
    void everyJsonAnswerSaysNosniffErrorsHealthAndExportsIncluded() throws Exception {
        String key = "Authorization: Bearer " + API_KEY;
        List<RawHttp.Response> answers = List.of(
                RawHttp.exchange(server.port(), "GET", "/health", local(server)),
                RawHttp.exchange(server.port(), "GET", "/api/v1/nothing-here", local(server)),
                RawHttp.exchange(server.port(), "GET", "/api/v1/me", local(server)),
                RawHttp.exchange(server.port(), "GET", "/api/v1/audit/export?format=jsonl", local(server), key),
                RawHttp.exchange(server.port(), "GET", "/api/v1/audit/export?format=csv", local(server), key),
                RawHttp.exchange(server.adminPort(), "GET", "/admin/v1/status", "127.0.0.1:" + server.adminPort()),
                RawHttp.exchange(server.adminPort(), "GET", "/admin/v1/status", "127.0.0.1:" + server.adminPort(),
                        "Authorization: Bearer " + server.adminToken()));

        assertThat(answers).extracting(RawHttp.Response::status).containsExactly(200, 404, 401, 200, 200, 401, 200);
        assertThat(answers).allSatisfy(a -> assertThat(a.all("X-Content-Type-Options")).as(a.toString())
                .containsExactly("nosniff"));
    }

    @Test
    void anAnswerHelidonWritesBeforeAnyRouteSaysNosniffToo() {
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send("GET /health HTTP/1.0\r\n\r\n");
            RawHttp.Response refused = http.read(false);

            assertThat(refused.status()).isEqualTo(505);
            assertThat(refused.error()).isEqualTo("http_version_not_supported");
            assertThat(refused.all("X-Content-Type-Options")).containsExactly("nosniff");
        }
    }

    // ---- Strict-Transport-Security ----

    @Test
    void overHttpsAsTheTrustedProxySaysEveryAnswerCarriesHstsErrorsIncluded() {
        // 127.0.0.1 is a trusted proxy by default.
        for (String path : List.of("/health", "/api/v1/me", "/api/v1/nothing-here", "/sign-in", CSS)) {
            RawHttp.Response answer = RawHttp.exchange(server.port(), "GET", path, "hivemind.example.org",
                    "X-Forwarded-Proto: https");
            assertThat(answer.all("Strict-Transport-Security")).as(path + ": " + answer).containsExactly(HSTS);
        }
        assertThat(SecurityHeaders.HSTS_MAX_AGE.toSeconds()).isEqualTo(31_536_000);
    }

    @Test
    void overPlainHttpThereIsNoHsts() {
        assertThat(RawHttp.exchange(server.port(), "GET", "/health", local(server)).header("Strict-Transport-Security"))
                .isEmpty();
        assertThat(RawHttp.exchange(server.port(), "GET", "/health", local(server), "X-Forwarded-Proto: http")
                .header("Strict-Transport-Security")).isEmpty();
    }

    @Test
    void aRequestToAnHttpsPublicOriginCarriesHstsEvenWithoutTheProxysWord() {
        assertThat(RawHttp.exchange(https.port(), "GET", "/api/v1/auth", "hivemind.example.org")
                .all("Strict-Transport-Security")).containsExactly(HSTS);
        assertThat(RawHttp.exchange(https.port(), "GET", "/api/v1/auth", "intranet.example:8585")
                .header("Strict-Transport-Security")).as("an http origin").isEmpty();
        assertThat(RawHttp.exchange(https.port(), "GET", "/api/v1/auth", local(https))
                .header("Strict-Transport-Security")).isEmpty();
    }

    // ---- unknown assets ----

    @Test
    void anUnknownAssetIsAJson404LikeEveryOtherError() {
        RawHttp.Response missing = RawHttp.exchange(server.port(), "GET", "/assets/nope.js", local(server));

        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Type")).contains("application/json");
        assertThat(missing.error()).isEqualTo("not_found");
        assertThat(RawHttp.exchange(server.port(), "GET", CSS, local(server)).status()).isEqualTo(200);
    }

    // ---- HEAD ----

    @Test
    void headAnswersLikeGetWithItsLengthAndNoBody() {
        for (String path : List.of("/health", "/api/v1/auth", "/sign-in", JS, "/api/v1/me",
                "/api/v1/nothing-here", "/assets/nope.js", "/")) {
            try (RawHttp http = RawHttp.connect(server.port())) {
                // Pipelined: a body after the HEAD's headers would be read as the GET's status line.
                http.send(RawHttp.request("HEAD", path, local(server), null)
                        + RawHttp.request("GET", path, local(server), null));
                RawHttp.Response head = http.read(true);
                RawHttp.Response get = http.read(false);

                assertThat(head.status()).as(path).isEqualTo(get.status()).isNotEqualTo(405);
                assertThat(head.header("Content-Type")).as(path).isEqualTo(get.header("Content-Type"));
                assertThat(head.header("Content-Length")).as(path)
                        .contains(Integer.toString(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
                assertThat(head.header("X-Content-Type-Options")).as(path).contains("nosniff");
            }
        }
    }

    @Test
    void aHeadOfAStreamedExportSendsNoBodyEither() {
        try (RawHttp http = RawHttp.connect(server.port())) {
            http.send(RawHttp.request("HEAD", "/api/v1/audit/export?format=csv", local(server), null,
                    "Authorization: Bearer " + API_KEY) + RawHttp.request("GET", "/health", local(server), null));
            RawHttp.Response head = http.read(true);
            RawHttp.Response next = http.read(false);

            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
            assertThat(next.status()).as("the next answer starts right after the HEAD's headers").isEqualTo(200);
            assertThat(next.json().path("status").asText()).isEqualTo("UP");
        }
    }

    // ---- unpaired surrogates ----

    @Test
    void anUnpairedSurrogateInAJsonStringIsRefusedNotStoredAsAQuestionMark() throws Exception {
        ApiClient admin = server.client().always("Authorization", "Bearer " + API_KEY);
        for (String name : List.of("\\ud800", "a\\udfffb", "\\ude00\\ud83d", "x\\ud83d")) {
            ApiClient.Response refused = admin.post("/api/v1/users", "{\"username\":\"hs_" + Math.abs(name.hashCode())
                    + "\",\"password\":\"" + TestServer.PASSWORD + "\",\"displayName\":\"" + name + "\"}");
            assertThat(refused.status()).as(name + ": " + refused).isEqualTo(400);
            assertThat(refused.error()).isEqualTo("invalid_json");
            assertThat(refused.json().path("message").asText()).contains("displayName").contains("surrogate");
        }
        ApiClient.Response inKey = admin.post("/api/v1/users", "{\"\\ud800\":1}");
        assertThat(inKey.error()).isEqualTo("invalid_json");
        assertThat(((Number) Rows.query(server, "SELECT count(*) AS n FROM users WHERE username LIKE 'hs\\_%'")
                .getFirst().get("n")).longValue()).isZero();

        // A pair is a character (U+1F600) and is stored as sent.
        ApiClient.Response paired = admin.post("/api/v1/users", "{\"username\":\"hs_paired\",\"password\":\""
                + TestServer.PASSWORD + "\",\"displayName\":\"smile \\ud83d\\ude00\"}");
        assertThat(paired.status()).as(paired.toString()).isEqualTo(201);
        assertThat(Rows.query(server, "SELECT display_name FROM users WHERE username = 'hs_paired'").getFirst()
                .get("display_name")).isEqualTo("smile \uD83D\uDE00");
    }
}
