package com.seglamater.hivemind.server.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.faults.FuzzRequest.Sender;
import com.seglamater.hivemind.server.faults.FuzzRequest.Session;
import com.seglamater.hivemind.server.testing.ApiClient;
import com.seglamater.hivemind.server.testing.ConsoleCapture;
import com.seglamater.hivemind.server.testing.LogCapture;
import com.seglamater.hivemind.server.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded fuzz of every documented API route ({@code docs/api.md}) and every page (issue 15,
 * faults): malformed JSON, each field of the wrong type, odd Unicode (lone surrogates, NUL, bidi
 * controls, overlong and invalid UTF-8), nesting 10 000 deep, bodies around 64 KiB and 4 MiB,
 * header abuse (huge, duplicate, malformed; bad Content-Type, Content-Length, Transfer-Encoding,
 * Host), odd methods, paths, path parameters and query strings, and bytes that are barely a
 * request. Each request goes on a connection of its own, from the signed-in admin (session cookie
 * and CSRF token) or from nobody, in an order fixed by {@link #SEED} ({@link FuzzCases}).
 * <p>
 * What must hold for every answer: no 5xx, except the two that HTTP/1.1 prescribes for a request
 * the server cannot take by protocol, each with its documented code (501
 * {@code transfer_encoding_unsupported}, RFC 9112 §6.1; 505 {@code http_version_not_supported});
 * every error answer is JSON {@code {"error", "message"}} without internals, HTML being allowed
 * besides for paths outside {@code /api/}; an answer comes, unless the request itself was cut off;
 * and where a case knows its answer, it gets it: malformed JSON, nesting beyond any body, a NUL or
 * an unpaired surrogate, and bytes that are not UTF-8 are a 400 whenever the body is read.
 * Then: no record at WARNING or above (a client's mistake is not the operator's concern) and no
 * stack trace in the log, nothing printed, and the server healthy and serving.
 */
class ApiFuzzTest {

    static final long SEED = 0x15_F0_22L;
    private static final String ADMIN = "fuzz-admin";
    /** The bounds of the run: a few thousand requests, under a minute on an idle machine. */
    private static final int MIN_REQUESTS = 1_500;
    private static final int MAX_REQUESTS = 5_000;

    private static TestServer server;
    private static Session session;
    private static int signIns;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        server.createUser(ADMIN, "admin");
        server.createUser(FuzzCases.TARGET, "user");
        signIn();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** An answer, or why there was none. */
    private record Answer(FuzzRequest request, RawHttp.Response response, String none) {
    }

    @Test
    void everyDocumentedRouteIsFuzzed() throws Exception {
        List<DocumentedRoutes.Route> routes = DocumentedRoutes.read().routes();
        assertThat(routes).as("routes read from docs/api.md").hasSizeGreaterThan(20);
        assertThat(routes.stream().filter(DocumentedRoutes.Route::takesBody).map(DocumentedRoutes.Route::key))
                .as("a body template for each documented route that takes one")
                .containsExactlyInAnyOrderElementsOf(FuzzCases.TEMPLATES.keySet());
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void noRequestGetsA5xxOrAnErrorThatIsNotJsonAndTheServerStaysHealthy() throws Exception {
        List<FuzzRequest> cases = new FuzzCases(SEED, DocumentedRoutes.read().routes()).all();
        assertThat(cases.size()).as("requests").isBetween(MIN_REQUESTS, MAX_REQUESTS);
        List<Answer> answers = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long start = System.nanoTime();
        List<String> logLines;
        String printed;
        try (LogCapture log = LogCapture.start(); ConsoleCapture console = ConsoleCapture.start()) {
            for (FuzzRequest request : cases) {
                Answer answer = exchange(request);
                answers.add(answer);
                problems.addAll(problems(answer));
                if (request.sender == Sender.ADMIN) {
                    keepSignedIn(answer);
                }
            }
            logLines = log.lines();
            printed = console.text();
            // A client's mistake is logged at FINE or INFO at most: a WARNING anyone can cause is noise, a SEVERE a bug.
            assertThat(log.atLeast(Level.WARNING).stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList())
                    .as("records at WARNING or above").isEmpty();
        }
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        report(answers, tookMs);

        assertThat(problems).as("answers that break the rules").isEmpty();
        assertThat(logLines).as("server log").noneMatch(line -> line.contains("\tat ") || line.strip().contains("\n"));
        assertThat(printed).as("standard output and error").doesNotContain("\tat ", "Exception in thread");

        // Still healthy, and still serving the admin and newcomers.
        ApiClient.Response health = server.client().get("/health");
        assertThat(health.status()).as(health.toString()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("UP");
        ApiClient admin = server.signIn(ADMIN);
        assertThat(admin.get("/api/v1/me").json().path("username").asText()).isEqualTo(ADMIN);
        assertThat(admin.get("/api/v1/users/" + FuzzCases.TARGET).status()).isEqualTo(200);
        assertThat(server.client().get("/api/v1/auth").status()).isEqualTo(200);
    }

    private static Answer exchange(FuzzRequest request) throws InterruptedException {
        byte[] bytes = request.bytes(server.port(), session);
        try (RawHttp http = RawHttp.connect(server.port())) {
            // Written beside the read: the server may answer (413, 431) and close before it has read it all.
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    http.send(bytes);
                    if (request.halfClose) {
                        http.endOutput();
                    }
                } catch (RuntimeException e) {
                    // The server stopped reading; its answer, if any, is what counts.
                }
            });
            try {
                return new Answer(request, http.read(request.head()), null);
            } catch (RuntimeException e) {
                return new Answer(request, null, e.toString());
            } finally {
                writer.join(10_000);
            }
        }
    }

    /** What is wrong with one answer; empty when it keeps the rules. */
    private static List<String> problems(Answer answer) {
        FuzzRequest request = answer.request();
        RawHttp.Response response = answer.response();
        List<String> problems = new ArrayList<>();
        if (response == null) {
            // Only a request that was itself cut off may end without an answer.
            if (!request.halfClose) {
                problems.add(request + " -> no answer: " + answer.none());
            }
            return problems;
        }
        int status = response.status();
        if (request.expectedStatus != 0 && (status != request.expectedStatus
                || request.expectedCode != null && !request.expectedCode.equals(response.error()))) {
            problems.add(request + " -> " + status + " " + shown(response.body()) + ", not " + request.expectedStatus
                    + (request.expectedCode == null ? "" : " " + request.expectedCode));
        }
        if (status >= 500 && !prescribed(response)) {
            problems.add(request + " -> " + status + " " + shown(response.body()));
        }
        if (status >= 400 && !request.head()) {
            String type = response.header("Content-Type").orElse("");
            boolean json = type.startsWith("application/json") && errorShape(response.json());
            boolean html = !request.api() && type.startsWith("text/html");
            if (!json && !html) {
                problems.add(request + " -> " + status + " not a JSON error (" + type + "): " + shown(response.body()));
            }
            for (String internal : List.of("\tat ", "Exception", "com.seglamater", "io.helidon", "org.postgresql",
                    "com.fasterxml", "[Source:")) {
                if (response.body().contains(internal)) {
                    problems.add(request + " -> " + status + " shows '" + internal.strip() + "': " + shown(response.body()));
                }
            }
        }
        return problems;
    }

    /** The two 5xx that HTTP/1.1 prescribes for what a client sent, with their documented codes. */
    private static boolean prescribed(RawHttp.Response response) {
        return response.status() == 501 && "transfer_encoding_unsupported".equals(response.error())
                || response.status() == 505 && "http_version_not_supported".equals(response.error());
    }

    private static boolean errorShape(JsonNode json) {
        return json != null && json.isObject() && json.path("error").isTextual()
                && json.path("error").asText().matches("[a-z_]+") && json.path("message").isTextual()
                && !json.path("message").asText().isBlank();
    }

    /** After anything that may have ended the admin's session (sign-out, sign out everywhere, …), a new one. */
    private static void keepSignedIn(Answer answer) {
        RawHttp.Response response = answer.response();
        boolean mayHaveEnded = response == null || response.status() == 401 || !response.all("Set-Cookie").isEmpty()
                || response.status() < 300 && !answer.request().method.equals("GET");
        if (mayHaveEnded
                && server.client().get("/api/v1/me", "Cookie", "hivemind_session=" + session.cookie()).status() == 401) {
            signIn();
        }
    }

    private static void signIn() {
        ApiClient browser = server.signIn(ADMIN);
        session = new Session(browser.cookie("hivemind_session"), browser.cookie("hivemind_csrf"));
        signIns++;
    }

    private static void report(List<Answer> answers, long tookMs) {
        Map<String, Map<Integer, Integer>> byCategory = new TreeMap<>();
        for (Answer answer : answers) {
            int status = answer.response() == null ? 0 : answer.response().status();
            byCategory.computeIfAbsent(answer.request().category, c -> new TreeMap<>()).merge(status, 1, Integer::sum);
        }
        StringBuilder text = new StringBuilder("ApiFuzzTest: ").append(answers.size()).append(" requests in ")
                .append(tookMs).append(" ms, seed ").append(Long.toHexString(SEED)).append(", ").append(signIns)
                .append(" admin sign-ins; statuses per family (0: no answer):\n");
        byCategory.forEach((category, statuses) -> text.append(String.format("  %-16s %s%n", category, statuses)));
        System.out.println(text);
    }

    private static String shown(String body) {
        String oneLine = body.replace("\r", "\\r").replace("\n", "\\n");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }
}
