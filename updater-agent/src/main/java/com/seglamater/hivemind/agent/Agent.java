package com.seglamater.hivemind.agent;

import com.seglamater.hivemind.agent.backup.Backups;
import com.seglamater.hivemind.agent.compose.Compose;
import com.seglamater.hivemind.agent.compose.ComposeException;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.ops.CheckOutcome;
import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.ops.Operations;
import com.seglamater.hivemind.agent.pins.PinsFile;
import com.seglamater.hivemind.agent.server.ServerLink;
import com.seglamater.hivemind.agent.state.ChannelTrust;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.state.StateException;
import com.seglamater.hivemind.agent.state.StateStore;
import com.seglamater.hivemind.agent.update.CheckResult;
import com.seglamater.hivemind.agent.update.Checker;
import com.seglamater.hivemind.agent.update.HealthWaiter;
import com.seglamater.hivemind.agent.update.Progress;
import com.seglamater.hivemind.agent.update.Updater;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.UpdateEventKind;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's operations, one at a time: a check (and the update it may lead to), an
 * approval, a rollback, a backup, a restore (those two are {@link DatabaseOperations}). The
 * daemon's poll loop, its command poller and the control socket all call in here; the caller
 * holds the agent lock (the process-level "one updater at a time"), this class serializes the
 * threads within the process.
 */
public final class Agent implements Operations {

    private static final Logger LOG = Logger.getLogger(Agent.class.getName());
    /** How long a second operation waits for the one running before it answers "busy". */
    static final Duration WAIT_FOR_TURN = Duration.ofSeconds(30);

    private final AgentConfig config;
    private final Checker checker;
    private final Updater updater;
    private final Compose compose;
    private final StateStore store;
    private final Progress progress;
    private final DatabaseOperations database;
    private final ReentrantLock turn = new ReentrantLock();
    private volatile boolean handingOff;
    private volatile Optional<Reported> lastReported = Optional.empty();

    public Agent(AgentConfig config, Checker checker, Updater updater, Backups backups, Compose compose,
                 ServerLink server, HealthWaiter health, PinsFile pins, StateStore store, Progress progress) {
        this.config = config;
        this.checker = checker;
        this.updater = updater;
        this.compose = compose;
        this.store = store;
        this.progress = progress;
        this.database = new DatabaseOperations(config, backups, compose, server, health, pins, store, progress);
    }

    public Updater updater() {
        return updater;
    }

    public StateStore store() {
        return store;
    }

    /** Whether a one-off updater is replacing this process: nothing more is started here. */
    public boolean handingOff() {
        return handingOff;
    }

    @Override
    public OperationResult check(boolean apply) {
        return exclusive("check", () -> checkAndMaybeApply(apply, Optional.empty(), false));
    }

    @Override
    public OperationResult approve(String version) {
        Objects.requireNonNull(version, "version");
        return exclusive("approve", () -> checkAndMaybeApply(true, Optional.of(version), false));
    }

    @Override
    public OperationResult downgrade() {
        return exclusive("downgrade", () -> checkAndMaybeApply(true, Optional.empty(), true));
    }

    @Override
    public OperationResult rollback() {
        return exclusive("rollback", () -> track(updater.rollbackToPrevious()));
    }

    @Override
    public OperationResult backup() {
        return exclusive("backup", database::backup);
    }

    @Override
    public OperationResult restore(Path dump) {
        return exclusive("restore", () -> database.restore(dump));
    }

    /** At start, under the agent lock: finish or undo what a previous process left, then report. */
    public Optional<OperationResult> resume() {
        OperationResult result = exclusive("resume", () -> track(updater.resume()
                .orElse(OperationResult.ok("resume", OperationCode.NOTHING_TO_DO, "no unfinished update"))));
        try {
            progress.status(store.load(), AgentStatus.State.IDLE, Optional.empty());
        } catch (StateException e) {
            LOG.warning(e.getMessage());
        }
        return result.code() == OperationCode.NOTHING_TO_DO ? Optional.empty() : Optional.of(result);
    }

    /**
     * While handing over: if the one-off that should replace this container is gone and this
     * process still runs, the handover failed; resume then rolls the update back.
     */
    public Optional<OperationResult> watchHandoff() {
        if (!handingOff) {
            return Optional.empty();
        }
        try {
            if (compose.oneOffRunning(updater.handoffName())) {
                return Optional.empty();
            }
        } catch (ComposeException e) {
            LOG.warning(() -> "cannot see the handoff container: " + e.getMessage());
            return Optional.empty();
        }
        handingOff = false;
        return Optional.of(exclusive("resume", () -> track(updater.resume()
                .orElse(OperationResult.ok("resume", OperationCode.NOTHING_TO_DO, "the update was finished by the new updater")))));
    }

