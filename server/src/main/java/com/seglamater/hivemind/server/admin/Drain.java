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
 */
public final class Drain {

    private static final String HEALTH = "/health";
    private static final Duration POLL = Duration.ofMillis(10);

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

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

    void start() {
        draining = true;
    }

    void stop() {
        draining = false;
    }

    /** Waits until no request is in flight or {@code bound} has passed; true when idle. */
    boolean awaitIdle(Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (inFlight.get() > 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(POLL);
        }
        return true;
    }
}
