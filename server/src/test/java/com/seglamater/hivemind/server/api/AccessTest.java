package com.seglamater.hivemind.server.api;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Roles through {@code Access}: 401 when nobody is signed in, 403 when the role is not enough. */
class AccessTest {

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
    void anonymousMeIs401WithABearerChallenge() {
        ApiClient.Response response = server.client().get("/api/v1/me");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.error()).isEqualTo("unauthenticated");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(response.json().path("message").asText()).doesNotContain("session has ended");
    }

    @Test
    void anonymousRequestsToOtherRoutesAre401Too() {
        for (String path : new String[] {"/api/v1/users", "/api/v1/updates", "/api/v1/sessions", "/api/v1/tokens",
                "/api/v1/audit"}) {
            ApiClient.Response response = server.client().get(path);
            assertThat(response.status()).as(path).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).as(path).hasValue("Bearer");
        }
    }

    @Test
    void aViewerCanReadMeAndUpdatesButNotUsers() throws Exception {
        server.createUser("ac-viewer", "viewer");
        ApiClient viewer = server.signIn("ac-viewer");

        ApiClient.Response me = viewer.get("/api/v1/me");
        ApiClient.Response updates = viewer.get("/api/v1/updates");
        ApiClient.Response users = viewer.get("/api/v1/users");

        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().path("role").asText()).isEqualTo("viewer");
        assertThat(updates.status()).as(updates.toString()).isEqualTo(200);
        assertThat(users.status()).as(users.toString()).isEqualTo(403);
        assertThat(users.error()).isEqualTo("forbidden");
        assertThat(users.body()).doesNotContain("ac-viewer");
    }

    @Test
    void aViewerCannotCreateAUser() throws Exception {
        server.createUser("ac-viewer2", "viewer");
        ApiClient viewer = server.signIn("ac-viewer2");

        ApiClient.Response response = viewer.postWithCsrf("/api/v1/users",
                "{\"username\":\"ac-made-by-viewer\",\"role\":\"admin\",\"password\":\"" + TestServer.PASSWORD + "\"}");

        assertThat(response.status()).as(response.toString()).isEqualTo(403);
        assertThat(response.error()).isEqualTo("forbidden");
        assertThat(Rows.number(server, "SELECT count(*) FROM users WHERE username = 'ac-made-by-viewer'")).isZero();
    }

    @Test
    void theUsersListIsForAdminsOnly() throws Exception {
        server.createUser("ac-user", "user");
        server.createUser("ac-admin", "admin");

        ApiClient.Response asUser = server.signIn("ac-user").get("/api/v1/users");
        ApiClient.Response asAdmin = server.signIn("ac-admin").get("/api/v1/users");

        assertThat(asUser.status()).isEqualTo(403);
        assertThat(asUser.error()).isEqualTo("forbidden");
        assertThat(asAdmin.status()).as(asAdmin.toString()).isEqualTo(200);
        assertThat(asAdmin.body()).contains("ac-user");
    }

    @Test
    void aRoleChangeTakesEffectOnTheNextRequest() throws Exception {
        server.createUser("ac-demoted", "admin");
        ApiClient browser = server.signIn("ac-demoted");
        assertThat(browser.get("/api/v1/users").status()).isEqualTo(200);

        server.sql("UPDATE users SET role = 'viewer' WHERE username = 'ac-demoted'");

        assertThat(browser.get("/api/v1/users").status()).isEqualTo(403);
        assertThat(browser.get("/api/v1/me").json().path("role").asText()).isEqualTo("viewer");
    }

    @Test
    void aDisabledAccountsSessionStopsWorking() throws Exception {
        server.createUser("ac-disabled", "user");
        ApiClient browser = server.signIn("ac-disabled");

        server.sql("UPDATE users SET disabled = true WHERE username = 'ac-disabled'");

        assertThat(browser.get("/api/v1/me").status()).isEqualTo(401);
    }
}
