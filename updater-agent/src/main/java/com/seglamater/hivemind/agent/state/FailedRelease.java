package com.seglamater.hivemind.agent.state;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A release that was rolled back. It is not applied again automatically until the channel
 * publishes another release (a newer statement of the same release does not count), or, for a failure that says more about the
 * host than the release (a pull from the registry, the agent's own files), until
 * {@code retryAfter}; an operator can still ask for it at any time.
 */
public record FailedRelease(String channel, long sequence, String version, Map<String, String> images,
                            String reason, Instant at, Optional<Instant> retryAfter) {

    public FailedRelease {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(version, "version");
        images = Map.copyOf(images);
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /**
     * Whether this failure still holds {@code offer} back at {@code now}: the same statement, or a
     * later one of the same release (a {@code manifest-signer refresh} re-signs it with a higher
     * sequence; it would fail again the same way).
     */
    public boolean holdsBack(String channel, ChannelTrust offer, Instant now) {
        boolean same = offer.sequence() <= sequence
                || (offer.version().equals(version) && offer.images().equals(images));
        return this.channel.equals(channel) && same && retryAfter.map(now::isBefore).orElse(true);
    }
}
