package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.ratelimit.Decision;
import com.seglamater.hivemind.server.ratelimit.RateLimiter;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.RequestInfo;

import java.util.logging.Logger;

/** Applies a limiter to a request: a 429 with Retry-After when it is used up, audited at the first refusal. */
final class RateLimitGuard {

    private static final Logger LOG = Logger.getLogger(RateLimitGuard.class.getName());

    private RateLimitGuard() {
    }

    static void enforce(RateLimiter limiter, String key, RequestInfo info, AuditLog audit, String which) {
        if (limiter.tryAcquire(key) instanceof Decision.Limited limited) {
            refuse(limited, info, audit, which, key);
        }
    }

    private static void refuse(Decision.Limited limited, RequestInfo info, AuditLog audit, String which, String key) {
        if (limited.firstTrip()) {
            // One entry per trip, not per refused request: a flood must not flood the audit log.
            LOG.info(() -> "rate limit '" + which + "' reached by " + key + "; refusing for "
                    + limited.retryAfter().toSeconds() + " s");
            audit.record(AuditEvent.of(info, AuditEvent.ANONYMOUS, "rate_limit.tripped", AuditEvent.Outcome.DENIED)
                    .target(key).detail("limit", which).detail("retryAfterSeconds", limited.retryAfter().toSeconds()));
        }
        throw ApiException.tooManyRequests(limited.retryAfter(),
                "too many requests; try again in " + Math.max(1, limited.retryAfter().toSeconds()) + " s");
    }
}
