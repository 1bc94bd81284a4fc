package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.backup.BackupException;
import com.seglamater.hivemind.agent.backup.NoSpaceException;
import com.seglamater.hivemind.agent.compose.ComposeException;
import com.seglamater.hivemind.agent.disk.DiskSpace;
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

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries out a plan, forward (DESIGN.md, "Applying a release"): journal it, dump the database,
 * pin the digests, pull, recreate one service at a time with a health check, and either record
 * the release or, when the updater itself changes, start the one-off that replaces it
 * ({@link Handoff}). The plan is an update to a channel's release or an operator's rollback to
 * the previous release; any failure after the backup is handed to {@link Rollback}. Every step is
 * journaled before it runs, so {@link Resume} can continue or undo it after a crash.
 */
final class Apply {

    private static final Logger LOG = Logger.getLogger(Apply.class.getName());
    /** The least free space in the data directory an update starts with: its files there are kilobytes. */
    static final long DATA_DIR_FLOOR = 1024 * 1024;

    private final UpdateContext ctx;
    private final Rollback rollback;

    Apply(UpdateContext ctx, Rollback rollback) {
        this.ctx = ctx;
        this.rollback = rollback;
    }

    /** Runs (or continues) the plan from its journaled step. */
    OperationResult run(Journal journal, String operation) throws StateException, InterruptedException {
        String to = journal.to().version();
        if (journal.step() == Step.PLANNED) {
            try {
                requireRoomForJournal();
                ctx.store.saveJournal(journal);
            } catch (StepFailedException e) {
                return stopped(journal, operation, OperationCode.STATE_ERROR, e);
            } catch (StateException e) {
                return stopped(journal, operation, OperationCode.STATE_ERROR, cannotWrite(e));
            }
            try {
                ctx.progress.event(journal, journal.kind() == Journal.Kind.UPDATE ? Fixed.APPLY_STARTED
                        : Fixed.ROLLBACK_REQUESTED, Optional.empty(), "installing " + to + ": "
                        + String.join(", ", journal.services()));
                ctx.report(AgentStatus.State.APPLYING, journal);
                ctx.faults.at(FaultPoint.of(FaultPoint.Kind.BEFORE_BACKUP));
                journal = backUp(journal);
            } catch (StepFailedException e) {
                // Only the backup runs before the first change.
                return stopped(journal, operation, OperationCode.BACKUP_FAILED, e);
            } catch (StateException e) {
                // E.g. the dump took the last of a disk it shares with the data directory: the step cannot be journaled.
                return stopped(journal, operation, OperationCode.STATE_ERROR, cannotWrite(e));
            }
        }
        try {
            if (journal.step() == Step.BACKED_UP) {
                ctx.faults.at(FaultPoint.of(FaultPoint.Kind.BEFORE_PIN));
                ctx.pins.write(journal.to().images(), "release " + to + " from channel " + journal.channel());
                journal = ctx.save(journal.at(Step.PINNED));
            }
            if (journal.step() == Step.PINNED) {
                ctx.faults.at(FaultPoint.of(FaultPoint.Kind.BEFORE_PULL));
                pull(journal);
                journal = ctx.save(journal.at(Step.PULLED).withRestarted(0));
            }
            journal = restart(journal);
            if (journal.step() == Step.HANDOFF) {
                return handOff(journal, operation);
            }
            return finish(journal, operation);
        } catch (StepFailedException e) {
            return rollback.undo(journal, e.getMessage(), operation, e.code());
        } catch (StateException e) {
            // The agent's own files (pins, journal) failed mid-update, e.g. a full disk: undo what it can.
            return rollback.undo(journal, "the agent could not write its files: " + e.getMessage(), operation,
                    FailureCode.STATE_ERROR);
        }
    }

