package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.backup.BackupException;
import com.seglamater.hivemind.agent.compose.ComposeException;
import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.state.AgentState;
import com.seglamater.hivemind.agent.state.FailedRelease;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.Journal.Step;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.state.StateException;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.UpdateEventKind.Fixed;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Undoes an update that failed (docs/updating.md, "Rolling back on failure"): back to
 * {@code journal.from} with the previous pins, the previous images on every service that was
 * (or may have been) recreated, the database restored if its schema moved, health confirmed; the
 * release is then recorded as failed so the next check does not install it again. The journal
 * stays at {@code ROLLING_BACK} while it runs, so a crash resumes the rollback, and at
 * {@code ROLLBACK_FAILED} if it fails, for an operator.
 */
final class Rollback {

    /** How long a release whose update failed for a host-side reason waits before it is tried again. */
    static final Duration RETRY_AFTER = Duration.ofHours(1);

    private final UpdateContext ctx;
    private final boolean mayRecreateUpdater;

    /**
     * @param mayRecreateUpdater this process is the one-off that replaces the sidecar ({@link Handoff}),
     *                           not the sidecar itself: it may recreate the updater service
     */
    Rollback(UpdateContext ctx, boolean mayRecreateUpdater) {
        this.ctx = ctx;
        this.mayRecreateUpdater = mayRecreateUpdater;
    }

    /**
     * Back to {@code journal.from}.
     *
     * @param reason why, for operators
     * @param code   the stable reason reported with the events
     */
    OperationResult undo(Journal journal, String reason, String operation, FailureCode code)
            throws StateException, InterruptedException {
        // The journal as last saved: the step that failed may have advanced it past the caller's copy.
        String id = journal.id();
        journal = ctx.store.journal().filter(j -> j.id().equals(id)).orElse(journal);
        // The services that were, or may have been, recreated; kept in the journal for a resumed rollback.
        int touched = switch (journal.step()) {
            case RESTARTING -> Math.min(journal.restarted() + 1, journal.services().size());
            case HANDOFF -> journal.services().size();
            case ROLLING_BACK, ROLLBACK_FAILED -> journal.restarted();
            default -> 0;
        };
        journal = ctx.save(journal.withRestarted(touched).rollingBack(reason));
        ctx.progress.event(journal, Fixed.ROLLBACK_STARTED, Optional.of(code.wireName()), reason);
        ctx.report(AgentStatus.State.ROLLING_BACK, journal);
        // Before the agent's first update it knew no release: back to the pins of then, and any version.
        Release back = journal.from().orElse(new Release("the release before", journal.fromImages(), Optional.empty(),
                Optional.empty()));
        boolean versionKnown = journal.from().isPresent();
        try {
            ctx.pins.write(journal.fromImages(), "release " + back.version() + " (rolled back from "
                    + journal.to().version() + ")");
            restoreIfSchemaMoved(journal);
            boolean updaterToReplace = false;
            for (String service : journal.services().subList(0, journal.restarted())) {
                if (service.equals(ctx.services.updater()) && !mayRecreateUpdater) {
                    // This process cannot recreate its own container; if it runs the new image, a one-off must.
                    updaterToReplace = !runsImage(service, back);
                    continue;
                }
                ctx.recreate(journal, service, back, versionKnown);
            }
            ctx.undrain();
            if (updaterToReplace) {
                return handOff(journal, operation);
            }
        } catch (StepFailedException | StateException e) {
            Journal failed = ctx.save(journal.at(Step.ROLLBACK_FAILED));
            String message = "rolling back to " + back.version() + " failed: " + e.getMessage()
                    + " (the update had failed: " + reason + ")";
            ctx.store.save(ctx.store.load().withLastError(Optional.of(message)));
            ctx.progress.event(failed, Fixed.ROLLBACK_FAILED,
                    Optional.of((e instanceof StepFailedException s ? s.code() : FailureCode.STATE_ERROR).wireName()),
                    message);
            ctx.report(AgentStatus.State.IDLE, failed);
            return OperationResult.failed(operation, OperationCode.ROLLBACK_FAILED, message).withVersion(journal.to().version());
        }
        AgentState state = ctx.store.load();
        if (journal.kind() == Journal.Kind.UPDATE) {
            // A failed pull or file error says more about the registry or the disk than the release: tried
            // again after a while (not at every poll, each of which would dump the database first).
            Optional<Instant> retry = code.retryable()
                    ? Optional.of(ctx.clock.instant().plus(RETRY_AFTER)) : Optional.empty();
            state = state.withFailed(Optional.of(new FailedRelease(journal.channel(), journal.sequence(),
                    journal.to().version(), journal.to().images(), reason, ctx.clock.instant(), retry)));
        }
        ctx.store.save(state.withLastError(Optional.of("update to " + journal.to().version() + " rolled back: "
                + reason)));
        ctx.store.clearJournal();
        ctx.progress.event(journal, Fixed.ROLLED_BACK, Optional.of(code.wireName()), "back on " + back.version() + ": " + reason);
        ctx.report(AgentStatus.State.IDLE, Optional.empty());
        return OperationResult.failed(operation, OperationCode.ROLLED_BACK, "update to " + journal.to().version()
                + " rolled back to " + back.version() + ": " + reason).withVersion(back.version());
    }

    private boolean runsImage(String service, Release release) throws StepFailedException {
        try {
            return ctx.compose.inspect(service).image().equals(Optional.ofNullable(release.images().get(service)));
        } catch (ComposeException e) {
            throw new StepFailedException(FailureCode.RECREATE_FAILED, "cannot see which image " + service + " runs: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Everything else is back; this updater runs the release being left. A one-off of the previous
     * updater image (the pins say so now) finishes the rollback by recreating this container.
     */
    private OperationResult handOff(Journal journal, String operation) throws StepFailedException {
        ctx.startOneOff("previous");
        ctx.progress.event(journal, Fixed.ROLLBACK_HANDOFF, Optional.empty(), "the previous updater replaces this one");
        return OperationResult.failed(operation, OperationCode.HANDING_OFF, "rolled back everything but the updater; the previous"
                + " updater is replacing this one").withVersion(journal.from().map(Release::version).orElse("?"));
    }

    /** The new server may have migrated the schema: then the pre-update dump goes back in, with the server stopped. */
    private void restoreIfSchemaMoved(Journal journal) throws StepFailedException {
        if (journal.backup().isEmpty()
                || !journal.services().subList(0, journal.restarted()).contains(ctx.services.server())) {
            return;
        }
        Optional<String> now;
        try {
            now = ctx.compose.schemaVersion();
        } catch (ComposeException e) {
            now = Optional.of("unknown (" + e.getMessage() + ")");
        }
        if (now.equals(journal.schemaBefore())) {
            return;
        }
        try {
            Path safety = ctx.backups.create("before-rollback");
            ctx.compose.stop(ctx.services.server());
            ctx.backups.restore(Path.of(journal.backup().get()));
            ctx.progress.event(journal, Fixed.DATABASE_RESTORED, Optional.empty(), "schema moved from "
                    + journal.schemaBefore().orElse("none") + " to " + now.orElse("none") + "; restored "
                    + journal.backup().get() + " (the database as it was before the rollback is in " + safety + ")");
        } catch (ComposeException | BackupException e) {
            throw new StepFailedException(FailureCode.RESTORE_FAILED, "restoring the pre-update database failed: "
                    + e.getMessage(), e);
        }
    }
}
