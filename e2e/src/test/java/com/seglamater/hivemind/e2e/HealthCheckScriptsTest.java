package com.seglamater.hivemind.e2e;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The images' health-check scripts (compose/images/bin), run as Docker runs them, against stand-ins. */
class HealthCheckScriptsTest {

    private static final Path BIN = Path.of("..", "compose", "images", "bin").toAbsolutePath().normalize();

    private static int run(Path dir, String script, Map<String, String> env) {
        return Shell.in(dir).withEnv(env).run(Duration.ofSeconds(20), BIN.resolve(script).toString()).exit();
    }

    @Test
    void theServerIsHealthyOnlyWhileHealthAnswers200(@TempDir Path dir) throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
        Map<String, String> env = Map.of("HIVEMIND_BIND", "0.0.0.0:" + server.getAddress().getPort());
        try {
            assertThat(run(dir, "hivemind-server-healthcheck", env)).isZero();
            status.set(503); // draining, or the database gone
            assertThat(run(dir, "hivemind-server-healthcheck", env)).isEqualTo(1);
        } finally {
            server.stop(0);
        }
        assertThat(run(dir, "hivemind-server-healthcheck", env)).as("nothing listens").isEqualTo(1);
    }

    @Test
    void theUpdaterIsHealthyOnlyWithItsOwnFreshHeartbeatAndItsControlSocket(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("HIVEMIND_DATA_DIR", dir.toString(), "HOSTNAME", "3f2a9c1b7d10");
        Path beat = dir.resolve("daemon.alive");
        Files.writeString(beat, "3f2a9c1b7d10\n");
        assertThat(run(dir, "hivemind-updater-healthcheck", env)).as("no control socket").isEqualTo(1);
        try (ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(dir.resolve("control.sock")));
            assertThat(run(dir, "hivemind-updater-healthcheck", env)).isZero();
            // A beat a killed predecessor left in the shared data directory names another container.
            Files.writeString(beat, "0123456789ab\n");
            assertThat(run(dir, "hivemind-updater-healthcheck", env)).isEqualTo(1);
            Files.writeString(beat, "3f2a9c1b7d10\n");
            Files.setLastModifiedTime(beat, FileTime.from(Instant.now().minusSeconds(90)));
            assertThat(run(dir, "hivemind-updater-healthcheck", env)).as("a stale beat").isEqualTo(1);
            Files.delete(beat);
            assertThat(run(dir, "hivemind-updater-healthcheck", env)).as("no beat").isEqualTo(1);
        }
    }
}
