package com.seglamater.hivemind.model.admin;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /admin/v1/update-events}: one step of the agent's work, reported to the server,
 * which stores it as update history. {@code id} is chosen by the agent so that a report
 * delivered twice (after a server restart) is stored once.
 *
 * @param id          unique per event, chosen by the agent
 * @param at          when it happened
 * @param kind        what happened, e.g. {@code check}, {@code rejected}, {@code apply-started}, {@code rolled-back}
 *                    (a string on the wire, see {@link UpdateEventKind})
 * @param fromVersion installed version before the step, if known
 * @param toVersion   version the step moves to, if any
 * @param code        stable reason code (e.g. a rejection's {@code sequence_rollback}), if any
 * @param message     text for operators
 */
public record UpdateEvent(String id, Instant at, UpdateEventKind kind, Optional<String> fromVersion,
                          Optional<String> toVersion, Optional<String> code, String message) {

    public UpdateEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(fromVersion, "fromVersion");
        Objects.requireNonNull(toVersion, "toVersion");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
