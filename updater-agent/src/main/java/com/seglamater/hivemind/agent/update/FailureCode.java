package com.seglamater.hivemind.agent.update;

/**
 * Why a step of an update failed, or why it is being rolled back: the {@code code} of the
 * {@code apply-stopped}, {@code rollback-started}, {@code rolled-back} and {@code rollback-failed}
 * events and the table "Update failures" in docs/updating.md, by {@link #wireName()}.
 */
public enum FailureCode {

    BACKUP_FAILED("backup_failed", false),
    /**
     * The backup directory or the agent's data directory has no room: the update stopped before
     * any change. Like {@link #STATE_ERROR}, it says more about the host than the release.
     */
    NO_SPACE("no_space", true),
    /** A registry outage says more about the registry than the release: retried after a while. */
    PULL_FAILED("pull_failed", true),
    RECREATE_FAILED("recreate_failed", false),
    HEALTH_TIMEOUT("health_timeout", false),
    UNHEALTHY("unhealthy", false),
    VERSION_NOT_REPORTED("version_not_reported", false),
    HANDOFF_FAILED("handoff_failed", false),
    RESTORE_FAILED("restore_failed", false),
    /** The agent's own files (a full disk, say) say more about the host than the release: retried after a while. */
    STATE_ERROR("state_error", true),
    /** The agent stopped mid-update; found at its next start. */
    INTERRUPTED("interrupted", false),
    /** A rollback taken up again (by an operator, or by the one-off): its cause is in the journal's reason. */
    ROLLED_BACK("rolled_back", false);

    private final String wireName;
    private final boolean retryable;

    FailureCode(String wireName, boolean retryable) {
        this.wireName = wireName;
        this.retryable = retryable;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * Whether a release that failed this way is tried again after {@link Rollback#RETRY_AFTER}
     * rather than only once the channel publishes another release.
     */
    public boolean retryable() {
        return retryable;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