    /**
     * Nothing has changed yet, and nothing will: the stack runs what it ran, the journal is gone,
     * and the release is tried again at a later check. On a full disk the agent's own records may
     * not be writable either; the old ones stay as they were and the result still says why.
     */
    private OperationResult stopped(Journal journal, String operation, OperationCode code, StepFailedException e) {
        String to = journal.to().version();
        String message = "update to " + to + " stopped before any change: " + e.getMessage();
        try {
            ctx.store.clearJournal();
        } catch (StateException clear) {
            // Resume abandons a journal left before the first change (puts back the pins, which did not change).
            LOG.warning(() -> "the stopped update's journal stays until the next check: " + clear.getMessage());
        }
        try {
            ctx.store.save(ctx.store.load().withLastError(Optional.of(message)));
        } catch (StateException save) {
            LOG.warning(() -> "cannot record the error in the agent's state, which stays as it was: " + save.getMessage());
        }
        ctx.progress.event(journal, Fixed.APPLY_STOPPED, Optional.of(e.code().wireName()), e.getMessage());
        try {
            ctx.report(AgentStatus.State.IDLE, journal);
        } catch (StateException report) {
            LOG.warning(() -> "cannot report the agent's status: " + report.getMessage());
        }
        OperationResult result = OperationResult.failed(operation, code, message).withVersion(to);
        return e.code() == FailureCode.NO_SPACE ? result.withReason(FailureCode.NO_SPACE.wireName()) : result;
    }

    /** The journal, {@code state.json} and the outbox are small, but they must be writable before anything changes. */
    private void requireRoomForJournal() throws StepFailedException {
        Path data = ctx.store.dir();
        long usable;
        try {
            usable = DiskSpace.usable(data);
        } catch (IOException e) {
            LOG.warning(() -> "cannot tell the free space in " + data + " (" + e.getMessage() + "); going on");
            return;
        }
        if (usable < DATA_DIR_FLOOR) {
            throw new StepFailedException(FailureCode.NO_SPACE, "the agent's data directory " + data + " has "
                    + DiskSpace.bytes(usable) + " free, less than the " + DiskSpace.bytes(DATA_DIR_FLOOR)
                    + " an update needs there for its journal and state; free some space there");
        }
    }

    private static StepFailedException cannotWrite(StateException e) {
        boolean full = DiskSpace.outOfSpace(e);
        return new StepFailedException(full ? FailureCode.NO_SPACE : FailureCode.STATE_ERROR, "the agent cannot write its files"
                + (full ? " (its data directory is full)" : "") + ": " + e.getMessage(), e);
    }

    private Journal backUp(Journal journal) throws StepFailedException, StateException {
        Optional<String> schema;
        Path dump;
        try {
            ctx.backups.ensureRoom();
            schema = ctx.compose.schemaVersion();
            dump = ctx.backups.create(journal.to().version());
        } catch (ComposeException | BackupException e) {
            throw new StepFailedException(e instanceof NoSpaceException ? FailureCode.NO_SPACE : FailureCode.BACKUP_FAILED,
                    "the database backup failed: " + e.getMessage(), e);
        }
        ctx.progress.event(journal, Fixed.BACKED_UP, Optional.empty(), "database dumped to " + dump);
        return ctx.save(journal.withBackup(Optional.of(dump.toString()), schema).at(Step.BACKED_UP));
    }

    private void pull(Journal journal) throws StepFailedException {
        if (journal.services().isEmpty()) {
            return;
        }
        try {
            ctx.compose.pull(journal.services());
        } catch (ComposeException e) {
            throw new StepFailedException(FailureCode.PULL_FAILED, "pulling the new images failed, no service was restarted: "
                    + e.getMessage(), e);
        }
        ctx.progress.event(journal, Fixed.PULLED, Optional.empty(), "images present for "
                + String.join(", ", journal.services()));
    }

    /** Recreates the services one at a time, from {@code restarted} on; stops before the updater. */
    private Journal restart(Journal journal) throws StepFailedException, StateException, InterruptedException {
        if (journal.step() == Step.PULLED) {
            journal = ctx.save(journal.at(Step.RESTARTING));
        }
        while (journal.step() == Step.RESTARTING && journal.restarted() < journal.services().size()) {
            String service = journal.services().get(journal.restarted());
            if (service.equals(ctx.services.updater())) {
                return ctx.save(journal.at(Step.HANDOFF));
            }
            ctx.report(AgentStatus.State.APPLYING, journal);
            ctx.faults.at(FaultPoint.of(FaultPoint.Kind.BEFORE_RESTART, service));
            if (journal.kind() == Journal.Kind.ROLLBACK && service.equals(ctx.services.server())) {
                restoreIfSchemaDiffers(journal);
            }
            ctx.recreate(journal, service, journal.to(), true);
            journal = ctx.save(journal.withRestarted(journal.restarted() + 1));
        }
        return journal;
    }

