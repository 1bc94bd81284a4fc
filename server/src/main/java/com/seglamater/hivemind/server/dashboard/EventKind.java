package com.seglamater.hivemind.server.dashboard;

import com.seglamater.hivemind.model.admin.UpdateEventKind;

/**
 * How the dashboard shows an update event: a label and a tone for each
 * {@link UpdateEventKind} (the kinds themselves, and which report a failure, are shared-model's).
 * A kind this server does not know yet, from a newer agent, is shown as it came.
 */
final class EventKind {

    private EventKind() {
    }

    static String label(UpdateEventKind kind) {
        return switch (kind) {
            case UpdateEventKind.Fixed fixed -> switch (fixed) {
                case CHECK -> "Checked the channel";
                case REJECTED -> "Statement refused";
                case RESTORED -> "Database restored from a backup";
                case APPLY_STARTED -> "Update started";
                case ROLLBACK_REQUESTED -> "Rollback started";
                case BACKED_UP -> "Database backed up";
                case PULLED -> "Images pulled";
                case DATABASE_RESTORED -> "Database restored";
                case HANDOFF -> "Handing over to the new updater";
                case APPLIED -> "Update applied";
                case APPLY_STOPPED -> "Update stopped before any change";
                case APPLY_INTERRUPTED -> "Update interrupted";
                case ROLLBACK_STARTED -> "Update failed, rolling back";
                case ROLLBACK_HANDOFF -> "Handing back to the previous updater";
                case ROLLED_BACK -> "Rolled back";
                case ROLLBACK_FAILED -> "Rollback failed: needs an operator";
            };
            case UpdateEventKind.Restarted restarted -> "Restarted " + restarted.service();
            case UpdateEventKind.Unknown unknown -> unknown.wireName();
        };
    }

    /** Failures are bad news; the steps of an update in progress are active; its end good. */
    static UpdatePanel.Tone tone(UpdateEventKind kind) {
        return switch (kind) {
            case UpdateEventKind.Fixed fixed -> switch (fixed) {
                case CHECK -> UpdatePanel.Tone.NEUTRAL;
                case APPLIED, RESTORED -> UpdatePanel.Tone.GOOD;
                case APPLY_STARTED, ROLLBACK_REQUESTED, BACKED_UP, PULLED, DATABASE_RESTORED, HANDOFF,
                     ROLLBACK_HANDOFF -> UpdatePanel.Tone.ACTIVE;
                case REJECTED, APPLY_STOPPED, APPLY_INTERRUPTED, ROLLBACK_STARTED, ROLLED_BACK, ROLLBACK_FAILED ->
                        UpdatePanel.Tone.BAD;
            };
            case UpdateEventKind.Restarted restarted -> UpdatePanel.Tone.ACTIVE;
            case UpdateEventKind.Unknown unknown -> UpdatePanel.Tone.NEUTRAL;
        };
    }
}
