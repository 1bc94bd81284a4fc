package com.seglamater.hivemind.agent.server;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The background delivery of an {@link Outbox} ({@link Outbox#startDelivery()}): a daemon thread
 * that delivers as soon as a report is made and, while the server does not answer, retries after
 * {@link #FIRST_RETRY}, doubling up to {@link #MAX_RETRY}. With nothing to send it sleeps until a
 * report wakes it, or {@link #IDLE}. Close it to stop (what is left stays on disk for the next
 * start).
 */
public final class OutboxDelivery implements AutoCloseable {

    public static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    public static final Duration MAX_RETRY = Duration.ofSeconds(30);
    static final Duration IDLE = Duration.ofMinutes(1);
    /** A call in progress is bounded by the link's own timeouts; this is how long close waits for it. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(20);
    private static final Logger LOG = Logger.getLogger(OutboxDelivery.class.getName());

    /**
     * How the loop waits between attempts: until a report wakes it or {@code wait} passes. Tests
     * pass one that records the waits instead of spending them.
     */
    @FunctionalInterface
    interface Pause {

        Pause REAL = (wake, wait) -> wake.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);

        /**
         * @param wake released by each report
         * @return whether a report woke it (its permit taken)
         */
        boolean await(Semaphore wake, Duration wait) throws InterruptedException;
    }

    private final Outbox outbox;
    private final Duration firstRetry;
    private final Duration maxRetry;
    private final Pause pause;
    private final Thread thread;
    private volatile boolean running = true;

    OutboxDelivery(Outbox outbox, Duration firstRetry, Duration maxRetry, Pause pause) {
        this.outbox = outbox;
        this.firstRetry = firstRetry;
        this.maxRetry = maxRetry;
        this.pause = pause;
        this.thread = Thread.ofPlatform().name("hivemind-outbox").daemon().start(this::run);
    }

    /** Delivers now rather than at the next retry (reports made through the outbox do this themselves). */
    public void wake() {
        outbox.signal();
    }

    private void run() {
        Duration backoff = null;
        while (running) {
            Duration wait;
            try {
                if (outbox.attempt().failed()) {
                    backoff = backoff == null ? firstRetry : min(backoff.multipliedBy(2), maxRetry);
                    wait = backoff;
                } else {
                    backoff = null;
                    wait = IDLE;
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "report delivery failed unexpectedly", e);
                wait = maxRetry;
            }
            // An HTTP client may swallow the interrupt of close(); the flag does not get lost.
            if (!running) {
                return;
            }
            try {
                outbox.awaitReport(pause, wait);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Whether the loop's thread still runs: once it has ended, nothing is sent but by {@link Outbox#deliver()}. */
    boolean alive() {
        return thread.isAlive();
    }

    /** Stops the loop, interrupting a call in progress, and waits (bounded) for the thread to end. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        outbox.signal();
        try {
            thread.join(CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
