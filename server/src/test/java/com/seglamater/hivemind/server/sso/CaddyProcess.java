package com.seglamater.hivemind.server.sso;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A real Caddy ({@code caddy run}) serving one Caddyfile on 127.0.0.1, for as long as a test
 * class needs it. Its admin endpoint and automatic HTTPS are off, so it binds only the port the
 * Caddyfile names; its state and log stay in the test's directory.
 */
final class CaddyProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    /** Global options put before a site block taken from the docs. */
    static final String TEST_OPTIONS = "{\n\tadmin off\n\tauto_https off\n}\n\n";

    private final Process process;
    private final Path log;

    private CaddyProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts Caddy on {@code caddyfile} and waits until 127.0.0.1:{@code port} accepts connections. */
    static CaddyProcess start(Path caddy, Path dir, String caddyfile, int port) throws IOException, InterruptedException {
        Path file = dir.resolve("Caddyfile");
        Files.writeString(file, caddyfile);
        Path log = dir.resolve("caddy.log");
        ProcessBuilder builder = new ProcessBuilder(caddy.toString(), "run", "--adapter", "caddyfile",
                "--config", file.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(Programs.caddyEnvironment(dir));
        CaddyProcess started = new CaddyProcess(builder.start(), log);
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (!accepts(port)) {
            if (!started.process.isAlive()) {
                throw new AssertionError("caddy exited with " + started.process.exitValue() + ": " + started.log());
            }
            if (Instant.now().isAfter(deadline)) {
                started.close();
                throw new AssertionError("caddy did not listen on " + port + " within " + START_TIMEOUT + ": "
                        + started.log());
            }
            Thread.sleep(50);
        }
        return started;
    }

    /** A port nothing listens on right now (the usual small race with other processes is acceptable in tests). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
