package com.seglamater.hivemind.server.api;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.seglamater.hivemind.server.TestServer.PASSWORD;
import static com.seglamater.hivemind.server.TestServer.credentials;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code PUT /api/v1/me/password}: changing one's own password needs the current one and ends other sessions. */
class PasswordChangeTest {

    private static final String NEW_PASSWORD = "a brand new passphrase";

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

    private static String change(String current, String next) {
        return "{\"currentPassword\":\"" + current + "\",\"newPassword\":\"" + next + "\"}";
    }

    private static int signInStatus(String username, String password) {
        return server.client().post("/api/v1/session", credentials(username, password)).status();
    }

    @Test
    void aWrongCurrentPasswordIs403AndChangesNothing() throws Exception {
        server.createUser("pc-wrong", "user");
        ApiClient browser = server.signIn("pc-wrong");
        ApiClient other = server.signIn("pc-wrong");
        String hash = Rows.passwordHash(server, "pc-wrong");

        ApiClient.Response response = browser.putWithCsrf("/api/v1/me/password", change("not it at all", NEW_PASSWORD));

        assertThat(response.status()).as(response.toString()).isEqualTo(403);
        assertThat(response.error()).isEqualTo("wrong_password");
        assertThat(Rows.passwordHash(server, "pc-wrong")).isEqualTo(hash);
        assertThat(other.get("/api/v1/me").status()).as("other sessions are not ended").isEqualTo(200);
        assertThat(signInStatus("pc-wrong", NEW_PASSWORD)).isEqualTo(401);
        assertThat(signInStatus("pc-wrong", PASSWORD)).isEqualTo(200);
        List<TestServer.AuditRow> rows = server.audit("auth.password_changed").stream()
                .filter(r -> "pc-wrong".equals(r.actor())).toList();
        assertThat(rows).hasSize(1);
        assertThat(rows.getFirst().outcome()).isEqualTo("failure");
        assertThat(rows.getFirst().details().path("reason").asText()).isEqualTo("wrong_current_password");
    }

    @Test
    void aWeakNewPasswordIs400AndChangesNothing() throws Exception {
        server.createUser("pc-weak", "user");
        ApiClient browser = server.signIn("pc-weak");
        ApiClient other = server.signIn("pc-weak");
        String hash = Rows.passwordHash(server, "pc-weak");

        for (String weak : List.of("short", "x".repeat(11), " ".repeat(14))) {
            ApiClient.Response response = browser.putWithCsrf("/api/v1/me/password", change(PASSWORD, weak));
            assertThat(response.status()).as("'" + weak + "': " + response).isEqualTo(400);
            assertThat(response.error()).isEqualTo("weak_password");
        }

        assertThat(Rows.passwordHash(server, "pc-weak")).isEqualTo(hash);
        assertThat(other.get("/api/v1/me").status()).isEqualTo(200);
        assertThat(signInStatus("pc-weak", PASSWORD)).isEqualTo(200);
        assertThat(server.audit("auth.password_changed").stream()
                .filter(r -> "pc-weak".equals(r.actor()) && "success".equals(r.outcome()))).isEmpty();
    }

    @Test
    void missingFieldsAre400() throws Exception {
        server.createUser("pc-fields", "user");
        ApiClient browser = server.signIn("pc-fields");
        String hash = Rows.passwordHash(server, "pc-fields");

        ApiClient.Response noCurrent = browser.putWithCsrf("/api/v1/me/password", "{\"newPassword\":\"" + NEW_PASSWORD + "\"}");
        ApiClient.Response noNew = browser.putWithCsrf("/api/v1/me/password", "{\"currentPassword\":\"" + PASSWORD + "\"}");

        assertThat(noCurrent.status()).isEqualTo(400);
        assertThat(noCurrent.error()).isEqualTo("invalid_field");
        assertThat(noNew.status()).isEqualTo(400);
        assertThat(noNew.error()).isEqualTo("invalid_field");
        assertThat(Rows.passwordHash(server, "pc-fields")).isEqualTo(hash);
    }

    @Test
    void aChangeEndsOtherSessionsKeepsThisOneAndOnlyTheNewPasswordSignsIn() throws Exception {
        server.createUser("pc-ok", "user");
        ApiClient browser = server.signIn("pc-ok");
        ApiClient phone = server.signIn("pc-ok");
        ApiClient tablet = server.signIn("pc-ok");
        String hash = Rows.passwordHash(server, "pc-ok");

        ApiClient.Response response = browser.putWithCsrf("/api/v1/me/password", change(PASSWORD, NEW_PASSWORD));

        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        assertThat(Rows.passwordHash(server, "pc-ok")).isNotEqualTo(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(browser.get("/api/v1/me").status()).as("this session").isEqualTo(200);
        assertThat(phone.get("/api/v1/me").status()).as("another session").isEqualTo(401);
        assertThat(tablet.get("/api/v1/me").status()).as("another session").isEqualTo(401);
        assertThat(Rows.sessions(server, "pc-ok")).isEqualTo(1);
        assertThat(signInStatus("pc-ok", NEW_PASSWORD)).isEqualTo(200);
        assertThat(signInStatus("pc-ok", PASSWORD)).isEqualTo(401);
        assertThat(Rows.string(server, "SELECT password_changed_at IS NOT NULL FROM users WHERE username = 'pc-ok'"))
                .isEqualTo("true");

        List<TestServer.AuditRow> rows = server.audit("auth.password_changed").stream()
                .filter(r -> "pc-ok".equals(r.actor())).toList();
        assertThat(rows).hasSize(1);
        assertThat(rows.getFirst().outcome()).isEqualTo("success");
        assertThat(rows.getFirst().details().path("sessionsEnded").asLong()).isEqualTo(2);
        assertThat(rows.getFirst().details().toString()).doesNotContain(PASSWORD).doesNotContain(NEW_PASSWORD);
    }

    @Test
    void aChangeThroughAnApiTokenEndsEverySessionAndKeepsTheToken() throws Exception {
        server.createUser("pc-token", "user");
        ApiClient browser = server.signIn("pc-token");
        ApiClient.Response created = browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"password change\"}");
        assertThat(created.status()).isEqualTo(201);
        ApiClient script = server.client().always("Authorization", "Bearer " + created.json().path("token").asText());

        ApiClient.Response response = script.put("/api/v1/me/password", change(PASSWORD, NEW_PASSWORD));

        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        assertThat(browser.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(script.get("/api/v1/me").status()).isEqualTo(200);
        assertThat(signInStatus("pc-token", NEW_PASSWORD)).isEqualTo(200);
    }

    @Test
    void anSsoAccountHasNoPasswordToChange() throws Exception {
        long id = server.createUser("pc-sso", "user");
        ApiClient browser = server.signIn("pc-sso");
        server.sql("UPDATE users SET source = 'sso', password_hash = NULL WHERE id = " + id);

        ApiClient.Response response = browser.putWithCsrf("/api/v1/me/password", change(PASSWORD, NEW_PASSWORD));

        assertThat(response.status()).as(response.toString()).isEqualTo(409);
        assertThat(response.error()).isEqualTo("no_local_password");
        assertThat(Rows.passwordHash(server, "pc-sso")).isNull();
    }

    @Test
    void anonymousCannotChangeAPassword() {
        ApiClient.Response response = server.client().put("/api/v1/me/password", change(PASSWORD, NEW_PASSWORD));

        assertThat(response.status()).isEqualTo(401);
    }
}
