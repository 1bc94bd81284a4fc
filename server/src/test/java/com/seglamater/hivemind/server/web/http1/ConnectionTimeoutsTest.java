package com.seglamater.hivemind.server.web.http1;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.LogCapture;
import com.seglamater.hivemind.server.testing.RawConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections that keep the server waiting are closed once their bound has passed, on both
 * listeners: one that sends nothing or half a head (slowloris), a stalled body, and a kept-alive
 * connection left idle. The server here has short bounds ({@link #TIMEOUTS}); the real ones are
 * {@link Http1Timeouts#DEFAULT}.
 */
class ConnectionTimeoutsTest {

    private static final Http1Timeouts TIMEOUTS =
            new Http1Timeouts(Duration.ofMillis(1000), Duration.ofMillis(2500), Duration.ofMillis(1000));
    /** How late a close may come: the timer's and the scheduler's slack on a busy 2-core machine. */
    private static final Duration SLACK = Duration.ofMillis(1500);
    private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TIMEOUTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static List<Integer> bothListeners() {
        return List.of(server.port(), server.adminPort());
    }

    private static void closedAfter(RawConnection connection, Duration bound) throws IOException {
        Duration took = connection.awaitClose(bound.plus(SLACK));
        assertThat(took).as("closed too early").isGreaterThanOrEqualTo(bound.minusMillis(150));
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAtTheHeadBound() throws Exception {
        try (LogCapture logs = LogCapture.start()) {
            for (int port : bothListeners()) {
                try (RawConnection connection = RawConnection.open(port)) {
                    closedAfter(connection, TIMEOUTS.head());
                }
            }
            assertThat(logs.atLeast(Level.WARNING)).isEmpty();
        }
    }

    @Test
    void halfAHeadIsClosedAtTheHeadBound() throws Exception {
        for (int port : bothListeners()) {
            for (String half : List.of("GET /health HT", "GET /health HTTP/1.1\r\nHost: local")) {
                try (RawConnection connection = RawConnection.open(port)) {
                    connection.send(half);
                    closedAfter(connection, TIMEOUTS.head());
                }
            }
        }
    }

    @Test
    void aHeadTrickledByteByByteIsClosedAtTheHeadBoundNotKeptAliveByEachByte() throws Exception {
        String head = "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "s".repeat(100) + "\r\n\r\n";
        try (RawConnection connection = RawConnection.open(server.port())) {
            long start = System.nanoTime();
            boolean closed = false;
            for (int i = 0; i < head.length() && !closed; i++) {
                try {
                    connection.send(head.substring(i, i + 1));
                } catch (IOException e) {
                    closed = true; // the server closed: writing fails sooner or later
                }
                closed = closed || !connection.openAfter(Duration.ofMillis(200));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(closed).as("closed while still trickling").isTrue();
            assertThat(took).isBetween(TIMEOUTS.head().minusMillis(150), TIMEOUTS.head().plus(SLACK));
        }
    }

    @Test
    void aStalledBodyIsClosedAtTheBodyBound() throws Exception {
        try (RawConnection connection = RawConnection.open(server.port())) {
            connection.send("POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"username\"");
            closedAfter(connection, TIMEOUTS.bodyRead());
        }
        // The admin socket refuses a request without its token before reading the body; the server then
        // reads the body to its end to reach the next request, and that wait is bounded the same way.
        try (RawConnection connection = RawConnection.open(server.adminPort())) {
            connection.send("POST /admin/v1/nothing HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{");
            assertThat(connection.read().status()).isEqualTo(401);
            closedAfter(connection, TIMEOUTS.bodyRead());
        }
    }

    @Test
    void aBodyThatKeepsComingIsReadPastTheBodyBound() throws Exception {
        String body = TestServer.credentials("nobody_here", "not the password");
        try (RawConnection connection = RawConnection.open(server.port())) {
            connection.send("POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n");
            // Five pieces 400 ms apart: 2 s in all, each pause well inside the bound.
            int piece = body.length() / 5 + 1;
            for (int i = 0; i < body.length(); i += piece) {
                Thread.sleep(400);
                connection.send(body.substring(i, Math.min(body.length(), i + piece)));
            }
            assertThat(connection.read().status()).isEqualTo(401);
        }
    }

    @Test
    void aKeptAliveConnectionOutlivesTheHeadBoundAndClosesAtTheIdleBound() throws Exception {
        for (int port : bothListeners()) {
            try (RawConnection connection = RawConnection.open(port)) {
                connection.send(HEALTH).read();
                long answered = System.nanoTime();
                assertThat(connection.openAfter(TIMEOUTS.head().plusMillis(300))).as("open after the head bound").isTrue();
                Duration left = TIMEOUTS.idle().minus(Duration.ofNanos(System.nanoTime() - answered));
                closedAfter(connection, left);
            }
        }
    }

    @Test
    void aNewRequestOnAKeptAliveConnectionGetsAFreshHeadBound() throws Exception {
        try (RawConnection connection = RawConnection.open(server.port())) {
            connection.send(HEALTH).read();
            Thread.sleep(TIMEOUTS.head().toMillis() + 300);
            assertThat(connection.send(HEALTH).read().status()).isEqualTo(200);
            connection.send("GET /health HT");
            closedAfter(connection, TIMEOUTS.head());
        }
    }

    @Test
    void theOperatorGuideStatesTheRealBounds() throws Exception {
        String guide = Files.readString(Path.of("..", "docs", "operators.md"));
        String table = guide.substring(guide.indexOf("### Connections"), guide.indexOf("### Admin socket"));
        Http1Timeouts real = Http1Timeouts.DEFAULT;
        assertThat(table).contains("| request head (request line and headers) | " + real.head().toSeconds() + " s from")
                .contains("| idle kept-alive connection | " + real.idle().toMinutes() + " minutes without a byte")
                .contains("| pause in a request body | " + real.bodyRead().toSeconds() + " s without")
                .contains("| request line | " + Http1Transport.MAX_REQUEST_LINE_BYTES / 1024 + " KiB |")
                .contains("| header lines | " + Http1Transport.MAX_HEADER_BYTES / 1024 + " KiB in all |")
                .contains("| request body | " + Http1Transport.MAX_BODY_BYTES / (1024 * 1024) + " MiB,");
    }
}
