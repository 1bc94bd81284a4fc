package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.backup.BackupException;
import com.seglamater.hivemind.agent.backup.Backups;
import com.seglamater.hivemind.agent.compose.Compose;
import com.seglamater.hivemind.agent.compose.ComposeException;
import com.seglamater.hivemind.agent.compose.ContainerState;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.pins.PinsFile;
import com.seglamater.hivemind.agent.server.ServerLink;
import com.seglamater.hivemind.agent.server.ServerUnavailableException;
import com.seglamater.hivemind.agent.state.AgentState;
import com.seglamater.hivemind.agent.state.ChannelTrust;
import com.seglamater.hivemind.agent.state.FailedRelease;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.Journal.Step;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.state.StateException;
import com.seglamater.hivemind.agent.state.StateStore;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.DrainResult;
import com.seglamater.hivemind.model.admin.UpdateEventKind;
import com.seglamater.hivemind.model.admin.UpdateEventKind.Fixed;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies a release to the stack and rolls it back on failure (DESIGN.md, "Applying a
 * release"): journal the plan, dump the database, pin the digests, pull, recreate one service
 * at a time with a health check, the updater last through a one-off container that outlives
 * this one. Every step is journaled before it runs, so {@link #resume()} after a crash finishes
 * or undoes whatever was under way. Callers hold the agent lock.
 */
public final class Updater {

    /** The name of the one-off container that replaces the updater's own container. */
    public static final String HANDOFF_ARG = "handoff";

    /** How long a release whose update failed for a host-side reason waits before it is tried again. */
    public static final Duration RETRY_AFTER = Duration.ofHours(1);
    private static final java.util.Set<String> RETRYABLE = java.util.Set.of("pull_failed", "state_error");

    private static final Logger LOG = Logger.getLogger(Updater.class.getName());

    private final Compose compose;
    private final PinsFile pins;
    private final Backups backups;
    private final ServerLink server;
    private final HealthWaiter health;
    private final Progress progress;
    private final StateStore store;
    private final AgentConfig.Services services;
    private final Duration drainTimeout;
    private final String handoffName;
    private final Clock clock;
    /** This updater is the one-off that replaces the sidecar ({@link #handoff}): it may recreate the updater service. */
    private boolean handoffProcess;

    public Updater(Compose compose, PinsFile pins, Backups backups, ServerLink server, HealthWaiter health,
                   Progress progress, StateStore store, AgentConfig.Services services, Duration drainTimeout,
                   String projectName, Clock clock) {
        this.compose = compose;
        this.pins = pins;
        this.backups = backups;
        this.server = server;
        this.health = health;
        this.progress = progress;
        this.store = store;
        this.services = services;
        this.drainTimeout = drainTimeout;
        this.handoffName = projectName + "-updater-handoff";
        this.clock = clock;
    }

    public String handoffName() {
        return handoffName;
    }

    /** Installs the release {@code offer} from {@code channel}. */
    public OperationResult apply(String channel, ChannelTrust offer) throws StateException, InterruptedException {
        return apply(channel, offer, "check");
    }

    /** @param operation what the operator asked for ({@code check}, {@code approve}, {@code downgrade}), for the result */
    public OperationResult apply(String channel, ChannelTrust offer, String operation)
            throws StateException, InterruptedException {
        AgentState state = store.load();
        Optional<OperationResult> busy = refuseIfJournaled(operation);
        if (busy.isPresent()) {
            return busy.get();
        }
        Release to = new Release(offer.version(), offer.images(), Optional.empty(), Optional.empty());
        Optional<Release> from = state.installed();
        Map<String, String> running = from.isPresent() ? from.get().images() : pins.read();
        List<String> order = Plans.order(running, to.images(), services.server(), services.updater());
        Journal journal = new Journal(UUID.randomUUID().toString(), Journal.Kind.UPDATE, Step.PLANNED, channel,
                offer.sequence(), from, to, order, 0, Optional.empty(), Optional.empty(), Optional.empty(),
                clock.instant(), running);
        return run(journal, operation);
    }

    /** Returns to the release installed before the current one (an operator's request). */
    public OperationResult rollbackToPrevious() throws StateException, InterruptedException {
        Optional<Journal> open = store.journal();
        if (open.isPresent() && open.get().step() == Step.ROLLBACK_FAILED) {
            // The operator asks again after a rollback that failed: try that rollback again.
            return rollback(open.get(), open.get().failure().orElse("rollback retried by an operator"), "rollback");
        }
        Optional<OperationResult> busy = refuseIfJournaled("rollback");
        if (busy.isPresent()) {
            return busy.get();
        }
        AgentState state = store.load();
        if (state.previous().isEmpty() || state.installed().isEmpty()) {
            return OperationResult.failed("rollback", "nothing_to_roll_back",
                    "no previous release is known: the agent has not installed an update on this stack yet");
        }
        Release from = state.installed().get();
        Release to = state.previous().get();
        List<String> order = Plans.order(from.images(), to.images(), services.server(), services.updater());
        // The release rolled back from is marked failed on the channel, so the next check does not reinstall it.
        String channel = progress.channel();
        long sequence = state.trust(channel).map(ChannelTrust::sequence).orElse(0L);
        Journal journal = new Journal(UUID.randomUUID().toString(), Journal.Kind.ROLLBACK, Step.PLANNED,
                channel, sequence, Optional.of(from), to, order, 0, Optional.empty(), Optional.empty(),
                Optional.empty(), clock.instant(), from.images());
        return run(journal, "rollback");
    }

    private Optional<OperationResult> refuseIfJournaled(String operation) throws StateException {
        Optional<Journal> open = store.journal();
        if (open.isEmpty()) {
            return Optional.empty();
        }
        if (open.get().step() == Step.ROLLBACK_FAILED) {
            return Optional.of(OperationResult.failed(operation, "rollback_failed",
                    "the rollback of " + open.get().to().version() + " failed and needs an operator: "
                            + open.get().failure().orElse("") + "; fix the cause and run `hivemind-updater rollback`"));
        }
        return Optional.of(OperationResult.failed(operation, "busy", "an update to " + open.get().to().version()
                + " is in progress (step " + open.get().step().name().toLowerCase() + ")"));
    }

    /** Runs (or continues) the plan from its journaled step. */
    private OperationResult run(Journal journal, String operation) throws StateException, InterruptedException {
        String to = journal.to().version();
        try {
            if (journal.step() == Step.PLANNED) {
                store.saveJournal(journal);
                progress.event(journal, journal.kind() == Journal.Kind.UPDATE ? Fixed.APPLY_STARTED : Fixed.ROLLBACK_REQUESTED,
                        Optional.empty(), "installing " + to + ": " + String.join(", ", journal.services()));
                report(AgentStatus.State.APPLYING, journal);
                journal = backUp(journal);
            }
        } catch (StepFailedException e) {
            // Nothing changed yet: the stack runs what it ran; the release is tried again later.
            store.clearJournal();
            store.save(store.load().withLastError(Optional.of(e.getMessage())));
            progress.event(journal, Fixed.APPLY_STOPPED, Optional.of(e.code()), e.getMessage());
            report(AgentStatus.State.IDLE, journal);
            return OperationResult.failed(operation, e.code(), "update to " + to + " stopped before any change: "
                    + e.getMessage()).withVersion(to);
        }
        try {
            if (journal.step() == Step.BACKED_UP) {
                pins.write(journal.to().images(), "release " + to + " from channel " + journal.channel());
                journal = save(journal.at(Step.PINNED));
            }
            if (journal.step() == Step.PINNED) {
                pull(journal);
                journal = save(journal.at(Step.PULLED).withRestarted(0));
            }
            journal = restart(journal);
            if (journal.step() == Step.HANDOFF) {
                return handOff(journal, operation);
            }
            return finish(journal, operation);
        } catch (StepFailedException e) {
            return rollback(journal, e.getMessage(), operation, e.code());
        } catch (StateException e) {
            // The agent's own files (pins, journal) failed mid-update, e.g. a full disk: undo what it can.
            return rollback(journal, "the agent could not write its files: " + e.getMessage(), operation, "state_error");
        }
    }

    private Journal backUp(Journal journal) throws StepFailedException, StateException {
        Optional<String> schema;
        Path dump;
        try {
            schema = compose.schemaVersion();
            dump = backups.create(journal.to().version());
        } catch (ComposeException | BackupException e) {
            throw new StepFailedException("backup_failed", "the database backup failed: " + e.getMessage(), e);
        }
        progress.event(journal, Fixed.BACKED_UP, Optional.empty(), "database dumped to " + dump);
        return save(journal.withBackup(Optional.of(dump.toString()), schema).at(Step.BACKED_UP));
    }

    private void pull(Journal journal) throws StepFailedException {
        if (journal.services().isEmpty()) {
            return;
        }
        try {
            compose.pull(journal.services());
        } catch (ComposeException e) {
            throw new StepFailedException("pull_failed", "pulling the new images failed, no service was restarted: "
                    + e.getMessage(), e);
        }
        progress.event(journal, Fixed.PULLED, Optional.empty(), "images present for " + String.join(", ", journal.services()));
    }

    /** Recreates the services one at a time, from {@code restarted} on; stops before the updater. */
    private Journal restart(Journal journal) throws StepFailedException, StateException, InterruptedException {
        if (journal.step() == Step.PULLED) {
            journal = save(journal.at(Step.RESTARTING));
        }
        while (journal.step() == Step.RESTARTING && journal.restarted() < journal.services().size()) {
            String service = journal.services().get(journal.restarted());
            if (service.equals(services.updater())) {
                return save(journal.at(Step.HANDOFF));
            }
            report(AgentStatus.State.APPLYING, journal);
            if (journal.kind() == Journal.Kind.ROLLBACK && service.equals(services.server())) {
                restoreIfSchemaDiffers(journal);
            }
            recreate(journal, service, journal.to(), true);
            journal = save(journal.withRestarted(journal.restarted() + 1));
        }
        return journal;
    }

    /** @param checkVersion whether the server's /health must report {@code release}'s version */
    private void recreate(Journal journal, String service, Release release, boolean checkVersion)
            throws StepFailedException, InterruptedException {
        if (service.equals(services.server())) {
            drain();
        }
        try {
            compose.recreate(service);
        } catch (ComposeException e) {
            throw new StepFailedException("recreate_failed", "recreating " + service + " failed: " + e.getMessage(), e);
        } finally {
            if (service.equals(services.server())) {
                // compose leaves a container that already runs the wanted image alone (a rollback of a
                // server that was never replaced): that process must serve again, not stay drained.
                undrain();
            }
        }
        health.await(service, Optional.ofNullable(release.images().get(service)),
                service.equals(services.server()) && checkVersion ? Optional.of(release.version()) : Optional.empty());
        progress.event(journal, new UpdateEventKind.Restarted(service), Optional.empty(), service + " runs " + release.version());
    }

    /** Lets in-flight requests finish; a server that cannot be asked is restarted anyway (it may be what is broken). */
    private void drain() {
        try {
            DrainResult result = server.drain(drainTimeout);
            if (!result.idle()) {
                LOG.warning(() -> "the server still had " + result.inFlight() + " requests in flight after "
                        + drainTimeout.toSeconds() + " s; restarting it anyway");
            }
        } catch (ServerUnavailableException e) {
            LOG.warning(() -> "could not ask the server to drain (" + e.getMessage() + "); restarting it anyway");
        }
    }

    /** An operator's rollback to a release whose schema is older: the dump taken before the current one was installed. */
    private void restoreIfSchemaDiffers(Journal journal) throws StepFailedException {
        Optional<String> target = journal.to().schemaVersion();
        Optional<String> backup = journal.from().flatMap(Release::backup);
        if (target.isEmpty() || backup.isEmpty() || target.equals(journal.schemaBefore())) {
            return;
        }
        try {
            compose.stop(services.server());
            backups.restore(Path.of(backup.get()));
        } catch (ComposeException | BackupException e) {
            throw new StepFailedException("restore_failed", "restoring the database to schema " + target.get()
                    + " failed: " + e.getMessage(), e);
        }
        progress.event(journal, Fixed.DATABASE_RESTORED, Optional.empty(), "database restored from " + backup.get()
                + " (schema " + target.get() + "); the state before the rollback is in " + journal.backup().orElse("?"));
    }

    /** Starts the one-off updater that replaces this container; this process is stopped by it. */
    private OperationResult handOff(Journal journal, String operation) throws StepFailedException, StateException {
        report(AgentStatus.State.APPLYING, journal);
        try {
            compose.removeOneOff(handoffName);
            compose.startOneOff(services.updater(), handoffName, List.of(HANDOFF_ARG));
        } catch (ComposeException e) {
            throw new StepFailedException("handoff_failed", "starting the new updater failed: " + e.getMessage(), e);
        }
        progress.event(journal, Fixed.HANDOFF, Optional.empty(), "the new updater replaces this one");
        return OperationResult.ok(operation, "handing_off", "everything but the updater runs " + journal.to().version()
                + "; the new updater is replacing this one").withVersion(journal.to().version());
    }

    /** The release runs: record it, forget the journal, report. */
    OperationResult finish(Journal journal, String operation) throws StateException {
        Optional<String> schema = Optional.empty();
        try {
            schema = compose.schemaVersion();
        } catch (ComposeException e) {
            LOG.log(Level.WARNING, "could not read the schema version after the update: " + e.getMessage());
        }
        // After an update, the dump taken first is what a later rollback restores; a rolled-back-to release keeps its own.
        Release installed = new Release(journal.to().version(), journal.to().images(), schema,
                journal.kind() == Journal.Kind.UPDATE ? journal.backup() : journal.to().backup());
        AgentState state = store.load();
        boolean recordedAlready = state.installed().map(r -> r.version().equals(installed.version())
                && r.images().equals(installed.images())).orElse(false);
        state = recordedAlready ? state // finished before (a resumed finish): previous must not become this one
                : journal.kind() == Journal.Kind.UPDATE
                ? state.withInstalled(installed).withFailed(Optional.empty())
                : state.withInstalledAndPrevious(installed, Optional.empty())
                .withFailed(journal.from().map(f -> new FailedRelease(journal.channel(), journal.sequence(), f.version(),
                        f.images(), "rolled back by an operator", clock.instant(), Optional.empty())));
        store.save(state.withLastError(Optional.empty()));
        try {
            store.clearJournal();
        } catch (StateException e) {
            // The release is recorded as installed; resume() recognises the leftover journal as finished.
            LOG.warning(() -> "the update is finished but its journal stays: " + e.getMessage());
        }
        progress.event(journal, Fixed.APPLIED, Optional.empty(), "the stack runs " + journal.to().version());
        report(AgentStatus.State.IDLE, Optional.empty());
        return OperationResult.ok(operation, journal.kind() == Journal.Kind.UPDATE ? "applied" : "rolled_back",
                "the stack runs " + journal.to().version()).withVersion(journal.to().version());
    }

    private OperationResult rollback(Journal journal, String reason, String operation)
            throws StateException, InterruptedException {
        return rollback(journal, reason, operation, "rolled_back");
    }

    /**
     * Back to {@code journal.from}: previous pins, previous images on every service that was (or
     * may have been) recreated, the database restored if its schema moved, health confirmed.
     */
    OperationResult rollback(Journal journal, String reason, String operation, String code)
            throws StateException, InterruptedException {
        // The journal as last saved: the step that failed may have advanced it past the caller's copy.
        String id = journal.id();
        journal = store.journal().filter(j -> j.id().equals(id)).orElse(journal);
        // The services that were, or may have been, recreated; kept in the journal for a resumed rollback.
        int touched = switch (journal.step()) {
            case RESTARTING -> Math.min(journal.restarted() + 1, journal.services().size());
            case HANDOFF -> journal.services().size();
            case ROLLING_BACK, ROLLBACK_FAILED -> journal.restarted();
            default -> 0;
        };
        journal = save(journal.withRestarted(touched).rollingBack(reason));
        progress.event(journal, Fixed.ROLLBACK_STARTED, Optional.of(code), reason);
        report(AgentStatus.State.ROLLING_BACK, journal);
        // Before the agent's first update it knew no release: back to the pins of then, and any version.
        Release back = journal.from().orElse(new Release("the release before", journal.fromImages(), Optional.empty(),
                Optional.empty()));
        boolean versionKnown = journal.from().isPresent();
        try {
            pins.write(journal.fromImages(), "release " + back.version() + " (rolled back from " + journal.to().version() + ")");
            restoreIfSchemaMoved(journal);
            boolean updaterToReplace = false;
            for (String service : journal.services().subList(0, journal.restarted())) {
                if (service.equals(services.updater()) && !handoffProcess) {
                    // This process cannot recreate its own container; if it runs the new image, a one-off must.
                    updaterToReplace = !runsImage(service, back);
                    continue;
                }
                recreate(journal, service, back, versionKnown);
            }
            undrain();
            if (updaterToReplace) {
                return handOffRollback(journal, operation);
            }
        } catch (StepFailedException | StateException e) {
            Journal failed = save(journal.at(Step.ROLLBACK_FAILED));
            String message = "rolling back to " + back.version() + " failed: " + e.getMessage()
                    + " (the update had failed: " + reason + ")";
            store.save(store.load().withLastError(Optional.of(message)));
            progress.event(failed, Fixed.ROLLBACK_FAILED, Optional.of(e instanceof StepFailedException s ? s.code() : "state"),
                    message);
            report(AgentStatus.State.IDLE, failed);
            return OperationResult.failed(operation, "rollback_failed", message).withVersion(journal.to().version());
        }
        AgentState state = store.load();
        if (journal.kind() == Journal.Kind.UPDATE) {
            // A failed pull or file error says more about the registry or the disk than the release: tried
            // again after a while (not at every poll, each of which would dump the database first).
            Optional<Instant> retry = RETRYABLE.contains(code)
                    ? Optional.of(clock.instant().plus(RETRY_AFTER)) : Optional.empty();
            state = state.withFailed(Optional.of(new FailedRelease(journal.channel(), journal.sequence(),
                    journal.to().version(), journal.to().images(), reason, clock.instant(), retry)));
        }
        store.save(state.withLastError(Optional.of("update to " + journal.to().version() + " rolled back: " + reason)));
        store.clearJournal();
        progress.event(journal, Fixed.ROLLED_BACK, Optional.of(code), "back on " + back.version() + ": " + reason);
        report(AgentStatus.State.IDLE, Optional.empty());
        return OperationResult.failed(operation, "rolled_back", "update to " + journal.to().version()
                + " rolled back to " + back.version() + ": " + reason).withVersion(back.version());
    }

    private boolean runsImage(String service, Release release) throws StepFailedException {
        try {
            return compose.inspect(service).image().equals(Optional.ofNullable(release.images().get(service)));
        } catch (ComposeException e) {
            throw new StepFailedException("recreate_failed", "cannot see which image " + service + " runs: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Everything else is back; this updater runs the release being left. A one-off of the previous
     * updater image (the pins say so now) finishes the rollback by recreating this container.
     */
    private OperationResult handOffRollback(Journal journal, String operation) throws StepFailedException {
        try {
            compose.removeOneOff(handoffName);
            compose.startOneOff(services.updater(), handoffName, List.of(HANDOFF_ARG));
        } catch (ComposeException e) {
            throw new StepFailedException("handoff_failed", "starting the previous updater failed: " + e.getMessage(), e);
        }
        progress.event(journal, Fixed.ROLLBACK_HANDOFF, Optional.empty(), "the previous updater replaces this one");
        return OperationResult.failed(operation, "handing_off", "rolled back everything but the updater; the previous"
                + " updater is replacing this one").withVersion(journal.from().map(Release::version).orElse("?"));
    }

    /** The new server may have migrated the schema: then the pre-update dump goes back in, with the server stopped. */
    private void restoreIfSchemaMoved(Journal journal) throws StepFailedException {
        if (journal.backup().isEmpty() || !journal.services().subList(0, journal.restarted()).contains(services.server())) {
            return;
        }
        Optional<String> now;
        try {
            now = compose.schemaVersion();
        } catch (ComposeException e) {
            now = Optional.of("unknown (" + e.getMessage() + ")");
        }
        if (now.equals(journal.schemaBefore())) {
            return;
        }
        try {
            Path safety = backups.create("before-rollback");
            compose.stop(services.server());
            backups.restore(Path.of(journal.backup().get()));
            progress.event(journal, Fixed.DATABASE_RESTORED, Optional.empty(), "schema moved from "
                    + journal.schemaBefore().orElse("none") + " to " + now.orElse("none") + "; restored "
                    + journal.backup().get() + " (the database as it was before the rollback is in " + safety + ")");
        } catch (ComposeException | BackupException e) {
            throw new StepFailedException("restore_failed", "restoring the pre-update database failed: " + e.getMessage(), e);
        }
    }

    private void undrain() {
        try {
            server.undrain();
        } catch (ServerUnavailableException e) {
            LOG.fine(() -> "undrain: " + e.getMessage());
        }
    }

    /** The agent lock, waited for: the one-off holds it only to roll back. */
    @FunctionalInterface
    public interface LockSupplier {
        AutoCloseable acquire() throws Exception;
    }

    private Journal save(Journal journal) throws StateException {
        store.saveJournal(journal);
        return journal;
    }

    private void report(AgentStatus.State doing, Journal journal) throws StateException {
        report(doing, Optional.of(journal.step().name().toLowerCase()
                + (journal.step() == Step.RESTARTING && journal.restarted() < journal.services().size()
                ? " " + journal.services().get(journal.restarted()) : "")));
    }

    private void report(AgentStatus.State doing, Optional<String> step) throws StateException {
        progress.status(store.load(), doing, step);
    }

    // --- crash recovery and the updater's own replacement ---------------------------------------

    /**
     * Called at start, under the lock: finishes or undoes an update a previous process left.
     * Empty when there was none.
     */
    public Optional<OperationResult> resume() throws StateException, InterruptedException {
        Optional<Journal> open = store.journal();
        if (open.isEmpty()) {
            return Optional.empty();
        }
        Journal journal = open.get();
        boolean recorded = store.load().installed()
                .map(r -> r.version().equals(journal.to().version()) && r.images().equals(journal.to().images()))
                .orElse(false);
        if (recorded && journal.step().compareTo(Step.RESTARTING) >= 0 && journal.step().compareTo(Step.HANDOFF) <= 0
                && journal.restarted() == journal.services().size()) {
            // finish() recorded the release but could not remove the journal.
            store.clearJournal();
            return Optional.of(OperationResult.ok("resume", "applied", "the stack runs " + journal.to().version()));
        }
        LOG.info(() -> "found an unfinished update to " + journal.to().version() + " at step " + journal.step());
        return Optional.of(switch (journal.step()) {
            case PLANNED, BACKED_UP, PINNED, PULLED -> abandon(journal);
            // Every service was recreated and found healthy: only the record was missing.
            case RESTARTING -> journal.restarted() == journal.services().size() ? finish(journal, "resume")
                    // An operator's rollback goes on where it stopped rather than being undone.
                    : journal.kind() == Journal.Kind.ROLLBACK ? run(journal, "resume")
                    : rollback(journal, "the updater stopped while restarting "
                    + journal.services().get(journal.restarted()), "resume", "interrupted");
            case HANDOFF -> completeHandoff(journal);
            case ROLLING_BACK -> rollback(journal, journal.failure().orElse("interrupted"), "resume", "interrupted");
            case ROLLBACK_FAILED -> refuseIfJournaled("resume").orElseThrow();
        });
    }

    /** Stopped before any service was recreated: previous pins back, the release is tried again by the next check. */
    private OperationResult abandon(Journal journal) throws StateException {
        if (journal.step().compareTo(Step.BACKED_UP) >= 0) {
            pins.write(journal.fromImages(), "release " + journal.from().map(Release::version).orElse("before the update")
                    + " (update to " + journal.to().version() + " interrupted)");
        }
        store.clearJournal();
        progress.event(journal, Fixed.APPLY_INTERRUPTED, Optional.of("interrupted"), "the updater stopped at step "
                + journal.step().name().toLowerCase() + " before any service was restarted; nothing changed");
        report(AgentStatus.State.IDLE, Optional.empty());
        return OperationResult.failed("resume", "interrupted", "an update to " + journal.to().version()
                + " was interrupted before any service restarted; it will be tried again");
    }

    /**
     * This process started with the journal at HANDOFF: it is either the new sidecar (the one-off
     * did its job: finish) or the old one that came back without being replaced (roll back).
     */
    private OperationResult completeHandoff(Journal journal) throws StateException, InterruptedException {
        Optional<String> expected = Optional.ofNullable(journal.to().images().get(services.updater()));
        ContainerState self;
        try {
            self = compose.inspect(services.updater());
        } catch (ComposeException e) {
            // Not knowing is no reason to undo: the journal stays at HANDOFF and the next start or check asks again.
            return OperationResult.failed("resume", "busy", "cannot tell whether the new updater took over: "
                    + e.getMessage());
        }
        if (self.running() && self.image().equals(expected)) {
            return finish(journal.withRestarted(journal.services().size()), "resume");
        }
        try {
            if (compose.oneOffRunning(handoffName)) {
                return OperationResult.failed("resume", "busy", "the new updater is still replacing this one");
            }
        } catch (ComposeException e) {
            return OperationResult.failed("resume", "busy", "cannot see whether the new updater is still replacing this"
                    + " one: " + e.getMessage());
        }
        return rollback(journal, "the new updater did not take over (this container still runs "
                + self.image().orElse("an unknown image") + ")", "resume", "handoff_failed");
    }

    /**
     * The one-off's work ({@code hivemind-updater handoff}): recreate the updater service, wait
     * until the new sidecar runs, and roll everything back if it never does.
     */
    public OperationResult handoff(LockSupplier lock) throws Exception {
        handoffProcess = true;
        Optional<Journal> open = store.journal();
        if (open.isPresent() && open.get().step() == Step.ROLLING_BACK) {
            // Started by an updater that rolled back all but itself, and that waits, holding the lock, to be
            // replaced: finish that rollback on its behalf, its container included.
            return rollback(open.get(), open.get().failure().orElse("rolled back"), "handoff", "rolled_back");
        }
        if (open.isEmpty() || open.get().step() != Step.HANDOFF) {
            return OperationResult.ok("handoff", "nothing_to_do", "no update is waiting for the updater to be replaced");
        }
        Journal journal = open.get();
        try {
            recreate(journal, services.updater(), journal.to(), true);
        } catch (StepFailedException e) {
            // The new sidecar finishes the update itself when it runs; it never did, so undo it, under
            // the lock, in case the new sidecar ran long enough to do something after all.
            try (AutoCloseable held = lock.acquire()) {
                Optional<Journal> now = store.journal();
                if (now.isEmpty() || now.get().step() != Step.HANDOFF) {
                    return OperationResult.ok("handoff", "applied", "the new updater finished the update");
                }
                return rollback(now.get(), e.getMessage(), "handoff", e.code());
            }
        }
        return OperationResult.ok("handoff", "handed_off", "the new updater runs " + journal.to().version())
                .withVersion(journal.to().version());
    }
}
