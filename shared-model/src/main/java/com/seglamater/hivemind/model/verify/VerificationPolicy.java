package com.seglamater.hivemind.model.verify;

import com.seglamater.hivemind.model.pgp.CryptoPolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How strict the statement verifier is.
 *
 * @param threshold  how many distinct trusted certificates must have signed (default 1)
 * @param clockSkew  allowance for clocks that disagree, applied to the statement's expiry and to
 *                   signatures that claim to be made in the future (default 2 minutes, at most
 *                   1 hour); key and signature expiry get none, which only makes the check stricter
 * @param crypto     accepted hashes and key strengths
 */
public record VerificationPolicy(int threshold, Duration clockSkew, CryptoPolicy crypto) {

    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofMinutes(2);
    public static final Duration MAX_CLOCK_SKEW = Duration.ofHours(1);

    public VerificationPolicy {
        if (threshold < 1) {
            throw new IllegalArgumentException("signature threshold must be at least 1, not " + threshold);
        }
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new IllegalArgumentException("clock skew must be between 0 and " + MAX_CLOCK_SKEW + ", not " + clockSkew);
        }
        Objects.requireNonNull(crypto, "crypto");
    }

    public static VerificationPolicy defaults() {
        return new VerificationPolicy(1, DEFAULT_CLOCK_SKEW, CryptoPolicy.defaults());
    }

    /**
     * Rule 4, the one place it is decided: a statement that {@code expires} at that instant is no
     * longer trusted at {@code now} (the clock-skew allowance included). The verifier refuses it;
     * an agent holding it warns that the channel is stale.
     */
    public boolean expired(Instant expires, Instant now) {
        return !now.isBefore(expires.plus(clockSkew));
    }

    public VerificationPolicy withThreshold(int threshold) {
        return new VerificationPolicy(threshold, clockSkew, crypto);
    }
}
