package com.seglamater.hivemind.agent.ops;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What one poll of the channel found: {@code lastCheck.result} in {@code state.json} and
 * {@code status --json}, and {@code AgentStatus.lastCheckResult} on the admin socket, by its
 * {@link #wireName()}.
 */
public enum CheckOutcome {

    /** The stack runs the channel's current release. */
    UP_TO_DATE("up_to_date", OperationCode.UP_TO_DATE),
    /** A verified release other than the one installed. */
    UPDATE_AVAILABLE("update_available", OperationCode.UPDATE_AVAILABLE),
    /** The channel serves no statement. */
    NO_RELEASE("no_release", OperationCode.NO_RELEASE),
    /** The release host could not be reached. */
    UNREACHABLE("unreachable", OperationCode.UNREACHABLE),
    /** The statement was refused by the verifier. */
    REJECTED("rejected", OperationCode.REJECTED);

    private final String wireName;
    private final OperationCode operationCode;

    CheckOutcome(String wireName, OperationCode operationCode) {
        this.wireName = wireName;
        this.operationCode = operationCode;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The same outcome as a check operation's result code. */
    public OperationCode operationCode() {
        return operationCode;
    }

    /** Whether the check did what it is for (check --json's success): an outage or a refusal fails it. */
    public boolean success() {
        return this != UNREACHABLE && this != REJECTED;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
