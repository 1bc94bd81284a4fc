package com.seglamater.hivemind.server.updates;

import com.seglamater.hivemind.model.admin.OperatorCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent's long poll over a stand-in for the command table, on a ticker the test moves: no
 * wait here depends on the wall clock. A poll that should wake and does not fails by the
 * guard of its future, not by a measured time.
 */
@Timeout(60)
class CommandQueueTest {

    private static final Instant NOW = Instant.parse("2026-11-24T08:00:00Z");
    private static final OperatorCommand CHECK = new OperatorCommand(1, OperatorCommand.Kind.CHECK_NOW, Optional.empty(),
            "alice", NOW);
    /** Long enough that only a signal can end a wait in these tests. */
    private static final Duration NEVER = Duration.ofDays(1);

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final List<OperatorCommand> table = new CopyOnWriteArrayList<>();
    private final AtomicInteger leases = new AtomicInteger();
    private final CountDownLatch leasedOnce = new CountDownLatch(1);
    private final ExecutorService pollers = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopPollers() {
        pollers.shutdownNow();
    }

    private List<OperatorCommand> lease(Instant now, Duration lease, int maxDeliveries) {
        leases.incrementAndGet();
        leasedOnce.countDown();
        return List.copyOf(table);
    }

    private CompletableFuture<List<OperatorCommand>> poll(CommandQueue queue, Duration wait) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return queue.await(wait);
            } catch (InterruptedException e) {
                throw new CompletionException(e);
            }
        }, pollers);
    }

    @Test
    void aPollReturnsTheCommandsWaitingAtOnce() throws Exception {
        table.add(CHECK);
        CommandQueue queue = new CommandQueue(this::lease, clock, () -> 0L, NEVER);

        assertThat(poll(queue, Duration.ofSeconds(60)).get(30, TimeUnit.SECONDS)).containsExactly(CHECK);
        assertThat(leases).hasValue(1);
    }

    @Test
    void aWaitingPollIsWokenByTheSignalOfACommandQueued() throws Exception {
        // The ticker stands still and the table is not looked at again unasked: only the signal can end this wait.
        CommandQueue queue = new CommandQueue(this::lease, clock, () -> 0L, NEVER);
        CompletableFuture<List<OperatorCommand>> waiting = poll(queue, Duration.ofSeconds(60));
        assertThat(leasedOnce.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(waiting).as("nothing queued, its wait not over: it waits").isNotDone();

        table.add(CHECK);
        queue.signal();

        assertThat(waiting.get(30, TimeUnit.SECONDS)).containsExactly(CHECK);
    }

    @Test
    void aPollWithNothingQueuedReturnsAnEmptyListOnceItsWaitHasPassed() throws Exception {
        // Each look at the ticker finds the whole wait gone.
        Duration wait = Duration.ofSeconds(1);
        AtomicLong ticker = new AtomicLong();
        CommandQueue queue = new CommandQueue(this::lease, clock, () -> ticker.getAndAdd(wait.toNanos()), NEVER);

        assertThat(poll(queue, wait).get(30, TimeUnit.SECONDS)).isEmpty();
        assertThat(leases).as("the table was read once, then the wait was over").hasValue(1);
    }

    @Test
    void closingEndsAWaitingPoll() throws Exception {
        CommandQueue queue = new CommandQueue(this::lease, clock, () -> 0L, NEVER);
        CompletableFuture<List<OperatorCommand>> waiting = poll(queue, Duration.ofSeconds(60));
        assertThat(leasedOnce.await(30, TimeUnit.SECONDS)).isTrue();

        queue.close();

        assertThat(waiting.get(30, TimeUnit.SECONDS)).isEmpty();
    }
}
