package com.seglamater.hivemind.agent.ops;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The stable outcome code of an {@link OperationResult}: what {@code --json} prints as
 * {@code code} (docs/updating.md), what the control socket carries back, and what the exit code
 * is mapped from. Its {@link #wireName()} is the JSON form.
 */
public enum OperationCode {

    // a check (CheckOutcome), or what followed it
    UP_TO_DATE("up_to_date"),
    UPDATE_AVAILABLE("update_available"),
    NO_RELEASE("no_release"),
    UNREACHABLE("unreachable"),
    REJECTED("rejected"),
    AWAITING_APPROVAL("awaiting_approval"),
    /** An approval named a release that is not the channel's current one. */
    NOT_CURRENT("not_current"),

    // an update or a rollback
    APPLIED("applied"),
    ROLLED_BACK("rolled_back"),
    /** The one-off updater replaces this one and finishes the work. */
    HANDING_OFF("handing_off"),
    /** The one-off replaced the updater service. */
    HANDED_OFF("handed_off"),
    NOTHING_TO_ROLL_BACK("nothing_to_roll_back"),
    ROLLBACK_FAILED("rollback_failed"),
    /** The update stopped before it changed anything: its backup failed. */
    BACKUP_FAILED("backup_failed"),

    // backup and restore
    BACKED_UP("backed_up"),
    RESTORED("restored"),
    /** Restored, but the server did not come back healthy. */
    RESTORED_UNHEALTHY("restored_unhealthy"),
    RESTORE_FAILED("restore_failed"),

    // any operation
    NOTHING_TO_DO("nothing_to_do"),
    /** Another operation or an update is running. */
    BUSY("busy"),
    /** The agent is stopping, or stopped mid-update; resolved at its next start. */
    INTERRUPTED("interrupted"),
    /** The agent could not read or write its own files. */
    STATE_ERROR("state_error"),
    /** A bug. */
    INTERNAL_ERROR("internal_error"),
    /** The control socket could not read the request. */
    BAD_REQUEST("bad_request");

    private final String wireName;

    OperationCode(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
