package com.seglamater.hivemind.agent.state;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of the last poll.
 *
 * @param at               when
 * @param result           {@code up_to_date}, {@code update_available}, {@code no_release},
 *                         {@code unreachable} or {@code rejected}
 * @param code             for {@code rejected}, the verifier's reason code (e.g. {@code sequence_rollback})
 * @param message          one line for operators
 * @param availableVersion a verified release newer than the installed one
 * @param warning          e.g. "channel stale or frozen"
 */
public record LastCheck(Instant at, String result, Optional<String> code, String message,
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
