package com.seglamater.hivemind.model.verify;

import com.seglamater.hivemind.model.release.Names;
import com.seglamater.hivemind.model.version.SemanticVersion;

import java.util.Objects;
import java.util.Optional;

/**
 * What an agent trusted last on one channel, the input to rules 5 and 6.
 *
 * @param channel          the channel this state belongs to
 * @param sequence         sequence of the last accepted statement; 0 when none was accepted yet
 * @param statementSha256  SHA-256 (hex) of the last accepted statement's bytes, if any
 * @param installedVersion the version that runs, if known
 */
public record TrustedState(String channel, long sequence, Optional<String> statementSha256,
                           Optional<SemanticVersion> installedVersion) {

    public TrustedState {
        Names.requireChannel(channel);
        if (sequence < 0) {
            throw new IllegalArgumentException("sequence cannot be negative");
        }
        Objects.requireNonNull(statementSha256, "statementSha256");
        Objects.requireNonNull(installedVersion, "installedVersion");
        if (sequence == 0 && statementSha256.isPresent()) {
            throw new IllegalArgumentException("a statement digest needs a sequence");
        }
    }

    /** Nothing accepted yet on {@code channel}. */
    public static TrustedState initial(String channel, Optional<SemanticVersion> installedVersion) {
        return new TrustedState(channel, 0, Optional.empty(), installedVersion);
    }
}
