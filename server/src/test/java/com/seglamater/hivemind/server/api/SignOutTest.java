package com.seglamater.hivemind.server.api;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code DELETE /api/v1/session}: signing out ends the session on the server, not only in the browser. */
class SignOutTest {

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

    @Test
    void signingOutEndsTheSessionClearsTheCookiesAndTheOldCookieNoLongerWorks() throws Exception {
        server.createUser("so-alice", "user");
        ApiClient browser = server.signIn("so-alice");
        String oldCookie = browser.cookie("hivemind_session");
        long sessionId = browser.get("/api/v1/sessions").json().path("items").get(0).path("id").asLong();

        ApiClient.Response response = browser.deleteWithCsrf("/api/v1/session");

        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        SetCookies.of(response, "hivemind_session").assertCleared();
        SetCookies.of(response, "hivemind_csrf").assertCleared();
        assertThat(Rows.sessions(server, "so-alice")).isZero();

        // Someone who kept a copy of the cookie gets nothing from it.
        ApiClient copy = server.client();
        copy.cookies().put("hivemind_session", oldCookie);
        ApiClient.Response me = copy.get("/api/v1/me");
        assertThat(me.status()).isEqualTo(401);
        assertThat(me.error()).isEqualTo("unauthenticated");
        assertThat(me.json().path("message").asText()).contains("session has ended");
        SetCookies.of(me, "hivemind_session").assertCleared();

        List<TestServer.AuditRow> rows = server.audit("auth.sign_out").stream()
                .filter(r -> "so-alice".equals(r.actor())).toList();
        assertThat(rows).hasSize(1);
        assertThat(rows.getFirst().outcome()).isEqualTo("success");
        assertThat(rows.getFirst().details().path("session").asLong()).isEqualTo(sessionId);
    }

    @Test
    void signingOutEndsOnlyThisSession() throws Exception {
        server.createUser("so-two", "user");
        ApiClient laptop = server.signIn("so-two");
        ApiClient phone = server.signIn("so-two");

        assertThat(laptop.deleteWithCsrf("/api/v1/session").status()).isEqualTo(204);

        assertThat(laptop.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(phone.get("/api/v1/me").status()).isEqualTo(200);
        assertThat(Rows.sessions(server, "so-two")).isEqualTo(1);
    }

    @Test
    void signingOutWithoutASessionIs204() {
        ApiClient response204 = server.client();

        ApiClient.Response response = response204.delete("/api/v1/session");

        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        SetCookies.of(response, "hivemind_session").assertCleared();
    }

    @Test
    void signingOutWithAStaleCookieIs204() throws Exception {
        server.createUser("so-stale", "user");
        ApiClient browser = server.signIn("so-stale");
        String cookie = browser.cookie("hivemind_session");
        browser.deleteWithCsrf("/api/v1/session");
        ApiClient copy = server.client();
        copy.cookies().put("hivemind_session", cookie);

        assertThat(copy.delete("/api/v1/session").status()).isEqualTo(204);
    }

    @Test
    void signingOutWithABearerTokenIs400NotASessionAndEndsNothing() throws Exception {
        server.createUser("so-token", "user");
        ApiClient browser = server.signIn("so-token");
        ApiClient.Response created = browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"sign-out test\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        ApiClient script = server.client().always("Authorization", "Bearer " + created.json().path("token").asText());

        ApiClient.Response response = script.delete("/api/v1/session");

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.error()).isEqualTo("not_a_session");
        assertThat(response.setCookie("hivemind_session")).isEmpty();
        assertThat(script.get("/api/v1/me").status()).as("the token still works").isEqualTo(200);
        assertThat(browser.get("/api/v1/me").status()).as("the browser session still works").isEqualTo(200);
        assertThat(Rows.sessions(server, "so-token")).isEqualTo(1);
        assertThat(server.audit("auth.sign_out").stream().filter(r -> "so-token".equals(r.actor()))).isEmpty();
    }
}
