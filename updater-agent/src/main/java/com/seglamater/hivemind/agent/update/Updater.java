package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.backup.Backups;
import com.seglamater.hivemind.agent.compose.Compose;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.pins.PinsFile;
import com.seglamater.hivemind.agent.server.ServerLink;
import com.seglamater.hivemind.agent.state.AgentState;
import com.seglamater.hivemind.agent.state.ChannelTrust;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.Journal.Step;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.state.StateException;
import com.seglamater.hivemind.agent.state.StateStore;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Applies a release to the stack and rolls it back on failure (DESIGN.md, "Applying a
 * release"). This class plans; four parts, each readable alone, do the work:
 * <ul>
 *   <li>{@link Apply}: journal the plan, dump the database, pin, pull, recreate one service at a
 *       time with a health check;</li>
 *   <li>{@link Rollback}: undo a failed update;</li>
 *   <li>{@link Resume}: after a crash, finish or undo what the journal says was under way;</li>
 *   <li>{@link Handoff}: the updater last, through a one-off container that outlives this one.</li>
 * </ul>
 * Callers hold the agent lock.
 */
public final class Updater {

    private final UpdateContext ctx;
    private final Apply apply;
    private final Rollback rollback;
    private final Resume resume;
    private final Handoff handoff;

    public Updater(Compose compose, PinsFile pins, Backups backups, ServerLink server, HealthWaiter health,
                   Progress progress, StateStore store, AgentConfig.Services services, Duration drainTimeout,
                   String projectName, Clock clock, FaultInjection faults) {
        this.ctx = new UpdateContext(compose, pins, backups, server, health, progress, store, services, drainTimeout,
                projectName + "-updater-handoff", clock, faults);
        this.rollback = new Rollback(ctx, false);
        this.apply = new Apply(ctx, rollback);
        this.handoff = new Handoff(ctx, apply, rollback, new Rollback(ctx, true));
        this.resume = new Resume(ctx, apply, rollback, handoff);
    }

    /** The name of the one-off container that replaces the updater's own container. */
    public String handoffName() {
        return ctx.handoffName;
    }

    /** Installs the release {@code offer} from {@code channel}. */
    public OperationResult apply(String channel, ChannelTrust offer) throws StateException, InterruptedException {
        return apply(channel, offer, "check");
    }

    /** @param operation what the operator asked for ({@code check}, {@code approve}, {@code downgrade}), for the result */
    public OperationResult apply(String channel, ChannelTrust offer, String operation)
            throws StateException, InterruptedException {
        AgentState state = ctx.store.load();
        Optional<OperationResult> busy = ctx.refuseIfJournaled(operation);
        if (busy.isPresent()) {
            return busy.get();
        }
        Release to = new Release(offer.version(), offer.images(), Optional.empty(), Optional.empty());
        Optional<Release> from = state.installed();
        Map<String, String> running = from.isPresent() ? from.get().images() : ctx.pins.read();
        List<String> order = Plans.order(running, to.images(), ctx.services.server(), ctx.services.updater());
        Journal journal = new Journal(UUID.randomUUID().toString(), Journal.Kind.UPDATE, Step.PLANNED, channel,
                offer.sequence(), from, to, order, 0, Optional.empty(), Optional.empty(), Optional.empty(),
                ctx.clock.instant(), running);
        return apply.run(journal, operation);
    }

    /** Returns to the release installed before the current one (an operator's request). */
    public OperationResult rollbackToPrevious() throws StateException, InterruptedException {
        Optional<Journal> open = ctx.store.journal();
        if (open.isPresent() && open.get().step() == Step.ROLLBACK_FAILED) {
            // The operator asks again after a rollback that failed: try that rollback again.
            return rollback.undo(open.get(), open.get().failure().orElse("rollback retried by an operator"), "rollback",
                    FailureCode.ROLLED_BACK);
        }
        Optional<OperationResult> busy = ctx.refuseIfJournaled("rollback");
        if (busy.isPresent()) {
            return busy.get();
        }
        AgentState state = ctx.store.load();
        if (state.previous().isEmpty() || state.installed().isEmpty()) {
            return OperationResult.failed("rollback", OperationCode.NOTHING_TO_ROLL_BACK,
                    "no previous release is known: the agent has not installed an update on this stack yet");
        }
        Release from = state.installed().get();
        Release to = state.previous().get();
        List<String> order = Plans.order(from.images(), to.images(), ctx.services.server(), ctx.services.updater());
        // The release rolled back from is marked failed on the channel, so the next check does not reinstall it.
        String channel = ctx.progress.channel();
        long sequence = state.trust(channel).map(ChannelTrust::sequence).orElse(0L);
        Journal journal = new Journal(UUID.randomUUID().toString(), Journal.Kind.ROLLBACK, Step.PLANNED,
                channel, sequence, Optional.of(from), to, order, 0, Optional.empty(), Optional.empty(),
                Optional.empty(), ctx.clock.instant(), from.images());
        return apply.run(journal, "rollback");
    }

    /**
     * Called at start, under the lock: finishes or undoes an update a previous process left.
     * Empty when there was none.
     */
    public Optional<OperationResult> resume() throws StateException, InterruptedException {
        return resume.resume();
    }

    /**
     * The one-off's work ({@code hivemind-updater handoff}): recreate the updater service, wait
     * until the new sidecar runs, and roll everything back if it never does.
     */
    public OperationResult handoff(LockSupplier lock) throws Exception {
        return handoff.run(lock);
    }

    /** The agent lock, waited for: the one-off holds it only to roll back. */
    @FunctionalInterface
    public interface LockSupplier {
        AutoCloseable acquire() throws Exception;
    }
}
