package com.seglamater.hivemind.agent;

import com.seglamater.hivemind.agent.testing.InProcessCli;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.agent.cli.ExitCode;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.control.ControlServer;
import com.seglamater.hivemind.agent.daemon.Heartbeat;
import com.seglamater.hivemind.agent.pins.PinsFile;
import com.seglamater.hivemind.agent.server.Outbox;
import com.seglamater.hivemind.agent.state.AgentLock;
import com.seglamater.hivemind.agent.state.AgentState;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.state.StateStore;
import com.seglamater.hivemind.agent.testing.FakeHivemindServer;
import com.seglamater.hivemind.agent.testing.ReleaseHost;
import com.seglamater.hivemind.agent.testing.ShortTempDir;
import com.seglamater.hivemind.agent.testing.StatefulDocker;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.CommandResult;
import com.seglamater.hivemind.model.admin.OperatorCommand;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production wiring as one process: {@link ProductionAgents#runDaemon} with the real
 * channel client, verifier, state files, admin client, outbox, compose CLI, pins file, backups,
 * health probe, control socket and command poller. Fakes sit only at the process boundaries:
 * a release host serving a tree signed by manifest-signer, a fake docker CLI (a bash script
 * with state), and the server's admin socket and {@code /health} on a MockWebServer.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DaemonWiringTest {

    private static final String SERVER = "hivemind-server";
    private static final String UPDATER = "hivemind-updater";
    private static final String DB = "hivemind-db";
    private static final String HANDOFF = "hivemind-updater-handoff";
    private static final String SCHEMA = "7";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** The outbox retries at most every 30 s; the daemon's own 10 s poll wakes it sooner. */
    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(40);
    private static final String PULL = "compose -p hivemind pull --quiet ";
    private static final String UP = "compose -p hivemind up -d ";
    private static final String DUMP = "compose -p hivemind exec -T hivemind-db pg_dump --username=hivemind"
            + " --dbname=hivemind --no-password --format=custom --compress=6";
    private static final List<String> UPDATE_EVENTS = List.of("check", "apply-started", "backed-up", "pulled",
            "restarted-" + SERVER, "applied");

    @TempDir
    Path dir;

    private ShortTempDir root;
    private ReleaseFixture release;
    private ReleaseHost host;
    private StatefulDocker docker;
    private FakeHivemindServer server;
    private Path dataDir;
    private Map<String, String> env;
    private final List<RunningDaemon> daemons = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        root = new ShortTempDir();
        release = new ReleaseFixture(Files.createDirectories(dir.resolve("release")));
        host = ReleaseHost.http(release.tree);
        docker = new StatefulDocker(root.resolve("docker"), List.of(SERVER, UPDATER, DB), SCHEMA);
        docker.composeImage(DB, "postgres:16");
        docker.running(DB, "postgres:16");
        Path tokenFile = root.resolve("admin.token");
        server = new FakeHivemindServer(tokenFile,
                () -> docker.runs(SERVER) ? docker.imageOf(SERVER) : Optional.empty(),
                () -> docker.runs(SERVER) ? docker.containerId(SERVER) : Optional.empty());
        server.onAdminCall = docker::note;
        dataDir = root.resolve("data");
        Map<String, String> e = new HashMap<>();
        e.put(AgentConfig.CHANNEL, "canary");
        e.put(AgentConfig.UPDATE_URL, host.baseUri().toString());
        e.put(AgentConfig.ALLOW_HTTP_LOOPBACK, "true");
        e.put(AgentConfig.KEYRING, release.keyring.toString());
        e.put(AgentConfig.INTERVAL, "10s");
        e.put(AgentConfig.DATA_DIR, dataDir.toString());
        e.put(AgentConfig.ADMIN_URL, server.adminUrl().toString());
        e.put(AgentConfig.HEALTH_URL, server.healthUrl().toString());
        e.put(AgentConfig.ADMIN_TOKEN_FILE, tokenFile.toString());
        e.put(AgentConfig.COMPOSE_COMMAND, docker.composeCommand());
        e.put(AgentConfig.PROJECT_DIR, docker.projectDir().toString());
        e.put(AgentConfig.ENV_FILE, docker.projectDir().resolve(".env").toString());
        e.put(AgentConfig.COMMAND_TIMEOUT, "30s");
        e.put(AgentConfig.HEALTH_TIMEOUT, "5s");
        e.put(AgentConfig.DRAIN_TIMEOUT, "5s");
        env = Map.copyOf(e);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (RunningDaemon daemon : daemons) {
            daemon.stopQuietly();
        }
        server.close();
        host.close();
        root.close();
    }

    @Test
    void theDaemonInstallsReleasesServesTheCliAndTheServersCommandsKeepsReportsThroughAnOutageAndStopsCleanly()
            throws Exception {
        String updater = image("updater", 'c');
        String v100 = image("server", 'a');
        String v110 = image("server", 'b');
        installed("1.0.0", v100, updater);
        publish("1.1.0", v110, updater);

        RunningDaemon daemon = start();

        // 1. The first check installs the published release: backup, pull, recreate, in that order.
        await("1.1.0 installed and reported", () -> installedVersion().equals(Optional.of("1.1.0"))
                && server.eventKindsTo("1.1.0").contains("applied"));
        assertThat(server.eventKindsTo("1.1.0")).containsExactlyElementsOf(UPDATE_EVENTS);
        List<String> timeline = docker.calls();
        assertThat(timeline).containsSubsequence(DUMP, PULL + SERVER, "#drain", UP + SERVER);
        assertThat(timeline).filteredOn(c -> c.startsWith(UP) || c.startsWith("compose -p hivemind run"))
                .as("the updater's image did not change: no handoff").containsExactly(UP + SERVER);
        assertThat(docker.imageOf(SERVER)).contains(v110);
        assertThat(docker.imageOf(UPDATER)).contains(updater);
        PinsFile pins = new PinsFile(docker.pinsFile());
        assertThat(pins.read()).isEqualTo(Map.of(SERVER, v110, UPDATER, updater));
        assertThat(pins.previous()).contains(Map.of(SERVER, v100, UPDATER, updater));
        AgentState state = store().load();
        Release installed = state.installed().orElseThrow();
        assertThat(installed.images()).isEqualTo(Map.of(SERVER, v110, UPDATER, updater));
        assertThat(installed.schemaVersion()).contains(SCHEMA);
        assertThat(state.previous().map(Release::version)).contains("1.0.0");
        assertThat(store().journal()).isEmpty();
        Path dump = Path.of(installed.backup().orElseThrow());
        assertThat(Files.readString(dump)).startsWith("PGDMP");
        AgentStatus idle = awaitStatus(s -> s.state() == AgentStatus.State.IDLE
                && s.installedVersion().equals(Optional.of("1.1.0")));
        assertThat(idle.availableVersion()).as("the release installed is not offered as an update").isEmpty();
        assertThat(idle.lastError()).isEmpty();
        assertThat(server.statuses).extracting(AgentStatus::reportedAt).isSorted();
        assertThat(server.statuses).allSatisfy(s -> assertThat(s.channel()).isEqualTo("canary"));
        assertThat(server.refusedTokens.get()).as("the restarted server's new token was read after a 401").isPositive();

        // 2. The CLI goes through the control socket: the daemon holds the lock and answers.
        assertThat(lockIsFree()).as("the daemon holds the agent lock").isFalse();
        assertThat(dataDir.resolve(Heartbeat.FILE)).as("the health check's heartbeat").exists();
        InProcessCli.Result check = cli("check", "--json");
        assertThat(check.exitCode()).as(check.toString()).isEqualTo(ExitCode.OK);
        assertThat(check.json().path("code").asText()).isEqualTo("up_to_date");
        assertThat(check.err()).contains("asking the running updater daemon");
        InProcessCli.Result backup = cli("backup", "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isEqualTo(ExitCode.OK);
        Path manual = Path.of(backup.json().path("file").asText());
        assertThat(manual.getParent()).isEqualTo(dataDir.resolve("backups"));
        assertThat(Files.readString(manual)).startsWith("PGDMP");
        InProcessCli.Result status = cli("status", "--json");
        assertThat(status.exitCode()).as(status.toString()).isEqualTo(ExitCode.OK);
        assertThat(status.json().path("daemon").asText()).isEqualTo("running");
        assertThat(status.json().at("/installed/version").asText()).isEqualTo("1.1.0");

        // 3. A command queued on the server is run and acknowledged.
        long checkNow = server.queue(OperatorCommand.Kind.CHECK_NOW, Optional.empty());
        CommandResult result = awaitResult(checkNow);
        assertThat(result.success()).as(result.message()).isTrue();
        assertThat(result.message()).contains("running 1.1.0");

        // 4. A newer release is picked up (by this command, or by the 10 s poll if it came first) and applied.
        String v120 = image("server", 'd');
        publish("1.2.0", v120, updater);
        long checkAgain = server.queue(OperatorCommand.Kind.CHECK_NOW, Optional.empty());
        CommandResult second = awaitResult(checkAgain);
        assertThat(second.success()).as(second.message()).isTrue();
        assertThat(second.message()).contains("1.2.0");
        assertThat(installedVersion()).contains("1.2.0");
        assertThat(docker.imageOf(SERVER)).contains(v120);
        assertThat(pins.read()).containsEntry(SERVER, v120);
        assertThat(store().load().previous().map(Release::version)).contains("1.1.0");
        await("1.2.0 reported", () -> server.eventKindsTo("1.2.0").contains("applied"));
        assertThat(server.eventKindsTo("1.2.0")).containsExactlyElementsOf(UPDATE_EVENTS);

        // 5. While the admin socket answers 503 the update still runs; its reports wait and arrive in order.
        server.outage(true);
        String v130 = image("server", 'e');
        publish("1.3.0", v130, updater);
        InProcessCli.Result during = cli("check", "--json");
        assertThat(during.exitCode()).as(during.toString()).isEqualTo(ExitCode.OK);
        assertThat(during.json().path("code").asText()).isIn("applied", "up_to_date");
        assertThat(installedVersion()).contains("1.3.0");
        assertThat(docker.imageOf(SERVER)).contains(v130);
        assertThat(server.eventKindsTo("1.3.0")).as("nothing got through the outage").isEmpty();
        assertThat(queuedEventFiles()).isNotEmpty();
        assertThat(server.refusedDuringOutage.get()).isPositive();
        server.outage(false);
        await("the reports made during the outage delivered", () -> server.eventKindsTo("1.3.0").contains("applied")
                && server.lastStatus().flatMap(AgentStatus::installedVersion).equals(Optional.of("1.3.0")),
                DELIVERY_WAIT);
        assertThat(server.eventKindsTo("1.3.0")).containsExactlyElementsOf(UPDATE_EVENTS);

        // 6. Stopping removes the control socket, hands over what is queued and frees the lock.
        assertThat(daemon.stop()).isEqualTo(ExitCode.OK);
        assertThat(dataDir.resolve(ControlServer.SOCKET_FILE)).doesNotExist();
        assertThat(dataDir.resolve(Heartbeat.FILE)).as("a stopped daemon is not alive").doesNotExist();
        assertThat(lockIsFree()).isTrue();
        assertThat(queuedEventFiles()).isEmpty();
        assertThat(cli("status", "--json").json().path("daemon").asText()).isEqualTo("stopped");
    }

    @Test
    void aNewUpdaterImageIsHandedToAOneOffThatReplacesTheSidecarAndTheNextDaemonFinishesTheUpdate() throws Exception {
        String v100 = image("server", 'a');
        String oldUpdater = image("updater", 'c');
        String v110 = image("server", 'b');
        String newUpdater = image("updater", 'f');
        installed("1.0.0", v100, oldUpdater);
        publish("1.1.0", v110, newUpdater);

        RunningDaemon first = start();

        await("the handoff one-off started", () -> docker.oneOff(HANDOFF).isPresent()
                && server.eventKindsTo("1.1.0").contains("handoff"));
        assertThat(docker.oneOff(HANDOFF)).contains(List.of(UPDATER, "handoff"));
        assertThat(docker.calls()).containsSubsequence(DUMP, PULL + SERVER + " " + UPDATER, UP + SERVER,
                "compose -p hivemind run -d --no-deps --name " + HANDOFF + " " + UPDATER + " handoff");
        assertThat(store().journal().map(Journal::step)).contains(Journal.Step.HANDOFF);
        assertThat(docker.imageOf(SERVER)).contains(v110);
        assertThat(docker.imageOf(UPDATER)).as("this daemon's container is not replaced by itself").contains(oldUpdater);
        InProcessCli.Result busy = cli("check", "--json");
        assertThat(busy.exitCode()).as(busy.toString()).isEqualTo(ExitCode.BUSY);
        assertThat(busy.json().path("message").asText()).contains("being replaced");

        // The one-off container's work, in this process: recreate the updater service.
        assertThat(new ProductionAgents().handoff(AgentConfig.from(env))).isEqualTo(ExitCode.OK);
        assertThat(docker.imageOf(UPDATER)).contains(newUpdater);
        assertThat(queuedEventFiles(dataDir.resolve("handoff"))).as("the one-off delivered its own reports").isEmpty();
        assertThat(docker.calls()).contains(UP + UPDATER);
        // Recreating the container stopped the old daemon; the one-off ends.
        assertThat(first.stop()).isEqualTo(ExitCode.OK);
        docker.exitOneOff(HANDOFF);

        // The new sidecar's daemon finds the journal at HANDOFF, sees itself on the new image, and finishes.
        RunningDaemon second = start();
        await("1.1.0 installed by the new daemon", () -> installedVersion().equals(Optional.of("1.1.0"))
                && server.eventKindsTo("1.1.0").contains("applied"));
        assertThat(store().journal()).isEmpty();
        assertThat(store().load().installed().map(Release::images)).contains(Map.of(SERVER, v110, UPDATER, newUpdater));
        assertThat(server.eventKindsTo("1.1.0")).containsExactly("check", "apply-started", "backed-up", "pulled",
                "restarted-" + SERVER, "handoff", "restarted-" + UPDATER, "applied");
        assertThat(second.stop()).isEqualTo(ExitCode.OK);
        assertThat(lockIsFree()).isTrue();
    }

    @Test
    void aReleaseWhoseServerNeverReportsItsVersionIsRolledBackWithTheDatabaseAsItWasAndNotRetried() throws Exception {
        String updater = image("updater", 'c');
        String v100 = image("server", 'a');
        String wrongBuild = image("server", 'b');
        installed("1.0.0", v100, updater);
        publish("1.1.0", wrongBuild, updater);
        server.version(wrongBuild, "1.0.0"); // the image published as 1.1.0 is an old build
        docker.migrates(wrongBuild, "8");

        RunningDaemon daemon = start();

        await("1.1.0 rolled back and reported", () -> server.eventKindsTo("1.1.0").contains("rolled-back"));
        assertThat(server.eventKindsTo("1.1.0")).containsExactly("check", "apply-started", "backed-up", "pulled",
                "rollback-started", "database-restored", "restarted-" + SERVER, "rolled-back");
        assertThat(server.events).filteredOn(e -> e.kind().wireName().equals("rolled-back")).singleElement()
                .satisfies(e -> assertThat(e.code()).contains("version_not_reported"));
        assertThat(docker.calls()).containsSubsequence(DUMP, PULL + SERVER, "#drain", UP + SERVER,
                DUMP, "compose -p hivemind stop " + SERVER,
                "compose -p hivemind exec -T hivemind-db pg_restore --username=hivemind --dbname=hivemind"
                        + " --no-password --clean --if-exists --single-transaction --no-owner --no-privileges",
                UP + SERVER, "#undrain");
        assertThat(docker.imageOf(SERVER)).contains(v100);
        assertThat(new PinsFile(docker.pinsFile()).read()).isEqualTo(Map.of(SERVER, v100, UPDATER, updater));
        assertThat(docker.schema()).as("the pre-update dump went back in").isEqualTo(SCHEMA);
        assertThat(docker.restored().orElseThrow()).startsWith("PGDMP").endsWith("schema " + SCHEMA);
        try (Stream<Path> dumps = Files.list(dataDir.resolve("backups"))) {
            assertThat(dumps.map(p -> p.getFileName().toString()))
                    .as("the migrated database was kept before the restore").anyMatch(n -> n.contains("before-rollback"));
        }
        AgentState state = store().load();
        assertThat(state.installed().map(Release::version)).contains("1.0.0");
        assertThat(state.failed().map(f -> f.version())).contains("1.1.0");
        assertThat(store().journal()).isEmpty();
        AgentStatus status = awaitStatus(s -> s.state() == AgentStatus.State.IDLE && s.lastError().isPresent());
        assertThat(status.installedVersion()).contains("1.0.0");
        assertThat(status.availableVersion()).as("still available, just not applied by itself").contains("1.1.0");
        assertThat(status.lastError().orElseThrow()).contains("rolled back");

        long checkNow = server.queue(OperatorCommand.Kind.CHECK_NOW, Optional.empty());
        CommandResult result = awaitResult(checkNow);
        assertThat(result.message()).contains("rolled back").contains("not applied again");
        assertThat(docker.calls()).filteredOn(c -> c.startsWith(UP)).as("not retried").hasSize(2);
        assertThat(daemon.stop()).isEqualTo(ExitCode.OK);
    }

    // ---- fixtures -------------------------------------------------------------------------

    private static String image(String repo, char digit) {
        return "registry.example.org/hivemind/" + repo + "@sha256:" + String.valueOf(digit).repeat(64);
    }

    /** The stack runs release {@code version}, as an earlier run of the agent installed it. */
    private void installed(String version, String serverImage, String updaterImage) throws Exception {
        Map<String, String> images = Map.of(SERVER, serverImage, UPDATER, updaterImage);
        new PinsFile(docker.pinsFile()).write(images, "release " + version);
        docker.running(SERVER, serverImage);
        docker.running(UPDATER, updaterImage);
        server.version(serverImage, version);
        store().save(AgentState.EMPTY.withInstalled(new Release(version, images, Optional.of(SCHEMA), Optional.empty())));
    }

    /** Signs and publishes a release on canary now (the agent checks expiry against the real clock). */
    private void publish(String version, String serverImage, String updaterImage) {
        server.version(serverImage, version);
        release.cli.at(Instant.now());
        release.publishOk("canary", version, "--image", SERVER + "=" + serverImage, "--image", UPDATER + "=" + updaterImage);
    }

    private StateStore store() {
        return new StateStore(dataDir);
    }

    private Optional<String> installedVersion() throws Exception {
        return store().load().installed().map(Release::version);
    }

    private boolean lockIsFree() throws Exception {
        Optional<AgentLock> lock = AgentLock.tryAcquire(dataDir);
        lock.ifPresent(AgentLock::close);
        return lock.isPresent();
    }

    private List<Path> queuedEventFiles() throws Exception {
        return queuedEventFiles(dataDir);
    }

    private static List<Path> queuedEventFiles(Path outboxParent) throws Exception {
        try (Stream<Path> files = Files.list(outboxParent.resolve(Outbox.DIR))) {
            return files.filter(f -> f.getFileName().toString().matches("[0-9]{19}\\.json")).toList();
        }
    }

    private CommandResult awaitResult(long commandId) throws Exception {
        await("a result for command " + commandId, () -> server.result(commandId).isPresent());
        return server.result(commandId).orElseThrow();
    }

    /** The latest status the server received that matches; later ones may have arrived since. */
    private AgentStatus awaitStatus(Predicate<AgentStatus> matching) throws Exception {
        await("a status report like that", () -> server.statuses.stream().anyMatch(matching));
        List<AgentStatus> matches = server.statuses.stream().filter(matching).toList();
        return matches.get(matches.size() - 1);
    }

    private InProcessCli.Result cli(String... args) {
        return InProcessCli.run(env, new ProductionAgents(), args);
    }

    private RunningDaemon start() throws Exception {
        RunningDaemon daemon = new RunningDaemon(AgentConfig.from(env));
        daemons.add(daemon);
        return daemon;
    }

    /** {@code runDaemon} on its own thread, with the stop action it hands out kept instead of made a shutdown hook. */
    private static final class RunningDaemon {
        private final CompletableFuture<Runnable> stopAction = new CompletableFuture<>();
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        private boolean stopped;

        RunningDaemon(AgentConfig config) {
            Thread.ofPlatform().name("daemon-under-test").daemon().start(() -> {
                try {
                    exit.complete(new ProductionAgents().runDaemon(config, stopAction::complete));
                } catch (Throwable e) {
                    exit.completeExceptionally(e);
                }
            });
        }

        /** Stops the daemon and returns its exit code once {@code runDaemon} has returned (the lock released). */
        int stop() throws Exception {
            stopped = true;
            Runnable stop = CompletableFuture.anyOf(stopAction, exit).get(WAIT.toSeconds(), TimeUnit.SECONDS)
                    instanceof Runnable r ? r : () -> { };
            stop.run();
            return exit.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        void stopQuietly() {
            if (!stopped) {
                try {
                    stop();
                } catch (Exception ignored) {
                    // The test failed already; this only keeps the daemon from outliving it.
                }
            }
        }

        void failIfDied() throws Exception {
            if (exit.isDone()) {
                exit.get(); // throws what ended it
                throw new AssertionError("the daemon ended by itself with exit code " + exit.get());
            }
        }
    }

    private void await(String what, Callable<Boolean> condition) throws Exception {
        await(what, condition, WAIT);
    }

    /** Polls {@code condition} until it holds; fails with what the fakes saw if it does not within {@code bound}. */
    private void await(String what, Callable<Boolean> condition, Duration bound) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.call()) {
            for (RunningDaemon daemon : daemons) {
                if (!daemon.stopped) {
                    daemon.failIfDied();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + bound.toSeconds() + " s: " + what
                        + "\ndocker calls: " + String.join("\n  ", docker.calls())
                        + "\nevents: " + server.eventKinds() + "\nlast status: " + server.lastStatus()
                        + "\nstate: " + (Files.exists(dataDir.resolve(StateStore.STATE_FILE))
                        ? Files.readString(dataDir.resolve(StateStore.STATE_FILE)) : "none"));
            }
            Thread.sleep(50);
        }
    }
}
