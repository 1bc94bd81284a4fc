package com.seglamater.hivemind.server.dashboard;

/**
 * The kinds of update event the agent reports ({@code UpdateEvent.kind}), as the dashboard shows
 * them. The agent names them (updater-agent {@code Updater}, {@code Agent}); a kind this server
 * does not know yet, from a newer agent, is shown as it came.
 */
enum EventKind {
    CHECK("check", "Checked the channel", UpdatePanel.Tone.NEUTRAL),
    REJECTED("rejected", "Statement refused", UpdatePanel.Tone.BAD),
    APPLY_STARTED("apply-started", "Update started", UpdatePanel.Tone.ACTIVE),
    BACKED_UP("backed-up", "Database backed up", UpdatePanel.Tone.ACTIVE),
    PULLED("pulled", "Images pulled", UpdatePanel.Tone.ACTIVE),
    RESTARTED("restarted-", "Restarted ", UpdatePanel.Tone.ACTIVE),
    HANDOFF("handoff", "Handing over to the new updater", UpdatePanel.Tone.ACTIVE),
    APPLIED("applied", "Update applied", UpdatePanel.Tone.GOOD),
    APPLY_STOPPED("apply-stopped", "Update stopped before any change", UpdatePanel.Tone.BAD),
    APPLY_INTERRUPTED("apply-interrupted", "Update interrupted", UpdatePanel.Tone.BAD),
    ROLLBACK_REQUESTED("rollback-requested", "Rollback started", UpdatePanel.Tone.ACTIVE),
    ROLLBACK_STARTED("rollback-started", "Update failed, rolling back", UpdatePanel.Tone.BAD),
    ROLLBACK_HANDOFF("rollback-handoff", "Handing back to the previous updater", UpdatePanel.Tone.ACTIVE),
    DATABASE_RESTORED("database-restored", "Database restored", UpdatePanel.Tone.ACTIVE),
    ROLLED_BACK("rolled-back", "Rolled back", UpdatePanel.Tone.BAD),
    ROLLBACK_FAILED("rollback-failed", "Rollback failed: needs an operator", UpdatePanel.Tone.BAD),
    RESTORED("restored", "Database restored from a backup", UpdatePanel.Tone.GOOD),
    OTHER("", "", UpdatePanel.Tone.NEUTRAL);

    private final String kind;
    private final String label;
    private final UpdatePanel.Tone tone;

    EventKind(String kind, String label, UpdatePanel.Tone tone) {
        this.kind = kind;
        this.label = label;
        this.tone = tone;
    }

    /** {@code restarted-SERVICE} is one kind per service. */
    static EventKind of(String kind) {
        for (EventKind known : values()) {
            if (known != OTHER && (known == RESTARTED ? kind.startsWith(known.kind) && kind.length() > known.kind.length()
                    : kind.equals(known.kind))) {
                return known;
            }
        }
        return OTHER;
    }

    /** The label of {@code kind}, which is of this kind. */
    String label(String kind) {
        return switch (this) {
            case RESTARTED -> label + kind.substring(this.kind.length());
            case OTHER -> kind;
            default -> label;
        };
    }

    UpdatePanel.Tone tone() {
        return tone;
    }
}
