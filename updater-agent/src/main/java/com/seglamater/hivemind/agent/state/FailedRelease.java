package com.seglamater.hivemind.agent.state;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A release that was rolled back. It is not applied again automatically until the channel
 * publishes a newer statement (a higher sequence), or, for a failure that says more about the
 * host than the release (a pull from the registry, the agent's own files), until
 * {@code retryAfter}; an operator can still ask for it at any time.
 */
public record FailedRelease(String channel, long sequence, String version, String reason, Instant at,
                            Optional<Instant> retryAfter) {

    public FailedRelease {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** Whether this failure still holds the statement {@code sequence} of {@code channel} back at {@code now}. */
    public boolean holdsBack(String channel, long sequence, Instant now) {
        return this.channel.equals(channel) && this.sequence >= sequence
                && retryAfter.map(now::isBefore).orElse(true);
    }
}
