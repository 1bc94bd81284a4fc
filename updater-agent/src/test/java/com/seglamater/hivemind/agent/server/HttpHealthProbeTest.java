package com.seglamater.hivemind.agent.server;

import com.seglamater.hivemind.agent.server.HealthProbe.Health;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Bodies as the server's /health writes them (server/.../health/Health.java). */
class HttpHealthProbeTest {

    private final MockWebServer server = new MockWebServer();
    private HttpHealthProbe probe;

    @BeforeEach
    void start() throws IOException {
        server.start();
        probe = new HttpHealthProbe(server.url("/health").uri());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aServingServerIsUpWithItsVersion() throws Exception {
        server.enqueue(AdminClientTest.json(200, "{\"status\":\"UP\",\"version\":\"0.5.0\",\"checks\":"
                + "{\"database\":{\"status\":\"UP\",\"latencyMs\":3},\"draining\":{\"status\":\"UP\"}}}"));

        Health health = probe.probe();

        assertThat(health).isEqualTo(new Health(200, Optional.of("UP"), Optional.of("0.5.0")));
        assertThat(health.serving("0.5.0")).isTrue();
        assertThat(health.serving("0.4.0")).isFalse();
        assertThat(server.takeRequest().getTarget()).isEqualTo("/health");
    }

    @Test
    void a503BodyIsStillRead() throws Exception {
        server.enqueue(AdminClientTest.json(503, "{\"status\":\"DOWN\",\"version\":\"0.5.0\",\"checks\":"
                + "{\"database\":{\"status\":\"DOWN\"}}}"));
        server.enqueue(AdminClientTest.json(503, "{\"status\":\"DRAINING\",\"version\":\"0.5.0\",\"checks\":{}}"));

        assertThat(probe.probe()).isEqualTo(new Health(503, Optional.of("DOWN"), Optional.of("0.5.0")));
        Health draining = probe.probe();
        assertThat(draining).isEqualTo(new Health(503, Optional.of("DRAINING"), Optional.of("0.5.0")));
        assertThat(draining.serving("0.5.0")).isFalse();
    }

    @Test
    void anUnparsableBodyGivesOnlyTheHttpStatus() throws Exception {
        server.enqueue(new MockResponse.Builder().code(502).body("<html>Bad Gateway</html>").build());
        server.enqueue(new MockResponse.Builder().code(200).body("").build());
        server.enqueue(AdminClientTest.json(200, "[\"UP\"]"));

        Health nothing = new Health(502, Optional.empty(), Optional.empty());
        assertThat(probe.probe()).isEqualTo(nothing);
        assertThat(probe.probe()).isEqualTo(new Health(200, Optional.empty(), Optional.empty()));
        assertThat(probe.probe()).isEqualTo(new Health(200, Optional.empty(), Optional.empty()));
    }

    @Test
    void fieldsOfTheWrongTypeAreLeftOut() throws Exception {
        server.enqueue(AdminClientTest.json(200, "{\"status\":true,\"version\":5,\"extra\":\"ignored\"}"));

        Health health = probe.probe();

        assertThat(health).isEqualTo(new Health(200, Optional.empty(), Optional.empty()));
        assertThat(health.serving("5")).isFalse();
    }

    @Test
    void aBodyLargerThan64KiBIsNotRead() throws Exception {
        String big = "{\"status\":\"UP\",\"version\":\"0.5.0\",\"pad\":\"" + "x".repeat(HttpHealthProbe.MAX_BODY_BYTES) + "\"}";
        server.enqueue(AdminClientTest.json(200, big));
        server.enqueue(new MockResponse.Builder().code(200).chunkedBody(big, 4096).build());

        assertThat(probe.probe()).isEqualTo(new Health(200, Optional.empty(), Optional.empty()));
        assertThat(probe.probe()).isEqualTo(new Health(200, Optional.empty(), Optional.empty()));
    }

    @Test
    void aRefusedConnectionIsServerUnavailable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        HttpHealthProbe down = new HttpHealthProbe(URI.create("http://127.0.0.1:" + port + "/health"));

        assertThatThrownBy(down::probe).isInstanceOf(ServerUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + port + "/health did not answer");
    }

    @Test
    void aServerThatDoesNotAnswerIsGivenUpOnAfterFiveSeconds() {
        server.enqueue(new MockResponse.Builder().code(200).body("{\"status\":\"UP\"}")
                .headersDelay(30, TimeUnit.SECONDS).build());

        assertTimeoutPreemptively(Duration.ofSeconds(9), () ->
                assertThatThrownBy(probe::probe).isInstanceOf(ServerUnavailableException.class));
    }
}
