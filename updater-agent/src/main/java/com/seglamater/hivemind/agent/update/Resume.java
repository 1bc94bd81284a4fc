package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.Journal.Step;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.state.StateException;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.UpdateEventKind.Fixed;

import java.util.Optional;
import java.util.logging.Logger;

/**
 * Crash recovery: at start, under the agent lock, the journal a previous process left decides
 * what happens to its update. Before any service was restarted the update is dropped (the
 * previous pins go back, the next check tries again); while restarting it is rolled back (an
 * operator's rollback goes on instead); at the hand-off {@link Handoff} decides; a rollback goes
 * on; a failed rollback waits for an operator.
 */
final class Resume {

    private static final Logger LOG = Logger.getLogger(Resume.class.getName());

    private final UpdateContext ctx;
    private final Apply apply;
    private final Rollback rollback;
    private final Handoff handoff;

    Resume(UpdateContext ctx, Apply apply, Rollback rollback, Handoff handoff) {
        this.ctx = ctx;
        this.apply = apply;
        this.rollback = rollback;
        this.handoff = handoff;
    }

    /** Finishes or undoes the update a previous process left; empty when there was none. */
    Optional<OperationResult> resume() throws StateException, InterruptedException {
        Optional<Journal> open = ctx.store.journal();
        if (open.isEmpty()) {
            return Optional.empty();
        }
        Journal journal = open.get();
        boolean recorded = ctx.store.load().installed()
                .map(r -> r.version().equals(journal.to().version()) && r.images().equals(journal.to().images()))
                .orElse(false);
        if (recorded && journal.step().compareTo(Step.RESTARTING) >= 0 && journal.step().compareTo(Step.HANDOFF) <= 0
                && journal.restarted() == journal.services().size()) {
            // Apply.finish recorded the release but could not remove the journal.
            ctx.store.clearJournal();
            return Optional.of(OperationResult.ok("resume", OperationCode.APPLIED, "the stack runs " + journal.to().version()));
        }
        LOG.info(() -> "found an unfinished update to " + journal.to().version() + " at step " + journal.step());
        return Optional.of(switch (journal.step()) {
            case PLANNED, BACKED_UP, PINNED, PULLED -> abandon(journal);
            // Every service was recreated and found healthy: only the record was missing.
            case RESTARTING -> journal.restarted() == journal.services().size() ? apply.finish(journal, "resume")
                    // An operator's rollback goes on where it stopped rather than being undone.
                    : journal.kind() == Journal.Kind.ROLLBACK ? apply.run(journal, "resume")
                    : rollback.undo(journal, "the updater stopped while restarting "
                    + journal.services().get(journal.restarted()), "resume", FailureCode.INTERRUPTED);
            case HANDOFF -> handoff.complete(journal);
            case ROLLING_BACK -> rollback.undo(journal, journal.failure().orElse("interrupted"), "resume",
                    FailureCode.INTERRUPTED);
            case ROLLBACK_FAILED -> ctx.refuseIfJournaled("resume").orElseThrow();
        });
    }

    /** Stopped before any service was recreated: previous pins back, the release is tried again by the next check. */
    private OperationResult abandon(Journal journal) throws StateException {
        if (journal.step().compareTo(Step.BACKED_UP) >= 0) {
            ctx.pins.write(journal.fromImages(), "release " + journal.from().map(Release::version)
                    .orElse("before the update") + " (update to " + journal.to().version() + " interrupted)");
        }
        ctx.store.clearJournal();
        ctx.progress.event(journal, Fixed.APPLY_INTERRUPTED, Optional.of(FailureCode.INTERRUPTED.wireName()), "the updater stopped at step "
                + journal.step().name().toLowerCase() + " before any service was restarted; nothing changed");
        ctx.report(AgentStatus.State.IDLE, Optional.empty());
        return OperationResult.failed("resume", OperationCode.INTERRUPTED, "an update to " + journal.to().version()
                + " was interrupted before any service restarted; it will be tried again");
    }
}
