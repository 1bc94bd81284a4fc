package com.seglamater.hivemind.model.admin;

import java.time.Instant;
import java.util.Objects;

/**
 * An operator's request, queued in the server for the agent to pick up.
 *
 * @param id          server-assigned identifier, echoed in the {@link CommandResult}
 * @param kind        what to do
 * @param requestedBy the user who asked
 * @param requestedAt when
 */
public record OperatorCommand(long id, Kind kind, String requestedBy, Instant requestedAt) {

    /** The commands an operator can queue from the UI or the API. */
    public enum Kind { CHECK_NOW, APPLY, APPROVE, ROLLBACK }

    public OperatorCommand {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }
}
