package com.seglamater.hivemind.model.admin;

import java.util.Objects;

/**
 * The agent's acknowledgement of an {@link OperatorCommand}.
 *
 * @param commandId the command's id
 * @param success   whether it did what was asked
 * @param message   what happened, for the operator
 */
public record CommandResult(long commandId, boolean success, String message) {

    public CommandResult {
        Objects.requireNonNull(message, "message");
    }
}
