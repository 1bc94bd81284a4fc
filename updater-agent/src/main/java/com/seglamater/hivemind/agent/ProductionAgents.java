package com.seglamater.hivemind.agent;


import com.seglamater.hivemind.agent.cli.AgentBusyException;
import com.seglamater.hivemind.agent.cli.AgentFactory;
import com.seglamater.hivemind.agent.cli.ExitCode;
import com.seglamater.hivemind.agent.cli.LocalAgent;
import com.seglamater.hivemind.agent.compose.StackDirectory;
import com.seglamater.hivemind.agent.compose.StackDirectoryException;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.control.ControlRequest;
import com.seglamater.hivemind.agent.control.ControlServer;
import com.seglamater.hivemind.agent.daemon.CommandPoller;
import com.seglamater.hivemind.agent.daemon.Daemon;
import com.seglamater.hivemind.agent.daemon.Heartbeat;
import com.seglamater.hivemind.agent.daemon.Schedule;
import com.seglamater.hivemind.agent.daemon.Shutdown;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.server.Outbox;
import com.seglamater.hivemind.agent.server.OutboxDelivery;
import com.seglamater.hivemind.agent.state.AgentLock;
import com.seglamater.hivemind.agent.state.StateException;
import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.model.logging.Logging;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The real agent behind the CLI: the update engine with OkHttp, the verifier, docker compose
 * and the admin socket ({@link Assembly}), under the agent lock.
 */
public final class ProductionAgents implements AgentFactory {

    private static final Logger LOG = Logger.getLogger(ProductionAgents.class.getName());
    /** A daemon starting while the one it replaces is still stopping waits this long for the lock. */
    static final Duration DAEMON_LOCK_WAIT = Duration.ofSeconds(60);
    /**
     * The one-off waits this long for the lock before it rolls back an update the new updater did
     * not finish. Held longer, the lock means the old updater still runs: it notices the one-off
     * has exited and rolls back itself (Daemon.HANDOFF_WATCH).
     */
    static final Duration HANDOFF_LOCK_WAIT = Duration.ofSeconds(20);
    /** How long a stopping process keeps trying to hand its queued reports to the server. */
    static final Duration FLUSH = Duration.ofSeconds(10);

    /** Where the handoff one-off keeps its report queue, inside the data directory. */
    static final String HANDOFF_DIR = "handoff";

    private final Clock clock = Clock.systemUTC();

    @Override
    public LocalAgent local(AgentConfig config, ControlRequest request) throws Exception {
        // Configuration first: a keyring that cannot do the work is the answer, whoever holds the lock.
        TrustedKeyring keyring = request.verifiesStatements()
                ? Assembly.keyringThatCanSign(config, clock.instant()) : Assembly.keyring(config);
        AgentLock lock = AgentLock.tryAcquire(config.dataDir()).orElseThrow(() -> new AgentBusyException(config.dataDir()));
        try {
            Assembly assembly = Assembly.build(config, keyring, clock, config.dataDir());
            OutboxDelivery delivery = assembly.outbox().startDelivery();
            // A daemon that died mid-update left a journal: finish or undo it before anything else.
            assembly.agent().resume();
            return new Local(assembly, delivery, lock);
        } catch (Exception e) {
            lock.close();
            throw e;
        }
    }

    @Override
    public int runDaemon(AgentConfig config) throws Exception {
        return runDaemon(config, stop -> Runtime.getRuntime().addShutdownHook(new Thread(stop, "shutdown")));
    }

