package com.seglamater.hivemind.server.api;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks that need many requests at once: floods that would grow the append-only audit log
 * without bound, parallel password guesses against the per-account limit, and sign-ins that
 * race an admin's password reset. Each is tried, and what it was after does not happen.
 */
class AbuseResistanceTest {

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("HIVEMIND_RATE_LIMIT_SIGNIN_ACCOUNT", "5/10m");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aFloodOfBadTokensWritesABoundedNumberOfAuditRowsButEveryOneIsRefused() throws Exception {
        String ip = "198.51.100.77";
        ApiClient attacker = server.client().always("X-Forwarded-For", ip);
        // The server's clock stands still unless the test moves it (TestServer), so however slowly the
        // burst goes, the limit of 60 a minute gets no refill during it.
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 75; i++) {
            statuses.add(attacker.get("/api/v1/me", "Authorization", "Bearer hmt_forged" + i).status());
        }
        assertThat(statuses).containsOnly(401);
        List<TestServer.AuditRow> rows = refusals(ip);
        // The first 60, then one note for the rest of the burst.
        assertThat(rows).hasSize(61);
        assertThat(rows.subList(0, 60)).allMatch(r -> r.details().path("note").isMissingNode());
        assertThat(rows.get(60).details().path("note").asText())
                .isEqualTo("further refusals of this kind from this client are not recorded for 1 s");
        assertThat(rows.get(60).details().path("credential").asText()).isEqualTo("token");

        // One second refills one entry: the next refusal is recorded, and the one after it is a new note.
        server.clock().advance(Duration.ofSeconds(1));
        for (int i = 0; i < 5; i++) {
            assertThat(attacker.get("/api/v1/me", "Authorization", "Bearer hmt_later" + i).status()).isEqualTo(401);
        }
        rows = refusals(ip);
        assertThat(rows).hasSize(63);
        assertThat(rows.get(61).details().path("note").isMissingNode()).isTrue();
        assertThat(rows.get(62).details().path("note").asText()).contains("not recorded");

        // Another client is recorded as usual while the first is being sampled.
        assertThat(server.client().always("X-Forwarded-For", "198.51.100.78")
                .get("/api/v1/me", "Authorization", "Bearer hmt_other").status()).isEqualTo(401);
        assertThat(refusals("198.51.100.78")).hasSize(1);
    }

    private static List<TestServer.AuditRow> refusals(String ip) throws Exception {
        return server.audit("auth.rejected").stream().filter(r -> r.clientIp().equals(ip)).toList();
    }

    @Test
    void parallelGuessesForOneAccountCannotSlipPastItsLimit() throws Exception {
        server.createUser("abuse-target", "user");
        int guesses = 40;
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < guesses; i++) {
                String ip = "203.0.113." + (i + 1);
                results.add(pool.submit(() -> server.client().always("X-Forwarded-For", ip)
                        .post("/api/v1/session", TestServer.credentials("abuse-target", "wrong guess " + ip)).status()));
            }
            long checked = 0;
            for (Future<Integer> result : results) {
                int status = result.get();
                assertThat(status).isIn(401, 429);
                checked += status == 401 ? 1 : 0;
            }
            // The limit is 5: at most 5 guesses got a password check, whatever their timing.
            assertThat(checked).isEqualTo(5);
            long failures = server.audit("auth.sign_in").stream()
                    .filter(r -> "abuse-target".equals(r.target()) && r.outcome().equals("failure")).count();
            assertThat(failures).isEqualTo(5);
        } finally {
            pool.shutdownNow();
        }
        // Even the right password is refused until the limit refills.
        assertThat(server.client().always("X-Forwarded-For", "203.0.113.200")
                .post("/api/v1/session", TestServer.credentials("abuse-target", TestServer.PASSWORD)).status())
                .isEqualTo(429);
    }

    @Test
    void noSessionWithTheOldPasswordOutlivesAnAdminsPasswordReset() throws Exception {
        server.createUser("abuse-admin", "admin");
        server.createUser("abuse-victim", "user");
        ApiClient admin = server.signIn("abuse-admin");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<ApiClient> signedIn = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> racers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String ip = "192.0.2." + (i + 1);
                racers.add(pool.submit((Callable<Void>) () -> {
                    ApiClient browser = server.client().always("X-Forwarded-For", ip);
                    if (browser.post("/api/v1/session", TestServer.credentials("abuse-victim", TestServer.PASSWORD))
                            .status() == 200) {
                        signedIn.add(browser);
                    }
                    return null;
                }));
            }
            assertThat(admin.postWithCsrf("/api/v1/users/abuse-victim/password",
                    "{\"newPassword\":\"a brand new password 2026\"}").status()).isEqualTo(204);
            for (Future<?> racer : racers) {
                racer.get();
            }
        } finally {
            pool.shutdownNow();
        }
        // Whatever got through before the reset ended with it; nothing made after it exists.
        for (ApiClient browser : signedIn) {
            assertThat(browser.get("/api/v1/me").status()).isEqualTo(401);
        }
        assertThat(Rows.sessions(server, "abuse-victim")).isZero();
    }

    @Test
    void reservedActorNamesCannotBeAccounts() throws Exception {
        server.createUser("abuse-admin2", "admin");
        ApiClient admin = server.signIn("abuse-admin2");
        long before = Rows.users(server);
        for (String name : List.of("api-key", "Updater", "anonymous", "SYSTEM")) {
            ApiClient.Response response = admin.postWithCsrf("/api/v1/users",
                    "{\"username\":\"" + name + "\",\"role\":\"user\",\"password\":\"" + TestServer.PASSWORD + "\"}");
            assertThat(response.status()).as(name).isEqualTo(400);
            assertThat(response.json().path("message").asText()).contains("reserved");
        }
        assertThat(Rows.users(server)).isEqualTo(before);
    }
}
