package com.seglamater.hivemind.agent.state;

import com.seglamater.hivemind.agent.ops.CheckOutcome;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of the last poll.
 *
 * @param at               when
 * @param result           what the poll found
 * @param code             for {@code rejected}, the verifier's reason code (e.g. {@code sequence_rollback})
 * @param message          one line for operators
 * @param availableVersion a verified release newer than the installed one
 * @param warning          e.g. "channel stale or frozen"
 */
public record LastCheck(Instant at, CheckOutcome result, Optional<String> code, String message,
                        Optional<String> availableVersion, Optional<String> warning) {

    public LastCheck {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(availableVersion, "availableVersion");
        Objects.requireNonNull(warning, "warning");
    }
}
