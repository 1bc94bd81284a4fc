package com.seglamater.hivemind.server;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.db.EmbeddedDatabase;
import com.seglamater.hivemind.server.testing.Http;
import com.seglamater.hivemind.server.testing.TestDatabase;
import io.helidon.webserver.http.HttpRouting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A start that fails gives back what it opened and changes nothing a running server shares:
 * in particular not the admin token file, or that server's agent would get 401 until a restart.
 */
class StartUpFailureTest {

    @TempDir
    Path dir;

    @Test
    void aSecondStartOnTheRunningServersPortNamesHivemindBindAndLeavesItsTokenFile() throws Exception {
        try (TestServer running = TestServer.start()) {
            String token = running.adminToken();
            Map<String, String> env = sameAs(running);
            env.put("HIVEMIND_BIND", "127.0.0.1:" + running.port());

            assertThatThrownBy(() -> HivemindServer.start(ServerConfig.from(env), "9.9.9-test"))
                    .isInstanceOfSatisfying(CannotListenException.class, e -> {
                        assertThat(e.listeners()).extracting(CannotListenException.Listener::variable)
                                .containsExactly("HIVEMIND_BIND");
                        assertThat(e).hasMessage("cannot listen on 127.0.0.1:" + running.port()
                                + " (HIVEMIND_BIND): address already in use");
                    });
            assertThat(running.adminToken()).isEqualTo(token);
            assertAgentStillServed(running.adminPort(), token);
        }
    }

    @Test
    void aSecondStartOnTheRunningServersAdminPortNamesHivemindAdminBindAndLeavesItsTokenFile() throws Exception {
        try (TestServer running = TestServer.start()) {
            String token = running.adminToken();
            Map<String, String> env = sameAs(running);
            env.put("HIVEMIND_ADMIN_BIND", "127.0.0.1:" + running.adminPort());

            assertThatThrownBy(() -> HivemindServer.start(ServerConfig.from(env), "9.9.9-test"))
                    .isInstanceOfSatisfying(CannotListenException.class, e -> assertThat(e).hasMessage(
                            "cannot listen on 127.0.0.1:" + running.adminPort()
                                    + " (HIVEMIND_ADMIN_BIND): address already in use"));
            assertThat(running.adminToken()).isEqualTo(token);
            assertAgentStillServed(running.adminPort(), token);
        }
    }

    @Test
    void aSecondStartOnTheRunningServersEmbeddedDatabaseFailsAndLeavesItsTokenFile() throws Exception {
        Map<String, String> env = embedded();
        try (HivemindServer running = HivemindServer.start(ServerConfig.from(env), "9.9.9-test")) {
            String token = Files.readString(tokenFile());

            assertThatThrownBy(() -> HivemindServer.start(ServerConfig.from(env), "9.9.9-test"))
                    .isInstanceOf(EmbeddedDatabase.InUseException.class);
            assertThat(Files.readString(tokenFile())).isEqualTo(token);
            assertAgentStillServed(running.adminPort(), token);
        }
    }

    @Test
    void aStartThatCannotListenWritesNoTokenAndReleasesItsEmbeddedDatabase() throws Exception {
        Map<String, String> env = embedded();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> onTakenPort = new HashMap<>(env);
            onTakenPort.put("HIVEMIND_BIND", "127.0.0.1:" + taken.getLocalPort());
            assertThatThrownBy(() -> HivemindServer.start(ServerConfig.from(onTakenPort), "9.9.9-test"))
                    .isInstanceOf(CannotListenException.class);
        }
        assertThat(tokenFile()).doesNotExist();
        // The lock and the PostgreSQL it started are gone, or this start would find them in use.
        try (HivemindServer next = HivemindServer.start(ServerConfig.from(env), "9.9.9-test")) {
            assertThat(Http.get(next.port(), "/health").status()).isEqualTo(200);
        }
    }

    @Test
    void aTokenFileThatCannotBeWrittenOnceListeningStopsTheServerWithAConfigurationError() throws Exception {
        int port = freePort();
        try (TestDatabase database = TestDatabase.create()) {
            Map<String, String> env = external(database);
            env.put("HIVEMIND_BIND", "127.0.0.1:" + port);
            // Runs after the early check of the directory and before the listeners start: the moment
            // a full disk or an operator's mistake could break the directory.
            Consumer<HttpRouting.Builder> breakTheDirectory = routing -> {
                try {
                    Files.delete(tokenFile().getParent());
                    Files.writeString(tokenFile().getParent(), "not a directory any more");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };

            assertThatThrownBy(() -> HivemindServer.start(ServerConfig.from(env), "9.9.9-test", Clock.systemUTC(),
                    breakTheDirectory))
                    .isInstanceOfSatisfying(ConfigException.class,
                            e -> assertThat(e.variable()).isEqualTo("HIVEMIND_ADMIN_TOKEN_FILE"));
            try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(again.isBound()).as("the stopped server let go of its port").isTrue();
            }
        }
    }

    /** A second server configured like {@code running}: same database and token file, ports of its own. */
    private static Map<String, String> sameAs(TestServer running) {
        return new HashMap<>(Map.of(
                "HIVEMIND_BIND", "127.0.0.1:0",
                "HIVEMIND_ADMIN_BIND", "127.0.0.1:0",
                "HIVEMIND_ADMIN_TOKEN_FILE", running.adminTokenFile().toString(),
                "HIVEMIND_DB_URL", running.database().jdbcUrl(),
                "HIVEMIND_DB_USER", TestDatabase.ADMIN_USER,
                // Local state (the setup link's file) in the test's directory, never the working one.
                "HIVEMIND_DATA_DIR", running.dataDir().toString()));
    }

    private Map<String, String> external(TestDatabase database) {
        return new HashMap<>(Map.of(
                "HIVEMIND_ADMIN_BIND", "127.0.0.1:0",
                "HIVEMIND_ADMIN_TOKEN_FILE", tokenFile().toString(),
                "HIVEMIND_DB_URL", database.jdbcUrl(),
                "HIVEMIND_DB_USER", TestDatabase.ADMIN_USER,
                "HIVEMIND_DATA_DIR", dir.resolve("data").toString()));
    }

    private Map<String, String> embedded() {
        return new HashMap<>(Map.of(
                "HIVEMIND_BIND", "127.0.0.1:0",
                "HIVEMIND_ADMIN_BIND", "127.0.0.1:0",
                "HIVEMIND_ADMIN_TOKEN_FILE", tokenFile().toString(),
                "HIVEMIND_DATA_DIR", dir.resolve("data").toString()));
    }

    private Path tokenFile() {
        return dir.resolve("run/admin.token");
    }

    private static void assertAgentStillServed(int adminPort, String token) throws Exception {
        Http.Response status = Http.send("GET", adminPort, "/admin/v1/status", "Authorization", "Bearer " + token);
        assertThat(status.status()).isEqualTo(200);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
