package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.compose.ComposeException;
import com.seglamater.hivemind.agent.compose.ContainerState;
import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.Journal.Step;
import com.seglamater.hivemind.agent.state.StateException;

import java.util.Optional;

/**
 * The updater's own replacement (docs/updating.md, "The updater last"). The sidecar cannot
 * recreate its own container, so once everything else runs the new release it journals
 * {@code HANDOFF} and starts a one-off container of the new updater image
 * ({@link UpdateContext#startOneOff}); the one-off recreates the updater service ({@link #run})
 * and the new sidecar, finding the journal at {@code HANDOFF}, finishes the update
 * ({@link #complete}). Whichever side sees that the new updater never took over rolls back.
 */
final class Handoff {

    private final UpdateContext ctx;
    private final Apply apply;
    /** The sidecar's: it never recreates its own container. */
    private final Rollback sidecarRollback;
    /** The one-off's: it may recreate the updater service, which is what it is for. */
    private final Rollback oneOffRollback;

    Handoff(UpdateContext ctx, Apply apply, Rollback sidecarRollback, Rollback oneOffRollback) {
        this.ctx = ctx;
        this.apply = apply;
        this.sidecarRollback = sidecarRollback;
        this.oneOffRollback = oneOffRollback;
    }

    /**
     * The one-off's work ({@code hivemind-updater handoff}): recreate the updater service, wait
     * until the new sidecar runs, and roll everything back if it never does.
     */
    OperationResult run(Updater.LockSupplier lock) throws Exception {
        Optional<Journal> open = ctx.store.journal();
        if (open.isPresent() && open.get().step() == Step.ROLLING_BACK) {
            // Started by an updater that rolled back all but itself, and that waits, holding the lock, to be
            // replaced: finish that rollback on its behalf, its container included.
            return oneOffRollback.undo(open.get(), open.get().failure().orElse("rolled back"), "handoff",
                    FailureCode.ROLLED_BACK);
        }
        if (open.isEmpty() || open.get().step() != Step.HANDOFF) {
            return OperationResult.ok("handoff", OperationCode.NOTHING_TO_DO, "no update is waiting for the updater to be replaced");
        }
        Journal journal = open.get();
        ctx.faults.at(FaultPoint.of(FaultPoint.Kind.BEFORE_RESTART, ctx.services.updater()));
        try {
            ctx.recreate(journal, ctx.services.updater(), journal.to(), true);
        } catch (StepFailedException e) {
            // The new sidecar finishes the update itself when it runs; it never did, so undo it, under
            // the lock, in case the new sidecar ran long enough to do something after all.
            try (AutoCloseable held = lock.acquire()) {
                Optional<Journal> now = ctx.store.journal();
                if (now.isEmpty() || now.get().step() != Step.HANDOFF) {
                    return OperationResult.ok("handoff", OperationCode.APPLIED, "the new updater finished the update");
                }
                return oneOffRollback.undo(now.get(), e.getMessage(), "handoff", e.code());
            }
        }
        return OperationResult.ok("handoff", OperationCode.HANDED_OFF, "the new updater runs " + journal.to().version())
                .withVersion(journal.to().version());
    }

    /**
     * This process started with the journal at HANDOFF: it is either the new sidecar (the one-off
     * did its job: finish) or the old one that came back without being replaced (roll back).
     */
    OperationResult complete(Journal journal) throws StateException, InterruptedException {
        Optional<String> expected = Optional.ofNullable(journal.to().images().get(ctx.services.updater()));
        ContainerState self;
        try {
            self = ctx.compose.inspect(ctx.services.updater());
        } catch (ComposeException e) {
            // Not knowing is no reason to undo: the journal stays at HANDOFF and the next start or check asks again.
            return OperationResult.failed("resume", OperationCode.BUSY, "cannot tell whether the new updater took over: "
                    + e.getMessage());
        }
        if (self.running() && self.image().equals(expected)) {
            return apply.finish(journal.withRestarted(journal.services().size()), "resume");
        }
        try {
            if (ctx.compose.oneOffRunning(ctx.handoffName)) {
                return OperationResult.failed("resume", OperationCode.BUSY, "the new updater is still replacing this one");
            }
        } catch (ComposeException e) {
            return OperationResult.failed("resume", OperationCode.BUSY, "cannot see whether the new updater is still replacing this"
                    + " one: " + e.getMessage());
        }
        return sidecarRollback.undo(journal, "the new updater did not take over (this container still runs "
                + self.image().orElse("an unknown image") + ")", "resume", FailureCode.HANDOFF_FAILED);
    }
}
