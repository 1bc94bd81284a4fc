package com.seglamater.hivemind.model.verify;

import java.time.Duration;
import java.time.Instant;

/** Rule 4: the statement's validity ended (an indefinite-freeze or replay attempt, or a stale channel). */
public final class ExpiredStatementException extends StatementRejectedException {

    private final Instant expires;
    private final Instant now;
    private final Duration skew;

    public ExpiredStatementException(Instant expires, Instant now, Duration skew) {
        super(4, "expired", "statement expired at " + expires + " (now " + now + ", clock skew allowance " + skew + ")");
        this.expires = expires;
        this.now = now;
        this.skew = skew;
    }

    public Instant expires() {
        return expires;
    }

    public Instant now() {
        return now;
    }

    public Duration skew() {
        return skew;
    }
}
