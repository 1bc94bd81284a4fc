package com.seglamater.hivemind.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static com.seglamater.hivemind.server.TestServer.PASSWORD;
import static com.seglamater.hivemind.server.TestServer.credentials;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/v1/sessions}: my sessions, ending one of them, and "sign out everywhere". */
class SessionsTest {

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Signs in from a browser with its own user agent and (through the trusted 127.0.0.1 proxy) client address. */
    private static ApiClient browser(String username, String userAgent, String clientIp) {
        ApiClient client = server.client().always("User-Agent", userAgent).always("X-Forwarded-For", clientIp);
        ApiClient.Response response = client.post("/api/v1/session", credentials(username, PASSWORD));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return client;
    }

    private static List<JsonNode> sessions(ApiClient client) {
        ApiClient.Response response = client.get("/api/v1/sessions");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        response.json().path("items").forEach(items::add);
        return items;
    }

    private static long currentId(ApiClient client) {
        return sessions(client).stream().filter(s -> s.path("current").asBoolean()).findFirst().orElseThrow()
                .path("id").asLong();
    }

    @Test
    void theListShowsEachOfMyLiveSessionsWithOnlyMineMarkedCurrent() throws Exception {
        server.createUser("ss-list", "user");
        server.createUser("ss-list-other", "user");
        ApiClient laptop = browser("ss-list", "Laptop/1.0", "198.51.100.10");
        ApiClient phone = browser("ss-list", "Phone/2.0", "198.51.100.20");
        browser("ss-list-other", "Other/1.0", "198.51.100.30");

        List<JsonNode> fromLaptop = sessions(laptop);
        List<JsonNode> fromPhone = sessions(phone);

        assertThat(fromLaptop).hasSize(2);
        assertThat(fromLaptop).extracting(s -> s.path("userAgent").asText())
                .containsExactlyInAnyOrder("Laptop/1.0", "Phone/2.0");
        JsonNode laptopSeenFromLaptop = find(fromLaptop, "Laptop/1.0");
        JsonNode phoneSeenFromLaptop = find(fromLaptop, "Phone/2.0");
        assertThat(laptopSeenFromLaptop.path("current").asBoolean()).isTrue();
        assertThat(phoneSeenFromLaptop.path("current").asBoolean()).isFalse();
        assertThat(laptopSeenFromLaptop.path("clientIp").asText()).isEqualTo("198.51.100.10");
        assertThat(phoneSeenFromLaptop.path("clientIp").asText()).isEqualTo("198.51.100.20");
        assertThat(find(fromPhone, "Phone/2.0").path("current").asBoolean()).isTrue();
        assertThat(find(fromPhone, "Laptop/1.0").path("current").asBoolean()).isFalse();
        for (JsonNode session : fromLaptop) {
            assertThat(session.has("createdAt")).isTrue();
            assertThat(session.has("lastSeenAt")).isTrue();
            assertThat(session.has("expiresAt")).isTrue();
            // Neither the cookie's token nor the CSRF token is shown.
            assertThat(session.toString()).doesNotContain(laptop.cookie("hivemind_session"))
                    .doesNotContain(laptop.cookie("hivemind_csrf")).doesNotContain(phone.cookie("hivemind_csrf"));
        }
    }

    private static JsonNode find(List<JsonNode> sessions, String userAgent) {
        return sessions.stream().filter(s -> userAgent.equals(s.path("userAgent").asText())).findFirst().orElseThrow();
    }

    @Test
    void endingAnotherOfMySessionsSignsThatBrowserOut() throws Exception {
        server.createUser("ss-end", "user");
        ApiClient laptop = browser("ss-end", "Laptop/1.0", "198.51.100.11");
        ApiClient phone = browser("ss-end", "Phone/2.0", "198.51.100.21");
        long phoneSession = currentId(phone);

        ApiClient.Response response = laptop.deleteWithCsrf("/api/v1/sessions/" + phoneSession);

        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        assertThat(response.setCookie("hivemind_session")).as("the caller's own cookie stays").isEmpty();
        ApiClient.Response me = phone.get("/api/v1/me");
        assertThat(me.status()).isEqualTo(401);
        assertThat(me.json().path("message").asText()).contains("session has ended");
        assertThat(laptop.get("/api/v1/me").status()).isEqualTo(200);
        assertThat(sessions(laptop)).hasSize(1);
        assertThat(server.audit("session.revoked").stream().filter(r -> "ss-end".equals(r.actor()))
                .map(r -> r.details().path("session").asLong())).containsExactly(phoneSession);
    }

