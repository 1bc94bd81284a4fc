package com.seglamater.hivemind.model.admin;

import java.util.List;

/**
 * {@code GET /admin/v1/commands?waitSeconds=N}: the commands handed to the agent, oldest
 * first; empty when none arrived within the wait. Each is leased to the agent, and handed
 * out again if no {@link CommandResult} arrives within the lease.
 */
public record PendingCommands(List<OperatorCommand> commands) {

    public PendingCommands {
        commands = List.copyOf(commands);
    }
}
