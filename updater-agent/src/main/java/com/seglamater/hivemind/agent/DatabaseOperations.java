package com.seglamater.hivemind.agent;

import com.seglamater.hivemind.agent.backup.BackupException;
import com.seglamater.hivemind.agent.backup.Backups;
import com.seglamater.hivemind.agent.compose.Compose;
import com.seglamater.hivemind.agent.compose.ComposeException;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.pins.PinsFile;
import com.seglamater.hivemind.agent.server.ServerLink;
import com.seglamater.hivemind.agent.server.ServerUnavailableException;
import com.seglamater.hivemind.agent.state.AgentState;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.state.StateException;
import com.seglamater.hivemind.agent.state.StateStore;
import com.seglamater.hivemind.agent.update.HealthWaiter;
import com.seglamater.hivemind.agent.update.Progress;
import com.seglamater.hivemind.agent.update.StepFailedException;
import com.seglamater.hivemind.model.admin.UpdateEventKind;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The agent's operations on the database outside an update: a manual backup, and a restore, which
 * first dumps the database as it is, then drains and stops the server, restores, and brings the
 * server back (recreated, undrained, healthy). The {@link Agent} runs them one at a time with its
 * other operations.
 */
final class DatabaseOperations {

    private static final Logger LOG = Logger.getLogger(DatabaseOperations.class.getName());

    private final AgentConfig config;
    private final Backups backups;
    private final Compose compose;
    private final ServerLink server;
    private final HealthWaiter health;
    private final PinsFile pins;
    private final StateStore store;
    private final Progress progress;

    DatabaseOperations(AgentConfig config, Backups backups, Compose compose, ServerLink server, HealthWaiter health,
                       PinsFile pins, StateStore store, Progress progress) {
        this.config = config;
        this.backups = backups;
        this.compose = compose;
        this.server = server;
        this.health = health;
        this.pins = pins;
        this.store = store;
        this.progress = progress;
    }

    OperationResult backup() {
        try {
            Path dump = backups.create("manual");
            return OperationResult.ok("backup", OperationCode.BACKED_UP, "database dumped to " + dump).withFile(dump.toString());
        } catch (BackupException e) {
            return OperationResult.failed("backup", OperationCode.BACKUP_FAILED, e.getMessage());
        }
    }

    OperationResult restore(Path dump) throws InterruptedException, StateException {
        AgentState state = store.load();
        Path safety;
        try {
            backups.validate(dump);
            safety = backups.create("before-restore", Set.of(dump));
        } catch (BackupException e) {
            return OperationResult.failed("restore", OperationCode.RESTORE_FAILED, e.getMessage());
        }
        String serverService = config.services().server();
        try {
            server.drain(config.timeouts().drain());
        } catch (ServerUnavailableException e) {
            LOG.warning(() -> "could not ask the server to drain before the restore: " + e.getMessage());
        }
        try {
            compose.stop(serverService);
            backups.restore(dump);
        } catch (ComposeException | BackupException e) {
            restartServer(state);
            return OperationResult.failed("restore", OperationCode.RESTORE_FAILED, "restoring " + dump + " failed: " + e.getMessage()
                    + "; the database as it was before is in " + safety).withFile(safety.toString());
        }
        Optional<String> problem = restartServer(state);
        String message = "database restored from " + dump + "; the database as it was before is in " + safety
                + problem.map(p -> "; but the server did not come back healthy: " + p).orElse("");
        // A restore changes the database only: the release installed is the one read at the start.
        progress.event("restore:" + UUID.randomUUID(), UpdateEventKind.Fixed.RESTORED, state.installed().map(Release::version),
                Optional.empty(), Optional.empty(), message);
        return new OperationResult("restore", problem.isEmpty(),
                problem.isEmpty() ? OperationCode.RESTORED : OperationCode.RESTORED_UNHEALTHY,
                Optional.empty(), message, Optional.empty(), Optional.of(dump.toString()));
    }

    private Optional<String> restartServer(AgentState state) throws InterruptedException {
        String serverService = config.services().server();
        try {
            compose.recreate(serverService);
            try {
                server.undrain(); // a server the stop did not reach is the same process, still drained
            } catch (ServerUnavailableException e) {
                LOG.fine(() -> "undrain after the restore: " + e.getMessage());
            }
            health.await(serverService, Optional.ofNullable(pinnedImage(serverService)),
                    state.installed().map(Release::version));
            return Optional.empty();
        } catch (ComposeException | StepFailedException e) {
            return Optional.of(e.getMessage());
        }
    }

    private String pinnedImage(String service) {
        try {
            return pins.read().get(service);
        } catch (StateException e) {
            return null;
        }
    }
}
