package com.seglamater.hivemind.server.admin;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Draining state and the main listener's in-flight count. While draining, {@code /health}
 * answers 503 so that proxies stop sending traffic; the server keeps serving what still
 * arrives. The count leaves out {@code /health}: proxies poll it all through a drain, and
 * counting those polls would keep "idle" from ever holding. Requests on the admin socket
 * are not counted either (the drain call itself runs there).
 *
 * <p>A drain lasts at least its notice ({@code HIVEMIND_DRAIN_NOTICE}, 750 ms unless set),
 * however idle the server: a proxy that checks {@code /health} (the shipped Caddyfiles every
 * 250 ms) must see the 503 and hold new requests before the restart closes the listener. Caddy
 * retries a read that then fails, but not a write whose body it has already sent
 * (docs/operators.md, "During restarts").
 */
public final class Drain {

    private static final String HEALTH = "/health";
    private static final Duration POLL = Duration.ofMillis(10);

    private final AtomicInteger inFlight = new AtomicInteger();
    private final Duration notice;
    private volatile boolean draining;
    /** {@link System#nanoTime()} when /health began answering 503 (the first of repeated drain calls). */
    private volatile long drainingSince;

    /** @param notice how long a drain keeps /health at 503 at least; zero: no longer than the requests in flight */
    public Drain(Duration notice) {
        this.notice = notice;
    }

    Duration notice() {
        return notice;
    }

    /** For the main routing: counts each request while its handler runs. */
    public Filter counter() {
        return this::count;
    }

    private void count(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (HEALTH.equals(req.path().path())) {
            chain.proceed();
            return;
        }
        inFlight.incrementAndGet();
        try {
            chain.proceed();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    public boolean draining() {
        return draining;
    }

    public int inFlight() {
        return inFlight.get();
    }

    synchronized void start() {
        if (!draining) {
            drainingSince = System.nanoTime();
            draining = true;
        }
    }

    synchronized void stop() {
        draining = false;
    }

    /**
     * Waits until no request is in flight and the notice since the drain began has passed, or until
     * {@code bound} has passed (which also cuts the notice short); true when idle.
     */
    boolean awaitIdle(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        long noticed = drainingSince + notice.toNanos();
        while (inFlight.get() > 0 || System.nanoTime() - noticed < 0) {
            if (System.nanoTime() - deadline >= 0) {
                return inFlight.get() == 0;
            }
            Thread.sleep(POLL);
        }
        return true;
    }
}
