package com.seglamater.hivemind.model.admin;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An operator's request, queued in the server for the agent to pick up
 * ({@code GET /admin/v1/commands}).
 *
 * @param id          server-assigned identifier, echoed in the {@link CommandResult}
 * @param kind        what to do
 * @param version     for {@code APPROVE}, the release approved (so that an approval cannot
 *                    apply a different release that arrived in between); optional for
 *                    {@code APPLY}; absent otherwise
 * @param requestedBy the user who asked
 * @param requestedAt when
 */
public record OperatorCommand(long id, Kind kind, Optional<String> version, String requestedBy, Instant requestedAt) {

    /** The commands an operator can queue from the UI or the API. */
    public enum Kind { CHECK_NOW, APPLY, APPROVE, ROLLBACK }

    public OperatorCommand {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(requestedBy, "requestedBy");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }
}
