package com.seglamater.hivemind.server.api;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions end after {@code HIVEMIND_SESSION_IDLE_TIMEOUT} unused and at
 * {@code HIVEMIND_SESSION_MAX_AGE} after sign-in however much they are used; time is the
 * server's {@link com.seglamater.hivemind.server.testing.MutableClock}. The clock is shared by
 * the tests of this class, which only ever move it forward and sign in afresh.
 */
class SessionExpiryTest {

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("HIVEMIND_SESSION_IDLE_TIMEOUT", "30m", "HIVEMIND_SESSION_MAX_AGE", "2h");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theCookiesLastAsLongAsTheConfiguredMaxAge() throws Exception {
        server.createUser("se-cookie", "user");

        ApiClient.Response response = server.client().post("/api/v1/session",
                TestServer.credentials("se-cookie", TestServer.PASSWORD));

        assertThat(SetCookies.of(response, "hivemind_session").attribute("Max-Age")).isEqualTo("7200");
        assertThat(SetCookies.of(response, "hivemind_csrf").attribute("Max-Age")).isEqualTo("7200");
    }

    @Test
    void aSessionUsedEvery20MinutesOutlivesTheIdleTimeout() throws Exception {
        server.createUser("se-busy", "user");
        ApiClient browser = server.signIn("se-busy");

        for (int i = 1; i <= 4; i++) {
            server.clock().advance(Duration.ofMinutes(20));
            ApiClient.Response me = browser.get("/api/v1/me");
            assertThat(me.status()).as("after " + 20 * i + " min: " + me).isEqualTo(200);
        }
    }

    @Test
    void aSessionLeft31MinutesIsDeadAndItsCookieIsCleared() throws Exception {
        server.createUser("se-idle", "user");
        ApiClient browser = server.signIn("se-idle");
        ApiClient other = server.signIn("se-idle");
        server.clock().advance(Duration.ofMinutes(20));
        assertThat(other.get("/api/v1/me").status()).isEqualTo(200);
        server.clock().advance(Duration.ofMinutes(11));

        ApiClient.Response me = browser.get("/api/v1/me");

        assertThat(me.status()).as(me.toString()).isEqualTo(401);
        assertThat(me.json().path("message").asText()).contains("session has ended");
        SetCookies.of(me, "hivemind_session").assertCleared();
        SetCookies.of(me, "hivemind_csrf").assertCleared();
        assertThat(me.setCookies()).as("one Set-Cookie per cookie, not the gate's and the error's").hasSize(2);
        assertThat(browser.cookie("hivemind_session")).isNull();
        // The session used 11 minutes ago is alive, and does not list the dead one.
        ApiClient.Response list = other.get("/api/v1/sessions");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().path("items")).hasSize(1);
        assertThat(list.json().path("items").get(0).path("current").asBoolean()).isTrue();
    }

    @Test
    void aDeadSessionStaysDeadWhenUsedAgain() throws Exception {
        server.createUser("se-zombie", "user");
        ApiClient browser = server.signIn("se-zombie");
        String cookie = browser.cookie("hivemind_session");
        String csrf = browser.cookie("hivemind_csrf");
        server.clock().advance(Duration.ofMinutes(31));
        ApiClient copy = server.client();
        copy.cookies().put("hivemind_session", cookie);

        assertThat(copy.get("/api/v1/me").status()).isEqualTo(401);
        // A state-changing request with the stale cookie and its old CSRF token does nothing either.
        ApiClient.Response create = copy.post("/api/v1/tokens", "{\"name\":\"zombie\"}", "X-CSRF-Token", csrf);
        assertThat(create.status()).isEqualTo(401);
        assertThat(Rows.number(server, "SELECT count(*) FROM api_tokens t JOIN users u ON u.id = t.user_id "
                + "WHERE u.username = 'se-zombie'")).isZero();
        assertThat(copy.get("/api/v1/me").status()).as("a request does not bring it back").isEqualTo(401);
    }

    @Test
    void aSessionEndsAtTheMaxAgeEvenWhenUsedEvery10Minutes() throws Exception {
        server.createUser("se-old", "user");
        ApiClient browser = server.signIn("se-old");

        for (int minutes = 10; minutes < 120; minutes += 10) {
            server.clock().advance(Duration.ofMinutes(10));
            assertThat(browser.get("/api/v1/me").status()).as("after " + minutes + " min").isEqualTo(200);
        }
        server.clock().advance(Duration.ofMinutes(10));

        ApiClient.Response me = browser.get("/api/v1/me");

        assertThat(me.status()).as("after 2 h: " + me).isEqualTo(401);
        assertThat(me.json().path("message").asText()).contains("session has ended");
        SetCookies.of(me, "hivemind_session").assertCleared();
    }

    @Test
    void theSessionListShowsWhenTheSessionWillEnd() throws Exception {
        server.createUser("se-list", "user");
        ApiClient browser = server.signIn("se-list");
        server.clock().advance(Duration.ofMinutes(5));

        ApiClient.Response list = browser.get("/api/v1/sessions");

        var item = list.json().path("items").get(0);
        java.time.Instant created = java.time.Instant.parse(item.path("createdAt").asText());
        java.time.Instant seen = java.time.Instant.parse(item.path("lastSeenAt").asText());
        // Idle expiry (last use + 30 min) comes before the absolute one (sign-in + 2 h).
        assertThat(java.time.Instant.parse(item.path("expiresAt").asText())).isEqualTo(seen.plus(Duration.ofMinutes(30)));
        assertThat(seen).isAfter(created);
    }
}
