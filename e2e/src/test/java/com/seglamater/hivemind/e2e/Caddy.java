package com.seglamater.hivemind.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Caddy running the shipped compose/proxy/Caddyfile in front of a stack, with only the
 * addresses changed (site on 127.0.0.1 over plain HTTP, upstream the stack's published port) and
 * the admin endpoint off, so that it binds nothing else.
 */
final class Caddy implements AutoCloseable {

    private final Process process;
    private final Path log;
    final int port;

    private Caddy(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static Caddy inFrontOf(Path repo, Path dir, int upstreamPort) throws Exception {
        String shipped = Files.readString(repo.resolve("compose/proxy/Caddyfile"));
        int port = ReleaseHost.freePort();
        String config = "{\n\tadmin off\n\tauto_https off\n}\n\n"
                + replace(replace(shipped, "hivemind.example.org {", "http://127.0.0.1:" + port + " {"),
                "reverse_proxy 127.0.0.1:8585", "reverse_proxy 127.0.0.1:" + upstreamPort);
        Files.createDirectories(dir);
        Path file = dir.resolve("Caddyfile");
        Files.writeString(file, config);
        Path log = dir.resolve("caddy.log");
        ProcessBuilder builder = new ProcessBuilder("caddy", "run", "--adapter", "caddyfile", "--config", file.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("HOME", dir.toString());
        builder.environment().put("XDG_DATA_HOME", dir.resolve("data").toString());
        builder.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        Caddy caddy = new Caddy(builder.start(), log, port);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (!accepts(port)) {
            if (!caddy.process.isAlive() || Instant.now().isAfter(deadline)) {
                caddy.close();
                throw new AssertionError("caddy did not start: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        return caddy;
    }

    private static String replace(String text, String from, String to) {
        if (!text.contains(from)) {
            throw new AssertionError("compose/proxy/Caddyfile no longer contains '" + from + "'");
        }
        return text.replace(from, to);
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Caddy's error log lines so far: each request it could not proxy (502, 503) is one. */
    List<String> errors() throws IOException {
        try (var lines = Files.lines(log)) {
            return lines.filter(l -> l.contains("\"level\":\"error\"")).toList();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