    /**
     * The daemon, stopped by the action handed to {@code stopper} once it runs (the process makes
     * it its shutdown hook; tests keep it): a {@link Shutdown}, which returns when the daemon has
     * finished or after {@link Shutdown#WAIT}; the lock is released as this method returns.
     */
    int runDaemon(AgentConfig config, Consumer<Runnable> stopper) throws Exception {
        // Every update runs compose there: a container started without the stack mounted says so in
        // its first line, not at its first update. Checked before the lock, whose directory may be
        // inside it and would otherwise be created.
        try {
            StackDirectory.require(config.projectDir());
        } catch (StackDirectoryException e) {
            throw new ConfigException(AgentConfig.PROJECT_DIR, e.withoutVariable());
        }
        // The keyring too, before waiting for the lock: a daemon that could accept no release says so at once.
        TrustedKeyring keyring = Assembly.keyringThatCanSign(config, clock.instant());
        try (AgentLock lock = waitForLock(config.dataDir(), DAEMON_LOCK_WAIT)
                .orElseThrow(() -> new AgentBusyException(config.dataDir()))) {
            Assembly assembly = Assembly.build(config, keyring, clock, config.dataDir());
            // An unreadable state file stops the daemon with its message: it never starts over without its trust.
            assembly.store().load();
            assembly.store().journal();
            if (config.logDir().isPresent()) {
                Logging.toFiles(config.logDir().get(), "hivemind-updater", AgentConfig.LOG_DIR);
            }
            config.summary().forEach(LOG::info);
            OutboxDelivery delivery = assembly.outbox().startDelivery();
            // Reports a handoff one-off could not deliver before it exited (its own queue, see handoff()).
            flush(new Outbox(config.dataDir().resolve(HANDOFF_DIR), assembly.server()));
            ControlServer control = ControlServer.start(config.dataDir(), assembly.agent());
            Heartbeat heartbeat;
            try {
                // Docker sets HOSTNAME to the container's id: the health check compares it.
                heartbeat = Heartbeat.start(config.dataDir(), System.getenv().getOrDefault("HOSTNAME", ""), clock);
            } catch (java.io.IOException | RuntimeException e) {
                control.close();
                throw e;
            }
            Daemon daemon = new Daemon(assembly.agent(), new CommandPoller(assembly.server(), assembly.agent()),
                    new Schedule(config.interval(), () -> ThreadLocalRandom.current().nextDouble()),
                    List.of(heartbeat, control, delivery));
            Shutdown shutdown = new Shutdown(daemon::stop, assembly.store()::journal, Shutdown.WAIT);
            stopper.accept(shutdown);
            try {
                daemon.run();
            } finally {
                shutdown.delivering();
                flush(assembly.outbox());
                shutdown.done();
            }
            return ExitCode.OK;
        }
    }

    @Override
    public int handoff(AgentConfig config) throws Exception {
        // Its own report queue: the sidecar's daemon may be writing the shared one at the same time. It verifies no
        // statement, only finishes or undoes the update in progress: a keyring that can no longer sign must not stop it.
        Assembly assembly = Assembly.build(config, Assembly.keyring(config), clock,
                config.dataDir().resolve(HANDOFF_DIR));
        try (OutboxDelivery delivery = assembly.outbox().startDelivery()) {
            OperationResult result = assembly.updater().handoff(() -> waitForLock(config.dataDir(), HANDOFF_LOCK_WAIT)
                    .orElseThrow(() -> new StateException("the agent lock in " + config.dataDir()
                            + " stayed busy; the update is left to the updater that holds it")));
            LOG.info(() -> "handoff: " + result.code() + ": " + result.message());
            flush(assembly.outbox());
            return ExitCode.of(result);
        }
    }

    private static Optional<AgentLock> waitForLock(Path dataDir, Duration bound) throws StateException,
            InterruptedException {
        Instant deadline = Instant.now().plus(bound);
        boolean said = false;
        while (true) {
            Optional<AgentLock> lock = AgentLock.tryAcquire(dataDir);
            if (lock.isPresent() || Instant.now().isAfter(deadline)) {
                return lock;
            }
            if (!said) {
                LOG.info(() -> "waiting up to " + bound.toSeconds() + " s for the agent lock in " + dataDir);
                said = true;
            }
            Thread.sleep(500);
        }
    }

    private static void flush(Outbox outbox) {
        Instant deadline = Instant.now().plus(FLUSH);
        while (outbox.pending() && Instant.now().isBefore(deadline)) {
            outbox.deliver();
            if (outbox.pending()) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        if (outbox.pending()) {
            LOG.info(() -> (outbox.queuedEvents() > 0 ? outbox.queuedEvents() + " events and " : "")
                    + "the latest status stay queued for the next start");
        }
    }

    /** The in-process agent of a CLI command; closing it hands over queued reports and releases the lock. */
    private record Local(Assembly assembly, OutboxDelivery delivery, AgentLock lock) implements LocalAgent {

        @Override
        public OperationResult check(boolean apply) {
            return assembly.agent().check(apply);
        }

        @Override
        public OperationResult approve(String version) {
            return assembly.agent().approve(version);
        }

        @Override
        public OperationResult downgrade() {
            return assembly.agent().downgrade();
        }

        @Override
        public OperationResult rollback() {
            return assembly.agent().rollback();
        }

        @Override
        public OperationResult backup() {
            return assembly.agent().backup();
        }

        @Override
        public OperationResult restore(Path dump) {
            return assembly.agent().restore(dump);
        }

        @Override
        public void close() {
            try {
                flush(assembly.outbox());
                delivery.close();
            } finally {
                lock.close();
            }
        }
    }
}
