package com.seglamater.hivemind.server.health;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Is the database answering? A probe borrows a pooled connection and runs {@code SELECT 1}.
 * {@code /health} is anonymous and polled by proxies, orchestrators and anyone else, so a
 * request never turns into database work by itself: a result younger than {@link #FRESH} is
 * served as it is, and an older one starts one probe on {@code probes} (never two at once),
 * however many requests ask. The database is asked at most about four times a second.
 * <p>
 * A lost database shows quickly all the same: a probe without an answer after
 * {@link #TIMEOUT} counts as DOWN for every caller (the pool's own connection timeout, 2 s,
 * would be too slow for a load balancer), so {@code /health} turns 503 at most
 * {@code FRESH + TIMEOUT} after the loss, however seldom it is polled; the first request after
 * start, and the first after a quiet spell longer than {@code FRESH + TIMEOUT}, waits for its
 * probe up to {@code TIMEOUT}.
 */
public final class DatabaseCheck {

    /** A result this young is served without asking the database. */
    static final Duration FRESH = Duration.ofMillis(250);
    /** A probe still without an answer after this long counts as DOWN. */
    static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final DataSource dataSource;
    private final Executor probes;
    private final LongSupplier nanoTime;
    private final AtomicReference<Result> last = new AtomicReference<>();
    private final AtomicReference<Probe> running = new AtomicReference<>();

    /** A probe's outcome and when it began. */
    private record Result(Health.Check check, long startedAt) {
    }

    /** A probe under way and when it began. */
    private record Probe(CompletableFuture<Result> result, long startedAt) {
    }

    public DatabaseCheck(DataSource dataSource) {
        this(dataSource, DatabaseCheck::probeThread, System::nanoTime);
    }

    DatabaseCheck(DataSource dataSource, Executor probes, LongSupplier nanoTime) {
        this.dataSource = dataSource;
        this.probes = probes;
        this.nanoTime = nanoTime;
    }

    private static void probeThread(Runnable probe) {
        Thread thread = new Thread(probe, "hivemind-health-probe");
        thread.setDaemon(true);
        thread.start();
    }

    public Health.Check check() {
        long now = nanoTime.getAsLong();
        Result known = last.get();
        if (known != null && now - known.startedAt() < FRESH.toNanos()) {
            return known.check();
        }
        Probe probe = running.get();
        if (probe == null) {
            Probe started = new Probe(new CompletableFuture<>(), now);
            if (running.compareAndSet(null, started)) {
                probe = started;
                probes.execute(() -> finish(started));
            } else {
                probe = running.get();
            }
        }
        if (probe == null) {
            // Finished between the two reads: its result is the freshest there is.
            return last.get().check();
        }
        long waited = now - probe.startedAt();
        if (waited >= TIMEOUT.toNanos()) {
            return timedOut();
        }
        if (known != null && now - known.startedAt() < FRESH.plus(TIMEOUT).toNanos()) {
            // Younger than FRESH + TIMEOUT: served while the probe runs, without waiting for it. An
            // older one (the first call after a quiet spell) is not: it may say UP of a database
            // lost since, however long ago, so that call waits for its probe like the first one.
            return known.check();
        }
        try {
            return probe.result().get(TIMEOUT.toNanos() - waited, TimeUnit.NANOSECONDS).check();
        } catch (TimeoutException e) {
            return timedOut();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return timedOut();
        } catch (ExecutionException e) {
            return new Health.Check(Health.DOWN, null, null);
        }
    }

    private static Health.Check timedOut() {
        return new Health.Check(Health.DOWN, TIMEOUT.toMillis(), null);
    }

    private void finish(Probe probe) {
        Result result = new Result(probe(), probe.startedAt());
        last.set(result);
        running.set(null);
        probe.result().complete(result);
    }

    private Health.Check probe() {
        long start = nanoTime.getAsLong();
        boolean up;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.setQueryTimeout(2);
            up = s.execute("SELECT 1");
        } catch (SQLException | RuntimeException e) {
            up = false;
        }
        long latencyMs = (nanoTime.getAsLong() - start) / 1_000_000;
        return new Health.Check(up ? Health.UP : Health.DOWN, latencyMs, null);
    }
}