    @Test
    void endingMyCurrentSessionByIdClearsMyCookies() throws Exception {
        server.createUser("ss-self", "user");
        ApiClient laptop = browser("ss-self", "Laptop/1.0", "198.51.100.12");

        ApiClient.Response response = laptop.deleteWithCsrf("/api/v1/sessions/" + currentId(laptop));

        assertThat(response.status()).isEqualTo(204);
        SetCookies.of(response, "hivemind_session").assertCleared();
        assertThat(Rows.sessions(server, "ss-self")).isZero();
    }

    @Test
    void someoneElsesSessionIsNotFoundAndStaysAlive() throws Exception {
        server.createUser("ss-mallory", "admin");
        server.createUser("ss-victim", "user");
        ApiClient mallory = browser("ss-mallory", "Mallory/1.0", "198.51.100.66");
        ApiClient victim = browser("ss-victim", "Victim/1.0", "198.51.100.13");
        long victimSession = currentId(victim);

        ApiClient.Response response = mallory.deleteWithCsrf("/api/v1/sessions/" + victimSession);

        // Even an admin cannot end someone's single session here (that is DELETE /api/v1/users/{name}/sessions).
        assertThat(response.status()).as(response.toString()).isEqualTo(404);
        assertThat(response.error()).isEqualTo("not_found");
        assertThat(victim.get("/api/v1/me").status()).isEqualTo(200);
        assertThat(Rows.sessions(server, "ss-victim")).isEqualTo(1);
        assertThat(Rows.sessions(server, "ss-mallory")).isEqualTo(1);
        assertThat(server.audit("session.revoked").stream().filter(r -> "ss-mallory".equals(r.actor()))).isEmpty();
    }

    @Test
    void anUnknownOrMalformedSessionIdIsAClientError() throws Exception {
        server.createUser("ss-bad-id", "user");
        ApiClient laptop = browser("ss-bad-id", "Laptop/1.0", "198.51.100.14");

        assertThat(laptop.deleteWithCsrf("/api/v1/sessions/999999999").status()).isEqualTo(404);
        for (String id : List.of("abc", "-1", "1e3", "99999999999999999999999")) {
            int status = laptop.deleteWithCsrf("/api/v1/sessions/" + id).status();
            assertThat(status).as(id).isEqualTo(404);
        }
        assertThat(laptop.get("/api/v1/me").status()).isEqualTo(200);
    }

    @Test
    void signingOutEverywhereEndsAllMySessionsIncludingThisOne() throws Exception {
        server.createUser("ss-all", "user");
        server.createUser("ss-all-other", "user");
        ApiClient laptop = browser("ss-all", "Laptop/1.0", "198.51.100.15");
        ApiClient phone = browser("ss-all", "Phone/2.0", "198.51.100.25");
        ApiClient tablet = browser("ss-all", "Tablet/3.0", "198.51.100.35");
        ApiClient other = browser("ss-all-other", "Other/1.0", "198.51.100.45");

        ApiClient.Response response = laptop.deleteWithCsrf("/api/v1/sessions");

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().path("sessionsEnded").asLong()).isEqualTo(3);
        SetCookies.of(response, "hivemind_session").assertCleared();
        SetCookies.of(response, "hivemind_csrf").assertCleared();
        for (ApiClient browser : List.of(laptop, phone, tablet)) {
            assertThat(browser.get("/api/v1/me").status()).isEqualTo(401);
        }
        assertThat(Rows.sessions(server, "ss-all")).isZero();
        assertThat(other.get("/api/v1/me").status()).as("another account's session").isEqualTo(200);
        assertThat(server.audit("auth.sign_out_everywhere").stream().filter(r -> "ss-all".equals(r.actor()))
                .map(r -> r.details().path("sessionsEnded").asLong())).containsExactly(3L);
    }

    @Test
    void anonymousRequestsCannotSeeOrEndSessions() throws Exception {
        server.createUser("ss-anon", "user");
        browser("ss-anon", "Laptop/1.0", "198.51.100.16");

        assertThat(server.client().get("/api/v1/sessions").status()).isEqualTo(401);
        assertThat(server.client().delete("/api/v1/sessions").status()).isEqualTo(401);
        assertThat(Rows.sessions(server, "ss-anon")).isEqualTo(1);
    }
}
