package com.seglamater.hivemind.server.api;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Authenticated reads are answered from remembered sessions and tokens (issue 15), and every
 * change still takes effect on the very next request: each test warms the memory with reads,
 * makes the change through the API, and asks again at once.
 */
class RecentCredentialsTest {

    private static TestServer server;
    private static ApiClient admin;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        server.createUser("rc-admin", "admin");
        admin = server.signIn("rc-admin");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static void warm(ApiClient client, String... headers) {
        for (int i = 0; i < 3; i++) {
            assertThat(client.get("/api/v1/me", headers).status()).isEqualTo(200);
        }
    }

    @Test
    void aWarmSessionIsServedWithoutTheDatabase() throws Exception {
        // Proof that the memory is used at all: with the database cut off, a session read a moment
        // ago still answers; one never seen cannot be checked and gets 503.
        server.createUser("rc-warm", "user");
        ApiClient warm = server.signIn("rc-warm");
        warm(warm);
        try {
            server.database().cutOff();
            assertThat(warm.get("/api/v1/me").status()).isEqualTo(200);
            ApiClient stranger = server.client();
            stranger.cookies().put("hivemind_session", "hms_never-issued-0123456789abcdef");
            assertThat(stranger.get("/api/v1/me").status()).isEqualTo(503);
        } finally {
            server.database().restore();
            awaitHealthy();
        }
    }

    /** The pool reconnects by itself; the other tests need it back (bounded). */
    private static void awaitHealthy() throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (server.client().get("/health").status() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server did not recover within 20 s of the database's return");
            }
            Thread.sleep(50);
        }
    }

    @Test
    void signingOutTakesEffectOnTheNextRequest() throws Exception {
        server.createUser("rc-out", "user");
        ApiClient browser = server.signIn("rc-out");
        warm(browser);
        String cookie = browser.cookie("hivemind_session");
        assertThat(browser.deleteWithCsrf("/api/v1/session").status()).isEqualTo(204);

        ApiClient copy = server.client();
        copy.cookies().put("hivemind_session", cookie);
        assertThat(copy.get("/api/v1/me").status()).isEqualTo(401);
    }

    @Test
    void aRevokedTokenIsRefusedOnTheNextRequest() throws Exception {
        server.createUser("rc-token", "user");
        ApiClient owner = server.signIn("rc-token");
        ApiClient.Response created = owner.postWithCsrf("/api/v1/tokens", "{\"name\":\"script\"}");
        assertThat(created.status()).isEqualTo(201);
        String token = created.json().path("token").asText();
        long id = created.json().path("info").path("id").asLong();
        warm(server.client(), "Authorization", "Bearer " + token);

        assertThat(owner.deleteWithCsrf("/api/v1/tokens/" + id).status()).isEqualTo(204);

        assertThat(server.client().get("/api/v1/me", "Authorization", "Bearer " + token).status()).isEqualTo(401);
    }

    @Test
    void disablingAnAccountEndsItsAccessOnTheNextRequest() throws Exception {
        server.createUser("rc-disabled", "user");
        ApiClient user = server.signIn("rc-disabled");
        warm(user);

        assertThat(admin.patchWithCsrf("/api/v1/users/rc-disabled", "{\"disabled\":true}").status()).isEqualTo(200);

        assertThat(user.get("/api/v1/me").status()).isEqualTo(401);
    }

    @Test
    void aRoleChangeTakesEffectOnTheNextRequest() throws Exception {
        server.createUser("rc-role", "admin");
        ApiClient user = server.signIn("rc-role");
        warm(user);
        assertThat(user.get("/api/v1/users").status()).isEqualTo(200);

        assertThat(admin.patchWithCsrf("/api/v1/users/rc-role", "{\"role\":\"viewer\"}").status()).isEqualTo(200);

        assertThat(user.get("/api/v1/me").json().path("role").asText()).isEqualTo("viewer");
        assertThat(user.get("/api/v1/users").status()).isEqualTo(403);
    }
}
