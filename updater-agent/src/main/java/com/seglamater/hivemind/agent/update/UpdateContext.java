package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.backup.Backups;
import com.seglamater.hivemind.agent.compose.Compose;
import com.seglamater.hivemind.agent.compose.ComposeException;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.pins.PinsFile;
import com.seglamater.hivemind.agent.server.ServerLink;
import com.seglamater.hivemind.agent.server.ServerUnavailableException;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.Journal.Step;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.state.StateException;
import com.seglamater.hivemind.agent.state.StateStore;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.DrainResult;
import com.seglamater.hivemind.model.admin.UpdateEventKind;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * What {@link Apply}, {@link Rollback}, {@link Resume} and {@link Handoff} share: the stack, the
 * agent's files, the server, and the few steps each of them takes (journal a step, report,
 * recreate one service with a health check, start the one-off updater).
 */
final class UpdateContext {

    /**
     * The command the one-off container runs ({@code hivemind-updater handoff}, the CLI's
     * {@code HandoffCommand}): it replaces the updater's own container.
     */
    static final String HANDOFF_COMMAND = "handoff";

    private static final Logger LOG = Logger.getLogger(UpdateContext.class.getName());

    final Compose compose;
    final PinsFile pins;
    final Backups backups;
    final HealthWaiter health;
    final Progress progress;
    final StateStore store;
    final AgentConfig.Services services;
    /** The name of the one-off container that replaces the updater's own container. */
    final String handoffName;
    final Clock clock;
    /** Inert unless a fault test asks: holds at a named step so the test can kill this process there. */
    final FaultInjection faults;
    private final ServerLink server;
    private final Duration drainTimeout;

    UpdateContext(Compose compose, PinsFile pins, Backups backups, ServerLink server, HealthWaiter health,
                  Progress progress, StateStore store, AgentConfig.Services services, Duration drainTimeout,
                  String handoffName, Clock clock, FaultInjection faults) {
        this.compose = compose;
        this.pins = pins;
        this.backups = backups;
        this.server = server;
        this.health = health;
        this.progress = progress;
        this.store = store;
        this.services = services;
        this.drainTimeout = drainTimeout;
        this.handoffName = handoffName;
        this.clock = clock;
        this.faults = faults;
    }

    /** Journals {@code journal} (before its step runs) and returns it. */
    Journal save(Journal journal) throws StateException {
        store.saveJournal(journal);
        return journal;
    }

    /** Nothing new starts while a journal is open: a rollback that failed waits for an operator, anything else is busy. */
    Optional<OperationResult> refuseIfJournaled(String operation) throws StateException {
        Optional<Journal> open = store.journal();
        if (open.isEmpty()) {
            return Optional.empty();
        }
        if (open.get().step() == Step.ROLLBACK_FAILED) {
            return Optional.of(OperationResult.failed(operation, OperationCode.ROLLBACK_FAILED,
                    "the rollback of " + open.get().to().version() + " failed and needs an operator: "
                            + open.get().failure().orElse("") + "; fix the cause and run `hivemind-updater rollback`"));
        }
        return Optional.of(OperationResult.failed(operation, OperationCode.BUSY, "an update to " + open.get().to().version()
                + " is in progress (step " + open.get().step().name().toLowerCase() + ")"));
    }

    /** Reports the journal's step (and the service being restarted) as the agent's status. */
    void report(AgentStatus.State doing, Journal journal) throws StateException {
        report(doing, Optional.of(journal.step().name().toLowerCase()
                + (journal.step() == Step.RESTARTING && journal.restarted() < journal.services().size()
                ? " " + journal.services().get(journal.restarted()) : "")));
    }

    void report(AgentStatus.State doing, Optional<String> step) throws StateException {
        progress.status(store.load(), doing, step);
    }

    /**
     * Recreates {@code service} on {@code release}'s image and waits until it is healthy; the
     * server is drained first and undrained whatever happens.
     *
     * @param checkVersion whether the server's /health must report {@code release}'s version
     */
    void recreate(Journal journal, String service, Release release, boolean checkVersion)
            throws StepFailedException, InterruptedException {
        if (service.equals(services.server())) {
            drain();
        }
        try {
            compose.recreate(service);
        } catch (ComposeException e) {
            throw new StepFailedException(FailureCode.RECREATE_FAILED, "recreating " + service + " failed: " + e.getMessage(), e);
        } finally {
            if (service.equals(services.server())) {
                // compose leaves a container that already runs the wanted image alone (a rollback of a
                // server that was never replaced): that process must serve again, not stay drained.
                undrain();
            }
        }
        if (journal.step() == Step.RESTARTING || journal.step() == Step.HANDOFF) {
            faults.at(FaultPoint.of(FaultPoint.Kind.AWAITING_HEALTH, service));
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

    void undrain() {
        try {
            server.undrain();
        } catch (ServerUnavailableException e) {
            LOG.fine(() -> "undrain: " + e.getMessage());
        }
    }

    /**
     * Starts the one-off updater ({@link #HANDOFF_COMMAND}) from the updater image the pins name now;
     * it replaces this container, which stops this process.
     *
     * @param which {@code new} or {@code previous}, for the message when it cannot start
     */
    void startOneOff(String which) throws StepFailedException {
        try {
            compose.removeOneOff(handoffName);
            compose.startOneOff(services.updater(), handoffName, List.of(HANDOFF_COMMAND));
        } catch (ComposeException e) {
            throw new StepFailedException(FailureCode.HANDOFF_FAILED, "starting the " + which + " updater failed: "
                    + e.getMessage(), e);
        }
    }
}
