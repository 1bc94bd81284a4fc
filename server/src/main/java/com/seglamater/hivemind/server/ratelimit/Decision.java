package com.seglamater.hivemind.server.ratelimit;

import java.time.Duration;
import java.util.Objects;

/** What {@link RateLimiter} says about one request: go ahead, or wait. */
public sealed interface Decision {

    /** A token was available (and, for {@link RateLimiter#tryAcquire}, taken). */
    record Allowed() implements Decision {
    }

    /**
     * No token was available.
     *
     * @param retryAfter time until one token is available, rounded up to whole seconds and
     *                   at least 1 s, so a client that waits this long is not refused again
     *                   for the same reason (other requests for the key may spend it first)
     * @param firstTrip  true only for the key's first refusal since it was last allowed, so
     *                   the caller can audit or log a trip once instead of per request
     */
    record Limited(Duration retryAfter, boolean firstTrip) implements Decision {

        public Limited {
            Objects.requireNonNull(retryAfter, "retryAfter");
            if (retryAfter.compareTo(Duration.ofSeconds(1)) < 0 || retryAfter.getNano() != 0) {
                throw new IllegalArgumentException("retryAfter " + retryAfter + " is not whole seconds >= 1s");
            }
        }
    }
}
