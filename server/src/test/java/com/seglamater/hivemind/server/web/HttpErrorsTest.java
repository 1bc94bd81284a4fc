package com.seglamater.hivemind.server.web;

import com.seglamater.hivemind.model.logging.OneLineFormatter;
import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.LogCapture;
import com.seglamater.hivemind.server.testing.RawHttp;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The errors the server answers for Helidon, each with the stable code of its status
 * ({@link HttpErrors}); 405 with {@code Allow} for a path that has routes for other methods
 * ({@link RouteTable}); and a 500 with an incident id that the log explains ({@link ErrorHandling}).
 * Test-only routes under {@value #TEST} fail on purpose.
 */
class HttpErrorsTest {

    private static final String TEST = "/api/v1/test-http-errors";
    private static final String API_KEY = "http-errors-test-key-0123456789abcdefghij";

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(HttpErrorsTest::routes, "ADMIN_API_KEY", API_KEY);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static void routes(HttpRouting.Builder routing) {
        // What Helidon raises from a route: an HttpException with the status it chose.
        routing.get(TEST + "/status/{code}", (req, res) -> {
            int code = Integer.parseInt(req.path().pathParameters().get("code"));
            throw new HttpException("Helidon's own text, never shown: " + TEST, Status.create(code));
        });
        // Helidon itself: no media writer for this type is a 415 from ServerResponse.send(Object).
        routing.get(TEST + "/unwritable", (req, res) -> res.send(new Object()));
        routing.get(TEST + "/bug", (req, res) -> {
            throw new IllegalStateException("bug in a handler", new IllegalArgumentException("the cause"));
        });
        routing.get(TEST + "/other-bug", (req, res) -> {
            throw new UnsupportedOperationException("another bug");
        });
    }

    private static RawHttp.Response exchange(String method, String path, String... headerLines) {
        return RawHttp.exchange(server.port(), method, path, "127.0.0.1:" + server.port(), headerLines);
    }

    private static void assertError(RawHttp.Response response, int status, String code) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.header("Content-Type")).contains("application/json");
        assertThat(response.error()).as(response.toString()).isEqualTo(code);
        assertThat(response.json().path("message").asText()).isNotBlank().doesNotContain("Helidon", TEST);
    }

    // ---- each status its code ----

    @ParameterizedTest
    @CsvSource({
        "400, bad_request",
        "401, unauthenticated",
        "403, forbidden",
        "404, not_found",
        "405, method_not_allowed",
        "406, not_acceptable",
        "408, request_timeout",
        "409, conflict",
        "411, length_required",
        "412, precondition_failed",
        "413, payload_too_large",
        "414, uri_too_long",
        "415, unsupported_media_type",
        "416, range_not_satisfiable",
        "417, expectation_failed",
        "422, unprocessable_content",
        "429, rate_limited",
        "431, headers_too_large",
        "418, client_error",
    })
    void anHttpExceptionFromARouteAnswersItsStatusWithTheCodeOfThatStatus(int status, String code) {
        assertError(exchange("GET", TEST + "/status/" + status), status, code);
    }

    @Test
    void everyClientErrorStatusHasItsOwnCodeAndAMessage() {
        java.util.Map<String, Integer> codes = new java.util.HashMap<>();
        for (int status = 400; status <= 431; status++) {
            Json.Error error = HttpErrors.of(Status.create(status));
            assertThat(error.message()).isNotBlank();
            if (!error.error().equals("client_error")) {
                assertThat(codes.put(error.error(), status)).as(error.error() + " for two statuses").isNull();
            }
        }
        assertThat(HttpErrors.of(Status.HTTP_VERSION_NOT_SUPPORTED_505).error()).isEqualTo("http_version_not_supported");
        assertThat(HttpErrors.of(Status.BAD_GATEWAY_502).error()).isEqualTo("internal_error");
    }

    @Test
    void anEntityHelidonCannotWriteIs415InJson() {
        assertError(exchange("GET", TEST + "/unwritable"), 415, "unsupported_media_type");
    }

    @Test
    void aRequestLineOverItsLimitIs414UriTooLong() {
        assertError(exchange("GET", "/health?" + "a".repeat(5000)), 414, "uri_too_long");
    }

    // ---- 405 ----

    @Test
    void aPathWithRoutesForOtherMethodsIs405WithAllow() {
        RawHttp.Response health = exchange("DELETE", "/health");
        assertError(health, 405, "method_not_allowed");
        assertThat(health.header("Allow")).contains("GET, HEAD");
        assertThat(health.json().path("message").asText()).contains("DELETE /health").contains("GET, HEAD");

        String key = "Authorization: Bearer " + API_KEY;
        RawHttp.Response session = exchange("PATCH", "/api/v1/session", key);
        assertError(session, 405, "method_not_allowed");
        assertThat(session.header("Allow")).contains("POST, DELETE");
        // A path parameter matches as the route does: /users/{username}.
        RawHttp.Response user = exchange("PUT", "/api/v1/users/somebody", key);
        assertError(user, 405, "method_not_allowed");
        assertThat(user.header("Allow")).contains("GET, HEAD, PATCH");
        assertThat(exchange("GET", "/api/v1/users/somebody/sessions", key).header("Allow")).contains("DELETE");
    }

    @Test
    void aPathNoRouteHasIs404WhateverTheMethod() {
        for (String method : List.of("GET", "POST", "DELETE", "PUT")) {
            RawHttp.Response response = exchange(method, "/api/v1/nothing-here");
            assertError(response, 404, "not_found");
            assertThat(response.header("Allow")).isEmpty();
        }
        // A route's own 404 stays one.
        assertError(exchange("GET", "/assets/nope.js"), 404, "not_found");
    }

    @Test
    void theAdminSocketAnswers405Too() throws Exception {
        String token = Files.readString(server.adminTokenFile()).strip();
        RawHttp.Response response = RawHttp.exchange(server.adminPort(), "GET", "/admin/v1/drain",
                "127.0.0.1:" + server.adminPort(), "Authorization: Bearer " + token);
        assertError(response, 405, "method_not_allowed");
        assertThat(response.header("Allow")).contains("POST");
    }

    // ---- 500 ----

    @Test
    void anUnexpectedExceptionIs500WithAnIncidentIdThatTheLogExplains() {
        List<LogRecord> logged;
        RawHttp.Response first;
        RawHttp.Response again;
        RawHttp.Response other;
        try (LogCapture log = LogCapture.start()) {
            first = exchange("GET", TEST + "/bug");
            again = exchange("GET", TEST + "/bug");
            other = exchange("GET", TEST + "/other-bug");
            logged = log.atLeast(Level.SEVERE);
        }
        for (RawHttp.Response response : List.of(first, again, other)) {
            assertError(response, 500, "internal_error");
            String incident = response.json().path("incident").asText();
            assertThat(incident).matches("[0-9a-f]{12}");
            assertThat(response.json().path("message").asText()).endsWith("under incident " + incident);
            assertThat(response.body()).doesNotContain("bug", "cause", "Exception", "\tat ", "com.seglamater");
        }
        String id = first.json().path("incident").asText();
        String againId = again.json().path("incident").asText();
        String otherId = other.json().path("incident").asText();
        assertThat(List.of(id, againId, otherId)).doesNotHaveDuplicates();

        // One line per incident, then its stack trace the first time that stack is seen.
        List<String> messages = logged.stream().map(r -> r.getMessage()).toList();
        assertThat(messages).containsExactly(
                "incident " + id + ": GET " + TEST + "/bug failed: java.lang.IllegalStateException: bug in a handler; "
                        + "caused by java.lang.IllegalArgumentException: the cause",
                messages.get(1),
                "incident " + againId + ": GET " + TEST + "/bug failed: java.lang.IllegalStateException: bug in a "
                        + "handler; caused by java.lang.IllegalArgumentException: the cause (the same stack trace as "
                        + "incident " + id + ")",
                "incident " + otherId + ": GET " + TEST + "/other-bug failed: java.lang.UnsupportedOperationException: "
                        + "another bug",
                messages.get(4));
        assertThat(messages.get(1)).startsWith("incident " + id + " stack trace: java.lang.IllegalStateException: bug")
                .contains("\tat com.seglamater.hivemind.server.web.HttpErrorsTest")
                .contains("Caused by: java.lang.IllegalArgumentException: the cause");
        assertThat(messages.get(4)).startsWith("incident " + otherId + " stack trace: "
                + "java.lang.UnsupportedOperationException: another bug");
        assertThat(logged).allMatch(r -> r.getThrown() == null && r.getLevel() == Level.SEVERE);
        // As the server writes its log: each record one line.
        OneLineFormatter format = new OneLineFormatter();
        assertThat(logged).allMatch(r -> format.format(r).strip().lines().count() == 1);
    }
}
