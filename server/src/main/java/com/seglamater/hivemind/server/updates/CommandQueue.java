package com.seglamater.hivemind.server.updates;

import com.seglamater.hivemind.model.admin.OperatorCommand;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The agent's long poll: {@link #await} returns the commands waiting for it at once, or waits
 * until one is queued (or a lease runs out), up to the caller's bound. A lock and condition,
 * not {@code synchronized}, so that the waiting virtual thread does not pin its carrier.
 * The database stays the source of truth; the signal only saves polling it.
 */
public final class CommandQueue {

    /** How long a handed-out command may go without a result before it is handed out again. */
    static final Duration LEASE = Duration.ofMinutes(15);
    static final int MAX_DELIVERIES = 3;
    /** Re-check the table this often while waiting, for leases that ran out. */
    static final Duration RECHECK = Duration.ofSeconds(5);

    private final Leases leases;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final Duration recheck;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private long generation;
    private boolean closed;

    public CommandQueue(UpdateStore store, Clock clock) {
        this(store::lease, clock, System::nanoTime, RECHECK);
    }

    /**
     * @param nanoTime the ticker a poll's wait is kept on ({@link System#nanoTime} but in tests)
     * @param recheck  how often a waiting poll looks at the table without a signal
     */
    CommandQueue(Leases leases, Clock clock, LongSupplier nanoTime, Duration recheck) {
        this.leases = leases;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.recheck = recheck;
    }

    /** Hands out the commands due ({@link UpdateStore#lease}). */
    @FunctionalInterface
    interface Leases {
        List<OperatorCommand> lease(Instant now, Duration lease, int maxDeliveries);
    }

    /** Called after a command was committed to the queue. */
    public void signal() {
        lock.lock();
        try {
            generation++;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public List<OperatorCommand> await(Duration wait) throws InterruptedException {
        long deadline = nanoTime.getAsLong() + wait.toNanos();
        while (true) {
            long seen;
            lock.lock();
            try {
                seen = generation;
            } finally {
                lock.unlock();
            }
            List<OperatorCommand> commands = leases.lease(clock.instant(), LEASE, MAX_DELIVERIES);
            long left = deadline - nanoTime.getAsLong();
            if (!commands.isEmpty() || left <= 0) {
                return commands;
            }
            lock.lock();
            try {
                if (generation == seen && !closed) {
                    queued.await(Math.min(left, recheck.toNanos()), TimeUnit.NANOSECONDS);
                }
                if (closed) {
                    return List.of();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Wakes every waiting poll so that shutdown does not wait for them. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
