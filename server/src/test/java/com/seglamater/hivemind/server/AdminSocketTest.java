package com.seglamater.hivemind.server;

import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.testing.Http;
import com.seglamater.hivemind.server.testing.TestDatabase;
import io.helidon.webserver.http.HttpRouting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin socket of a server started in-process against a fresh database: bearer-token
 * auth, status, drain and undrain. A test-only route on the main listener,
 * {@value #SLOW}, stays in flight until the test releases it.
 */
class AdminSocketTest {

    private static final String SLOW = "/test/slow";

    @TempDir
    static Path dir;

    private static TestDatabase database;
    private static HivemindServer server;
    private static Path tokenFile;
    private static volatile CountDownLatch release = new CountDownLatch(0);

    @BeforeAll
    static void start() throws Exception {
        database = TestDatabase.create();
        tokenFile = dir.resolve("run/hivemind/admin.token");
        ServerConfig config = ServerConfig.from(Map.of(
                "HIVEMIND_BIND", "127.0.0.1:0",
                "HIVEMIND_ADMIN_BIND", "127.0.0.1:0",
                "HIVEMIND_ADMIN_TOKEN_FILE", tokenFile.toString(),
                "HIVEMIND_DB_URL", database.jdbcUrl(),
                "HIVEMIND_DB_USER", TestDatabase.ADMIN_USER,
                "HIVEMIND_DATA_DIR", dir.resolve("data").toString(),
                // Longer than the default: the drain below must take the configured notice.
                "HIVEMIND_DRAIN_NOTICE", "1s"));
        server = HivemindServer.start(config, "9.9.9-test", java.time.Clock.systemUTC(), AdminSocketTest::slowRoute);
    }

    private static void slowRoute(HttpRouting.Builder routing) {
        routing.get(SLOW, (req, res) -> {
            release.await(30, TimeUnit.SECONDS);
            res.send("{}");
        });
    }

    @AfterAll
    static void stop() throws Exception {
        release.countDown();
        if (server != null) {
            server.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @AfterEach
    void undrain() throws Exception {
        release.countDown();
        admin("POST", "/admin/v1/undrain");
    }

    private static String bearer() throws Exception {
        return "Bearer " + Files.readString(tokenFile);
    }

    private static Http.Response admin(String method, String path) throws Exception {
        return Http.send(method, server.adminPort(), path, "Authorization", bearer());
    }

    @Test
    void tokenFileIsOwnerOnlyAndHoldsA32ByteBase64UrlToken() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        assertThat(Files.readString(tokenFile)).matches("[A-Za-z0-9_-]{43}");
        try (var siblings = Files.list(tokenFile.getParent())) {
            assertThat(siblings).as("no temp file left behind").containsExactly(tokenFile);
        }
    }

    @Test
    void refusesAMissingToken() throws Exception {
        Http.Response response = Http.send("GET", server.adminPort(), "/admin/v1/status");
        assertUnauthorized(response);
    }

    @Test
    void refusesAWrongTokenAndAnotherScheme() throws Exception {
        String token = Files.readString(tokenFile);
        String wrong = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
        assertUnauthorized(Http.send("GET", server.adminPort(), "/admin/v1/status", "Authorization", "Bearer " + wrong));
        assertUnauthorized(Http.send("GET", server.adminPort(), "/admin/v1/status", "Authorization", "Bearer " + token + "x"));
        assertUnauthorized(Http.send("GET", server.adminPort(), "/admin/v1/status", "Authorization", "Basic " + token));
        assertUnauthorized(Http.send("POST", server.adminPort(), "/admin/v1/drain", "Authorization", "Bearer "));
        // Unknown routes too: no token, no hint of what exists.
        assertUnauthorized(Http.send("GET", server.adminPort(), "/admin/v1/nothing-here"));
        assertThat(Http.get(server.port(), "/health").status()).as("the refused drain did nothing").isEqualTo(200);
    }

    private static void assertUnauthorized(Http.Response response) {
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(response.json().path("error").asText()).isEqualTo("unauthorized");
        assertThat(response.json().path("message").asText()).isNotBlank();
    }

    @Test
    void statusWithTheRightTokenReportsStatusVersionAndInFlight() throws Exception {
        Http.Response response = admin("GET", "/admin/v1/status");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.json().path("status").asText()).isEqualTo("UP");
        assertThat(response.json().path("version").asText()).isEqualTo("9.9.9-test");
        assertThat(response.json().path("inFlight").asInt()).isZero();
    }

    @Test
    void unknownAdminRoutesAreJson404WithTheToken() throws Exception {
        Http.Response response = admin("GET", "/admin/v1/nothing-here");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("error").asText()).isEqualTo("not_found");
    }

    @Test
    void theMainListenerDoesNotServeTheAdminRoutes() throws Exception {
        Http.Response response = Http.send("POST", server.port(), "/admin/v1/drain", "Authorization", bearer());
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("error").asText()).isEqualTo("not_found");
        assertThat(Http.get(server.port(), "/admin/v1/status").status()).isEqualTo(404);
        assertThat(Http.get(server.port(), "/health").status()).isEqualTo(200);
    }

    @Test
    void drainMakesHealth503DrainingAndUndrainRestores200() throws Exception {
        Instant before = Instant.now();
        Http.Response drained = admin("POST", "/admin/v1/drain");
        assertThat(Duration.between(before, Instant.now())).as("idle, but held for proxies' health checks to notice "
                + "(HIVEMIND_DRAIN_NOTICE)").isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(drained.status()).isEqualTo(200);
        assertThat(drained.json().path("idle").asBoolean()).isTrue();
        assertThat(drained.json().path("inFlight").asInt()).isZero();

        Http.Response health = Http.get(server.port(), "/health");
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.json().path("status").asText()).isEqualTo("DRAINING");
        assertThat(health.json().at("/checks/draining/status").asText()).isEqualTo("DRAINING");
        assertThat(health.json().at("/checks/database/status").asText()).isEqualTo("UP");
        assertThat(admin("GET", "/admin/v1/status").json().path("status").asText()).isEqualTo("DRAINING");

        Http.Response undrained = admin("POST", "/admin/v1/undrain");
        assertThat(undrained.status()).isEqualTo(200);
        assertThat(undrained.json().path("status").asText()).isEqualTo("UP");
        Http.Response back = Http.get(server.port(), "/health");
        assertThat(back.status()).isEqualTo(200);
        assertThat(back.json().at("/checks/draining/status").asText()).isEqualTo("UP");
    }

    @Test
    void drainGivesUpAfterItsBoundWhileARequestStaysInFlight() throws Exception {
        release = new CountDownLatch(1);
        CompletableFuture<Http.Response> slow = Http.sendAsync("GET", server.port(), SLOW);
        awaitInFlight(1);

        Instant before = Instant.now();
        Http.Response drained = admin("POST", "/admin/v1/drain?timeoutSeconds=1");
        assertThat(Duration.between(before, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(drained.status()).isEqualTo(200);
        assertThat(drained.json().path("idle").asBoolean()).isFalse();
        assertThat(drained.json().path("inFlight").asInt()).isEqualTo(1);
        assertThat(Http.get(server.port(), "/health").status()).isEqualTo(503);

        // Draining still serves what arrives; the held request completes once released.
        release.countDown();
        assertThat(slow.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    @Test
    void drainReturnsAsSoonAsTheLastInFlightRequestFinishes() throws Exception {
        release = new CountDownLatch(1);
        CompletableFuture<Http.Response> slow = Http.sendAsync("GET", server.port(), SLOW);
        awaitInFlight(1);

        CompletableFuture<Http.Response> drain = CompletableFuture.supplyAsync(() -> {
            try {
                return admin("POST", "/admin/v1/drain?timeoutSeconds=20");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertThat(drain).as("drain waits while a request is in flight").isNotDone();
        assertThat(Http.get(server.port(), "/health").json().path("status").asText()).isEqualTo("DRAINING");

        release.countDown();
        Http.Response drained = drain.get(10, TimeUnit.SECONDS);
        assertThat(drained.json().path("idle").asBoolean()).isTrue();
        assertThat(drained.json().path("inFlight").asInt()).isZero();
        assertThat(slow.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    @Test
    void aBadTimeoutIs400AndDoesNotDrain() throws Exception {
        for (String bad : new String[] {"-1", "301", "abc", "1.5", "99999999999"}) {
            Http.Response response = admin("POST", "/admin/v1/drain?timeoutSeconds=" + bad);
            assertThat(response.status()).as("timeoutSeconds=%s", bad).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/json");
            assertThat(response.json().path("error").asText()).isEqualTo("invalid_parameter");
            assertThat(response.json().path("message").asText()).contains("timeoutSeconds");
        }
        assertThat(Http.get(server.port(), "/health").status()).isEqualTo(200);
    }

    private static void awaitInFlight(int expected) throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        int inFlight;
        do {
            inFlight = admin("GET", "/admin/v1/status").json().path("inFlight").asInt();
            if (inFlight == expected) {
                return;
            }
            Thread.sleep(10);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("in-flight count stayed at " + inFlight + ", expected " + expected);
    }
}
