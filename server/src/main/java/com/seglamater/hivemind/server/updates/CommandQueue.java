package com.seglamater.hivemind.server.updates;

import com.seglamater.hivemind.model.admin.OperatorCommand;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

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

    private final UpdateStore store;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private long generation;
    private boolean closed;

    public CommandQueue(UpdateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
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
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long seen;
            lock.lock();
            try {
                seen = generation;
            } finally {
                lock.unlock();
            }
            List<OperatorCommand> commands = store.lease(clock.instant(), LEASE, MAX_DELIVERIES);
            long left = deadline - System.nanoTime();
            if (!commands.isEmpty() || left <= 0) {
                return commands;
            }
            lock.lock();
            try {
                if (generation == seen && !closed) {
                    queued.await(Math.min(left, RECHECK.toNanos()), TimeUnit.NANOSECONDS);
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