    private OperationResult checkAndMaybeApply(boolean apply, Optional<String> approved, boolean allowDowngrade)
            throws StateException, InterruptedException {
        Optional<Journal> open = store.journal();
        if (open.isPresent() && open.get().step() != Journal.Step.ROLLBACK_FAILED) {
            // An update this process could not finish (its files failed): resume it before anything new.
            return track(updater.resume().orElseThrow());
        }
        progress.status(store.load(), AgentStatus.State.CHECKING, Optional.empty());
        // An explicit apply, approval or downgrade verifies the statement afresh, not from a 304.
        CheckResult check = checker.check(allowDowngrade, apply);
        reportCheck(check);
        String operation = approved.isPresent() ? "approve" : allowDowngrade ? "downgrade" : "check";
        if (check.offer().isEmpty()) {
            progress.status(store.load(), AgentStatus.State.IDLE, Optional.empty());
            if (approved.isPresent()) {
                return OperationResult.failed(operation, OperationCode.NOT_CURRENT, "release " + approved.get()
                        + " is not available to install: " + check.message());
            }
            // check --json carries the verifier's reason too, so a script needs no second call to status.
            return new OperationResult(operation, check.result().success(), check.result().operationCode(), check.code(),
                    check.message(), Optional.empty(), Optional.empty());
        }
        String version = check.offer().get().version();
        if (approved.isPresent() && !approved.get().equals(version)) {
            progress.status(store.load(), AgentStatus.State.IDLE, Optional.empty());
            return OperationResult.failed(operation, OperationCode.NOT_CURRENT, "release " + approved.get()
                    + " was approved, but the channel's current release is " + version + "; approve that one instead")
                    .withVersion(version);
        }
        boolean manual = config.approval() == AgentConfig.Approval.MANUAL;
        if (!apply && (manual || check.failedBefore())) {
            AgentStatus.State waiting = manual ? AgentStatus.State.AWAITING_APPROVAL : AgentStatus.State.IDLE;
            progress.status(store.load(), waiting, Optional.empty());
            return OperationResult.ok(operation, manual && !check.failedBefore() ? OperationCode.AWAITING_APPROVAL : OperationCode.UPDATE_AVAILABLE,
                    check.message() + (manual ? "; waiting for an admin's approval" : "")).withVersion(version);
        }
        return track(updater.apply(checker.channel(), check.offer().get(), operation));
    }

    private OperationResult track(OperationResult result) {
        if (result.code() == OperationCode.HANDING_OFF) {
            handingOff = true;
        }
        return result;
    }

    /**
     * Refused statements and outages are reported once per change, not at every poll: a change of
     * outcome, of reason, or of the statement judged (a new statement refused for the same reason
     * as the one before is a change).
     */
    private void reportCheck(CheckResult check) {
        Reported now = new Reported(check.result(), check.code(), check.statement());
        if (lastReported.equals(Optional.of(now))) {
            return;
        }
        lastReported = Optional.of(now);
        if (check.result() == CheckOutcome.REJECTED || check.result() == CheckOutcome.UNREACHABLE
                || check.result() == CheckOutcome.UPDATE_AVAILABLE) {
            progress.event("check:" + java.util.UUID.randomUUID(), check.result() == CheckOutcome.REJECTED
                            ? UpdateEventKind.Fixed.REJECTED : UpdateEventKind.Fixed.CHECK, installedVersion(),
                    check.offer().map(ChannelTrust::version), check.code(), check.message());
        }
    }

    /** What a check's report is de-duplicated by. */
    private record Reported(CheckOutcome result, Optional<String> code, Optional<String> statement) {
    }

    private Optional<String> installedVersion() {
        try {
            return store.load().installed().map(Release::version);
        } catch (StateException e) {
            return Optional.empty();
        }
    }

    @FunctionalInterface
    private interface Work {
        OperationResult run() throws Exception;
    }

    private OperationResult exclusive(String operation, Work work) {
        if (handingOff) {
            return OperationResult.failed(operation, OperationCode.BUSY, "this updater is being replaced by the new one");
        }
        boolean mine;
        try {
            mine = turn.tryLock(WAIT_FOR_TURN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OperationResult.failed(operation, OperationCode.INTERRUPTED, "the agent is stopping");
        }
        if (!mine) {
            return OperationResult.failed(operation, OperationCode.BUSY, "another operation is running (an update takes minutes);"
                    + " see `hivemind-updater status`");
        }
        if (handingOff) {
            // The operation that held the turn handed the update to the new updater while this one waited.
            turn.unlock();
            return OperationResult.failed(operation, OperationCode.BUSY, "this updater is being replaced by the new one");
        }
        try {
            return work.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OperationResult.failed(operation, OperationCode.INTERRUPTED, "the agent is stopping; an update in progress"
                    + " resumes or rolls back at the next start");
        } catch (StateException e) {
            record(e.getMessage());
            return OperationResult.failed(operation, OperationCode.STATE_ERROR, e.getMessage());
        } catch (Exception e) {
            LOG.log(Level.SEVERE, operation + " failed unexpectedly", e);
            record(operation + " failed unexpectedly: " + e);
            return OperationResult.failed(operation, OperationCode.INTERNAL_ERROR, operation + " failed unexpectedly: " + e);
        } finally {
            turn.unlock();
        }
    }

    private void record(String error) {
        try {
            store.save(store.load().withLastError(Optional.of(error)));
        } catch (StateException ignored) {
            // The state directory itself is the problem; the log has it.
        }
    }
}
