package com.seglamater.hivemind.agent.state;

import java.time.Instant;
import java.util.Objects;

/**
 * A release that was rolled back. It is not applied again automatically until the channel
 * publishes a newer statement (a higher sequence); an operator can still ask for it.
 */
public record FailedRelease(String channel, long sequence, String version, String reason, Instant at) {

    public FailedRelease {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(at, "at");
    }
}
