package com.seglamater.hivemind.server.faults;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import com.seglamater.hivemind.server.testing.ConsoleCapture;
import com.seglamater.hivemind.server.testing.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database lost for {@link #OUTAGE} in the middle of a steady load of mixed requests (issue
 * 15, faults): {@link #THREADS} users asking {@code GET /api/v1/me} with a session cookie and
 * writing (an API token created, then revoked), and a proxy polling {@code /health}. Every
 * answer is timed and classified by when it was asked, against the moments the database went
 * and came back ({@code TestDatabase.cutOff/restore}: connections refused and the open ones
 * ended, as when PostgreSQL stops). What must hold, measured rather than trusted:
 * <ul>
 *   <li>during the outage the API answers 503 {@code database_unavailable} in JSON and
 *       {@code /health} 503 {@code DOWN}, never a 401 (a signed-in user is not signed out by it)
 *       nor a 500; {@code /health} says so within {@link #HEALTH_LAG} of the loss, also to the
 *       first check after a spell without any ({@link #QUIET} around the loss);</li>
 *   <li>no request takes longer than {@link #BOUND}, the pool's connection timeout (2 s) plus
 *       room for a busy machine: nothing hangs;</li>
 *   <li>{@link #RECOVERY} after the database is back, every kind of request succeeds again, in the
 *       same server with the same session;</li>
 *   <li>then a burst of {@link #BURST} parallel requests, several times the pool's size, all
 *       succeed in time: no connection was lost to the outage;</li>
 *   <li>no stack trace anywhere: not in the server log (the records as its one-line format writes
 *       them, and no incident, which would mean the outage was handled as a bug), and not on the
 *       process's standard output or error, where a library's {@code printStackTrace} would go.</li>
 * </ul>
 * Bounded: about 25 s and a few thousand requests, all on 127.0.0.1.
 */
class DatabaseOutageTest {

    private static final Duration BEFORE = Duration.ofSeconds(5);
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private static final Duration AFTER = Duration.ofSeconds(8);
    /** The pool's connection timeout ({@code Database.CONNECTION_TIMEOUT_MS}, 2 s) plus room for a loaded machine. */
    private static final Duration BOUND = Duration.ofMillis(2_000 + 2_000);
    /**
     * The bound on recovery, from the database's return. The pool meets it with little
     * room: HikariCP 5 retries a failing connection with a backoff that doubles up to 5 s, so the
     * first new connection comes up to 5 s after the return (measured: 0.2 to 4.2 s); a request
     * asked then waits up to 2 s for it.
     */
    private static final Duration RECOVERY = Duration.ofSeconds(5);
    /**
     * How long {@code /health} may still report the database's last state after it went:
     * a result younger than 250 ms is served, and a probe counts as DOWN after 1 s ({@code DatabaseCheck}).
     */
    private static final Duration HEALTH_LAG = Duration.ofMillis(250 + 1_000 + 250);
    private static final int THREADS = 4;
    /** A spell without health checks around the loss, longer than {@link #HEALTH_LAG}. */
    private static final Duration QUIET = Duration.ofSeconds(2);
    /** Between two requests of one thread: a steady load, not a benchmark of a shared machine. */
    private static final Duration PAUSE = Duration.ofMillis(20);
    /** How often the reverse proxy's health check polls. */
    private static final Duration PROXY_POLL = Duration.ofMillis(100);
    private static final int BURST = 40;

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.database().restore();
            server.close();
        }
    }

    enum Kind {
        HEALTH(200), ME(200), CREATE_TOKEN(201), REVOKE_TOKEN(204);

        final int success;

        Kind(int success) {
            this.success = success;
        }
    }

    /** One request: what it was, when it was asked and answered (ns since the run began), and the answer. */
    record Sample(Kind kind, long start, long end, int status, String contentType, String error, String detail) {

        boolean succeeded() {
            return status == kind.success && (kind != Kind.HEALTH || "UP".equals(detail));
        }

        /** The answer an outage owes: 503 in JSON, {@code database_unavailable} from the API, DOWN from /health. */
        boolean unavailable() {
            return status == 503 && contentType.startsWith("application/json")
                    && (kind == Kind.HEALTH ? "DOWN".equals(detail) : "database_unavailable".equals(error));
        }

        Duration took() {
            return Duration.ofNanos(end - start);
        }

        @Override
        public String toString() {
            return kind + " at " + start / 1_000_000 + " ms took " + took().toMillis() + " ms: " + status + " "
                    + contentType + " " + error + " " + detail;
        }
    }

    /** Times requests against one origin and keeps what they answered; shared by the threads of a run. */
    private record Recorder(long origin, List<Sample> samples) {

        Recorder() {
            this(System.nanoTime(), Collections.synchronizedList(new ArrayList<>()));
        }

        long now() {
            return System.nanoTime() - origin;
        }

        Sample measure(Kind kind, Supplier<ApiClient.Response> request) {
            long start = now();
            Sample sample;
            try {
                ApiClient.Response response = request.get();
                long end = now();
                String detail = switch (kind) {
                    case HEALTH -> response.json() == null ? null : response.json().path("status").asText();
                    case CREATE_TOKEN -> response.json() == null ? null : response.json().at("/info/id").asText();
                    default -> null;
                };
                sample = new Sample(kind, start, end, response.status(),
                        response.headers().firstValue("Content-Type").orElse(""), response.error(), detail);
            } catch (RuntimeException e) {
                // No answer at all (a timeout, a reset connection): a failure of its own kind.
                sample = new Sample(kind, start, now(), -1, "", null, e.toString());
            }
            samples.add(sample);
            return sample;
        }
    }

    /** A client thread of the load, stopped by {@link #stop}. */
    private abstract static class Client implements Runnable {
        final Recorder recorder;
        volatile boolean stop;

        Client(Recorder recorder) {
            this.recorder = recorder;
        }

        void pause(Duration pause) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                stop = true;
            }
        }
    }

    /** A signed-in user: {@code /me}, and API tokens created and revoked in turn. */
    private static final class User extends Client {
        private final ApiClient browser;
        /** Tokens created and not yet revoked (a revocation refused by the outage is tried again). */
        private final Deque<Long> unrevoked = new ArrayDeque<>();

        User(Recorder recorder, ApiClient browser) {
            super(recorder);
            this.browser = browser;
            // A token in hand from the start, so a revocation is due whenever the outage begins.
            ApiClient.Response created = browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"first\"}");
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            unrevoked.add(created.json().at("/info/id").asLong());
        }

        @Override
        public void run() {
            for (int i = 0; !stop; i++) {
                recorder.measure(Kind.ME, () -> browser.get("/api/v1/me"));
                // Creations and revocations alternate, whatever the last one's fate: both are tried in the outage.
                if (i % 2 == 0 || unrevoked.isEmpty()) {
                    String body = "{\"name\":\"load " + i + "\"}";
                    Sample created = recorder.measure(Kind.CREATE_TOKEN,
                            () -> browser.postWithCsrf("/api/v1/tokens", body));
                    if (created.succeeded()) {
                        unrevoked.add(Long.parseLong(created.detail()));
                    }
                } else {
                    long id = unrevoked.peek();
                    if (recorder.measure(Kind.REVOKE_TOKEN, () -> browser.deleteWithCsrf("/api/v1/tokens/" + id))
                            .succeeded()) {
                        unrevoked.remove();
                    }
                }
                pause(PAUSE);
            }
        }
    }

    /** The reverse proxy's health check: {@code /health} every {@link #PROXY_POLL}, except while {@link #quiet}. */
    private static final class Proxy extends Client {
        private final ApiClient client;
        volatile boolean quiet;

        Proxy(Recorder recorder, ApiClient client) {
            super(recorder);
            this.client = client;
        }

        @Override
        public void run() {
            while (!stop) {
                if (!quiet) {
                    recorder.measure(Kind.HEALTH, () -> client.get("/health"));
                }
                pause(PROXY_POLL);
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anOutageUnderLoadIs503InJsonWithoutHangsOrStackTracesAndHealsItselfWithinFiveSeconds() throws Exception {
        List<ApiClient> browsers = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            server.createUser("outage" + i, "user");
            browsers.add(server.signIn("outage" + i));
        }
        Recorder recorder = new Recorder();
        long cutAt;
        long cutStarted;
        long restoredAt;
        long stoppedAt;
        Sample afterQuietSpell;
        List<String> logLines;
        String printed;
        try (LogCapture log = LogCapture.start(); ConsoleCapture console = ConsoleCapture.start()) {
            List<Client> clients = new ArrayList<>();
            for (ApiClient browser : browsers) {
                clients.add(new User(recorder, browser));
            }
            Proxy proxy = new Proxy(recorder, server.client());
            clients.add(proxy);
            ExecutorService threads = Executors.newFixedThreadPool(clients.size());
            try {
                List<Future<?>> running = clients.stream().<Future<?>>map(threads::submit).toList();
                Thread.sleep(BEFORE.minus(QUIET));
                // Health checks are often seldom (a load balancer every 10 s): the first after the loss
                // must tell, not repeat what the last one before it heard.
                proxy.quiet = true;
                Thread.sleep(QUIET);
                ApiClient checker = server.client();
                recorder.measure(Kind.HEALTH, () -> checker.get("/health"));
                cutStarted = recorder.now();
                server.database().cutOff();
                cutAt = recorder.now();
                Thread.sleep(QUIET);
                afterQuietSpell = recorder.measure(Kind.HEALTH, () -> checker.get("/health"));
                proxy.quiet = false;
                Thread.sleep(OUTAGE.minus(QUIET));
                restoredAt = recorder.now();
                server.database().restore();
                Thread.sleep(AFTER);
                clients.forEach(client -> client.stop = true);
                for (Future<?> client : running) {
                    client.get(30, TimeUnit.SECONDS);
                }
                stoppedAt = recorder.now();
            } finally {
                threads.shutdownNow();
            }
            logLines = log.lines();
            printed = console.text();
            assertThat(log.atLeast(Level.SEVERE)).as("no incident: the outage is not a bug").isEmpty();
        }

        List<Sample> samples = new ArrayList<>(recorder.samples());
        samples.sort(Comparator.comparingLong(Sample::start));
        report(samples, cutAt, restoredAt, stoppedAt, logLines);

        // Nothing hangs: every answer came, in time, and was either a success or the outage's own.
        assertThat(samples.stream().filter(s -> s.took().compareTo(BOUND) > 0).toList())
                .as("requests that took longer than " + BOUND.toMillis() + " ms").isEmpty();
        assertThat(samples.stream().filter(s -> !s.succeeded() && !s.unavailable()).toList())
                .as("answers neither a success nor the outage's 503 (a 401: signed out by it; a 500; none)").isEmpty();

        // Before the cut, everything works (so what follows measures the outage, not a broken setup).
        // Before the cut: requests that were over before it began (one running while the cut
        // takes effect may meet it, and is judged by nothing here).
        long cutBegan = cutStarted;
        assertThat(samples.stream().filter(s -> s.end() < cutBegan && !s.succeeded()).toList())
                .as("failures before the cut").isEmpty();

        assertThat(afterQuietSpell.unavailable()).as("the first health check " + QUIET.toMillis()
                + " ms after the loss, the one before it " + QUIET.toMillis() + " ms earlier: " + afterQuietSpell).isTrue();

        // During it: 503 in JSON from every kind of request asked after the cut and answered before the return.
        long healthDown = cutAt + HEALTH_LAG.toNanos();
        for (Kind kind : Kind.values()) {
            List<Sample> during = between(samples, kind == Kind.HEALTH ? healthDown : cutAt, restoredAt).stream()
                    .filter(s -> s.kind() == kind).toList();
            assertThat(during).as(kind + " during the outage").isNotEmpty();
            assertThat(during.stream().filter(s -> !s.unavailable()).toList())
                    .as(kind + " during the outage, not a 503 of the outage").isEmpty();
        }

        // Back without a restart: from RECOVERY after the return on, every kind of request succeeds.
        long healed = restoredAt + RECOVERY.toNanos();
        for (Kind kind : Kind.values()) {
            List<Sample> after = between(samples, healed, stoppedAt).stream().filter(s -> s.kind() == kind).toList();
            assertThat(after).as(kind + " from " + RECOVERY.toSeconds() + " s after the return").isNotEmpty();
            assertThat(after.stream().filter(s -> !s.succeeded()).toList())
                    .as(kind + " failures from " + RECOVERY.toSeconds() + " s after the return").isEmpty();
        }

        // No connection lost to the outage: many parallel requests, all served in time.
        assertBurstSucceeds(browsers);

        // No stack trace anywhere: each log record is one line, and nothing printed a trace.
        assertThat(logLines).as("server log").allSatisfy(line -> {
            assertThat(line.strip()).doesNotContain("\n", "\r");
            assertThat(line).doesNotContain("\tat ", "stack trace");
        });
        assertThat(printed).as("standard output and error").doesNotContain("\tat ", "Exception in thread");
    }

    /** Samples asked at or after {@code from} and answered before {@code to}. */
    private static List<Sample> between(List<Sample> samples, long from, long to) {
        return samples.stream().filter(s -> s.start() >= from && s.end() < to).toList();
    }

    private static void assertBurstSucceeds(List<ApiClient> browsers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(BURST);
        try {
            List<Future<Sample>> answers = new ArrayList<>();
            long origin = System.nanoTime();
            for (int i = 0; i < BURST; i++) {
                String cookie = "hivemind_session=" + browsers.get(i % browsers.size()).cookie("hivemind_session");
                String path = i % 2 == 0 ? "/api/v1/me" : "/api/v1/sessions";
                answers.add(pool.submit(() -> {
                    long start = System.nanoTime() - origin;
                    ApiClient.Response response = server.client().get(path, "Cookie", cookie);
                    return new Sample(Kind.ME, start, System.nanoTime() - origin, response.status(),
                            response.headers().firstValue("Content-Type").orElse(""), response.error(), path);
                }));
            }
            for (Future<Sample> answer : answers) {
                Sample sample = answer.get(30, TimeUnit.SECONDS);
                assertThat(sample.status()).as("burst: " + sample).isEqualTo(200);
                assertThat(sample.took()).as("burst: " + sample).isLessThanOrEqualTo(BOUND);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** What was measured, for the test's output: counts, the slowest answers, how long recovery took. */
    private static void report(List<Sample> samples, long cutAt, long restoredAt, long stoppedAt, List<String> log) {
        StringBuilder text = new StringBuilder("DatabaseOutageTest: ").append(samples.size()).append(" requests in ")
                .append(stoppedAt / 1_000_000).append(" ms; cut at ").append(cutAt / 1_000_000)
                .append(" ms, restored at ").append(restoredAt / 1_000_000).append(" ms\n");
        for (Kind kind : Kind.values()) {
            List<Sample> of = samples.stream().filter(s -> s.kind() == kind).toList();
            long slowest = of.stream().mapToLong(s -> s.took().toMillis()).max().orElse(0);
            long unavailable = of.stream().filter(Sample::unavailable).count();
            long lastFailure = of.stream().filter(s -> !s.succeeded() && s.start() >= restoredAt)
                    .mapToLong(Sample::end).max().orElse(restoredAt);
            long firstDown = of.stream().filter(s -> !s.succeeded() && s.start() >= cutAt)
                    .mapToLong(Sample::end).min().orElse(cutAt);
            long firstUp = of.stream().filter(s -> s.succeeded() && s.start() >= restoredAt)
                    .mapToLong(Sample::end).min().orElse(restoredAt);
            text.append(String.format("  %-12s %5d requests, %4d x 503, slowest %4d ms; first failure %5d ms after the "
                            + "cut; first success %5d ms, last failure %5d ms after the return%n", kind, of.size(),
                    unavailable, slowest, (firstDown - cutAt) / 1_000_000, (firstUp - restoredAt) / 1_000_000,
                    (lastFailure - restoredAt) / 1_000_000));
        }
        text.append("  log: ").append(log.size()).append(" records, ")
                .append(log.stream().filter(l -> l.contains(" WARNING ")).count()).append(" at WARNING");
        System.out.println(text);
    }
}
