package com.seglamater.hivemind.agent.testing;

import com.seglamater.hivemind.agent.Agent;
import com.seglamater.hivemind.agent.backup.Backups;
import com.seglamater.hivemind.agent.channel.ChannelSource;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.pins.PinsFile;
import com.seglamater.hivemind.agent.state.AgentState;
import com.seglamater.hivemind.agent.state.ChannelTrust;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.state.StateStore;
import com.seglamater.hivemind.agent.update.Checker;
import com.seglamater.hivemind.agent.update.FaultInjection;
import com.seglamater.hivemind.agent.update.HealthWaiter;
import com.seglamater.hivemind.agent.update.OfferedNotes;
import com.seglamater.hivemind.agent.update.Progress;
import com.seglamater.hivemind.agent.update.Updater;

import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.verify.StatementVerifier;
import com.seglamater.hivemind.model.verify.VerificationPolicy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The update engine over a {@link FakeStack}: everything real (state store, journal, pins file,
 * backups, health waiting) except Docker and the server. {@link #updater()} builds a fresh
 * engine on the same files, which is what a restarted agent process is.
 */
public final class Engine {

    public static final Instant NOW = Instant.parse("2026-11-20T08:00:00Z");
    public static final Duration HEALTH_TIMEOUT = Duration.ofMinutes(2);
    public static final AgentConfig.Services SERVICES =
            new AgentConfig.Services(FakeStack.SERVER, FakeStack.UPDATER, FakeStack.DB, "hivemind", "hivemind");

    public final Path dir;
    public final MutableClock clock = new MutableClock(NOW);
    public final PinsFile pins;
    public final StateStore store;
    public final FakeStack stack;
    public final RecordingServer server = new RecordingServer();
    /** Shared by the checker and the reports, as in the agent's assembly. */
    public final OfferedNotes notes = new OfferedNotes();
    public final Backups backups;
    /** What the updaters built here hold at; inert unless a test writes a request into the data directory. */
    public FaultInjection faults;

    public Engine(Path dir) throws Exception {
        this(dir, dir.resolve("data").resolve("backups"));
    }

    /** With the dumps in {@code backupDir}, as the stack keeps them apart from the data directory. */
    public Engine(Path dir, Path backupDir) throws Exception {
        this.dir = dir;
        Files.createDirectories(dir.resolve("stack"));
        pins = new PinsFile(dir.resolve("stack").resolve(AgentConfig.DEFAULT_PINS_FILE_NAME));
        store = new StateStore(dir.resolve("data"));
        stack = new FakeStack(pins);
        server.onDrain = call -> {
            stack.calls.add(call);
            stack.drained = call.equals("drain");
        };
        backups = new Backups(backupDir, 1, stack, clock, store::dumpsInUse);
        faults = new FaultInjection(store.dir(), clock.sleeper());
    }

    public Updater updater() {
        HealthWaiter waiter = new HealthWaiter(stack, stack, FakeStack.SERVER, HEALTH_TIMEOUT, clock, clock.sleeper());
        Progress progress = new Progress(server, "canary", false, clock, notes);
        return new Updater(stack, pins, backups, server, waiter, progress, store, SERVICES, Duration.ofSeconds(10),
                "hivemind", clock, faults);
    }

    /**
     * The agent's operations over this engine, polling {@code source} for {@code canary} and
     * verifying with {@code keyring}; what a daemon process is.
     */
    public Agent agent(AgentConfig.Approval approval, ChannelSource source, TrustedKeyring keyring) throws Exception {
        AgentConfig config = AgentConfig.from(Map.of(AgentConfig.APPROVAL, approval.name().toLowerCase(Locale.ROOT),
                AgentConfig.DATA_DIR, store.dir().toString()));
        StatementVerifier verifier = new StatementVerifier(keyring, VerificationPolicy.defaults(), clock);
        Checker checker = new Checker("canary", source, verifier, store, stack::services, clock, notes);
        HealthWaiter waiter = new HealthWaiter(stack, stack, FakeStack.SERVER, Duration.ofMinutes(1), clock,
                clock.sleeper());
        Progress progress = new Progress(server, "canary", approval == AgentConfig.Approval.MANUAL, clock, notes);
        return new Agent(config, checker, updater(), backups, stack, server, waiter, pins, store, progress);
    }

    public static String image(String repo, char digit) {
        return "registry.example.org/hivemind/" + repo + "@sha256:" + String.valueOf(digit).repeat(64);
    }

    /** A release: server and updater images, whose server reports {@code version} and migrates to {@code schema}. */
    public Map<String, String> release(String version, char digit, String schema) {
        String server = image("server", digit);
        stack.versionOfImage.put(server, version);
        stack.schemaOfImage.put(server, schema);
        return Map.of(FakeStack.SERVER, server, FakeStack.UPDATER, image("updater", digit));
    }

    /** The stack runs {@code images} as release {@code version}, as the agent installed it. */
    public void installed(String version, Map<String, String> images) throws Exception {
        pins.write(images, "test");
        stack.upAll();
        store.save(AgentState.EMPTY.withInstalled(new Release(version, images, stack.schema, Optional.empty())));
    }

    public static ChannelTrust offer(String version, long sequence, Map<String, String> images) {
        return new ChannelTrust(sequence, "f".repeat(64), version, NOW.plus(Duration.ofDays(7)), images,
                Optional.empty(), Optional.empty());
    }
}