    /** An operator's rollback to a release whose schema is older: the dump taken before the current one was installed. */
    private void restoreIfSchemaDiffers(Journal journal) throws StepFailedException {
        Optional<String> target = journal.to().schemaVersion();
        Optional<String> backup = journal.from().flatMap(Release::backup);
        if (target.isEmpty() || backup.isEmpty() || target.equals(journal.schemaBefore())) {
            return;
        }
        try {
            ctx.compose.stop(ctx.services.server());
            ctx.backups.restore(Path.of(backup.get()));
        } catch (ComposeException | BackupException e) {
            throw new StepFailedException(FailureCode.RESTORE_FAILED, "restoring the database to schema " + target.get()
                    + " failed: " + e.getMessage(), e);
        }
        ctx.progress.event(journal, Fixed.DATABASE_RESTORED, Optional.empty(), "database restored from "
                + backup.get() + " (schema " + target.get() + "); the state before the rollback is in "
                + journal.backup().orElse("?"));
    }

    /** Starts the one-off updater that replaces this container; this process is stopped by it. */
    private OperationResult handOff(Journal journal, String operation)
            throws StepFailedException, StateException, InterruptedException {
        ctx.report(AgentStatus.State.APPLYING, journal);
        ctx.faults.at(FaultPoint.of(FaultPoint.Kind.BEFORE_HANDOFF));
        ctx.startOneOff("new");
        ctx.progress.event(journal, Fixed.HANDOFF, Optional.empty(), "the new updater replaces this one");
        return OperationResult.ok(operation, OperationCode.HANDING_OFF, "everything but the updater runs " + journal.to().version()
                + "; the new updater is replacing this one").withVersion(journal.to().version());
    }

    /** The release runs: record it, forget the journal, report. */
    OperationResult finish(Journal journal, String operation) throws StateException {
        Optional<String> schema = Optional.empty();
        try {
            schema = ctx.compose.schemaVersion();
        } catch (ComposeException e) {
            LOG.log(Level.WARNING, "could not read the schema version after the update: " + e.getMessage());
        }
        // After an update, the dump taken first is what a later rollback restores; a rolled-back-to release keeps its own.
        Release installed = new Release(journal.to().version(), journal.to().images(), schema,
                journal.kind() == Journal.Kind.UPDATE ? journal.backup() : journal.to().backup());
        AgentState state = ctx.store.load();
        boolean recordedAlready = state.installed().map(r -> r.version().equals(installed.version())
                && r.images().equals(installed.images())).orElse(false);
        state = recordedAlready ? state // finished before (a resumed finish): previous must not become this one
                : journal.kind() == Journal.Kind.UPDATE
                ? state.withInstalled(installed).withFailed(Optional.empty())
                : state.withInstalledAndPrevious(installed, Optional.empty())
                .withFailed(journal.from().map(f -> new FailedRelease(journal.channel(), journal.sequence(), f.version(),
                        f.images(), "rolled back by an operator", ctx.clock.instant(), Optional.empty())));
        ctx.store.save(state.withLastError(Optional.empty()));
        try {
            ctx.store.clearJournal();
        } catch (StateException e) {
            // The release is recorded as installed; Resume recognises the leftover journal as finished.
            LOG.warning(() -> "the update is finished but its journal stays: " + e.getMessage());
        }
        ctx.progress.event(journal, Fixed.APPLIED, Optional.empty(), "the stack runs " + journal.to().version());
        ctx.report(AgentStatus.State.IDLE, Optional.empty());
        return OperationResult.ok(operation, journal.kind() == Journal.Kind.UPDATE ? OperationCode.APPLIED : OperationCode.ROLLED_BACK,
                "the stack runs " + journal.to().version()).withVersion(journal.to().version());
    }
}
