package com.seglamater.hivemind.server.health;

import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database check on a fake clock and a probe executor the test runs by hand: however many
 * callers ask, the database is asked at most once per {@link DatabaseCheck#FRESH}; a probe
 * without an answer after {@link DatabaseCheck#TIMEOUT} is DOWN for everyone.
 */
class DatabaseCheckTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicInteger queries = new AtomicInteger();
    private volatile boolean databaseUp = true;
    private final Deque<Runnable> pending = new ArrayDeque<>();
    private final Executor byHand = pending::add;

    private DatabaseCheck check() {
        return new DatabaseCheck(dataSource(), byHand, now::get);
    }

    /** A check with an UP result: its first caller waited for the probe, which the test ran. */
    private DatabaseCheck seeded() {
        DatabaseCheck check = check();
        Thread seeder = new Thread(check::check);
        seeder.start();
        await(() -> !pending.isEmpty());
        runProbes();
        join(seeder);
        return check;
    }

    private void advance(java.time.Duration d) {
        now.addAndGet(d.toNanos());
    }

    private void runProbes() {
        while (!pending.isEmpty()) {
            pending.poll().run();
        }
    }

    @Test
    void manyCallersWithinFreshAreServedOneProbe() {
        // First call: nothing known, it waits for its probe, which this executor runs at once.
        DatabaseCheck direct = new DatabaseCheck(dataSource(), Runnable::run, now::get);
        assertThat(direct.check().status()).isEqualTo(Health.UP);
        assertThat(queries.get()).isEqualTo(1);
        for (int i = 0; i < 1_000; i++) {
            assertThat(direct.check().status()).isEqualTo(Health.UP);
        }
        assertThat(queries.get()).as("answered from the fresh result").isEqualTo(1);
        advance(DatabaseCheck.FRESH);
        direct.check();
        assertThat(queries.get()).as("a stale result starts one probe").isEqualTo(2);
    }

    @Test
    void whileAProbeRunsCallersGetTheLastResultAndNoSecondProbeStarts() {
        DatabaseCheck check = seeded();
        advance(DatabaseCheck.FRESH);
        for (int i = 0; i < 100; i++) {
            assertThat(check.check().status()).isEqualTo(Health.UP);
        }
        assertThat(pending).as("one probe for a hundred callers").hasSize(1);
        runProbes();
        assertThat(queries.get()).isEqualTo(2);
    }

    @Test
    void aProbeWithoutAnAnswerAfterTheTimeoutIsDownForEveryone() {
        DatabaseCheck check = seeded();
        advance(DatabaseCheck.FRESH);
        assertThat(check.check().status()).as("probe started, last result served").isEqualTo(Health.UP);
        // The probe hangs (never run); time passes.
        advance(DatabaseCheck.TIMEOUT);
        Health.Check down = check.check();
        assertThat(down.status()).isEqualTo(Health.DOWN);
        assertThat(down.latencyMs()).isEqualTo(DatabaseCheck.TIMEOUT.toMillis());
        assertThat(pending).as("still the one hung probe, not a pile of them").hasSize(1);
    }

    @Test
    void aFailingDatabaseIsDownAndARecoveredOneUpAgainOnTheNextProbe() {
        DatabaseCheck direct = new DatabaseCheck(dataSource(), Runnable::run, now::get);
        databaseUp = false;
        assertThat(direct.check().status()).isEqualTo(Health.DOWN);
        databaseUp = true;
        assertThat(direct.check().status()).as("still fresh").isEqualTo(Health.DOWN);
        advance(DatabaseCheck.FRESH);
        direct.check(); // starts and completes the probe; this call may see either
        assertThat(direct.check().status()).isEqualTo(Health.UP);
    }

    @Test
    void aResultFromBeforeAQuietSpellIsNotServedWhileItsSuccessorRuns() {
        // Polled seldom (a load balancer every 10 s): the UP of the last poll must not answer for a
        // database lost since. The caller waits for the probe it started instead.
        DatabaseCheck direct = new DatabaseCheck(dataSource(), Runnable::run, now::get);
        assertThat(direct.check().status()).isEqualTo(Health.UP);
        advance(java.time.Duration.ofSeconds(10));
        databaseUp = false;
        assertThat(direct.check().status()).isEqualTo(Health.DOWN);
        assertThat(queries.get()).isEqualTo(1);
    }

    @Test
    void aResultYoungerThanFreshPlusTimeoutIsStillServedWhileItsSuccessorRuns() {
        DatabaseCheck check = seeded();
        databaseUp = false;
        advance(DatabaseCheck.FRESH.plus(DatabaseCheck.TIMEOUT).minusNanos(1));
        assertThat(check.check().status()).as("served without waiting").isEqualTo(Health.UP);
        assertThat(pending).hasSize(1);
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.onSpinWait();
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertThat(thread.isAlive()).isFalse();
    }

    private DataSource dataSource() {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        if (!databaseUp) {
                            throw new SQLException("connection refused");
                        }
                        return connection();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private Connection connection() {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "createStatement" -> statement();
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private Statement statement() {
        return (Statement) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Statement.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "setQueryTimeout", "close" -> null;
                    case "execute" -> {
                        queries.incrementAndGet();
                        yield true;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
