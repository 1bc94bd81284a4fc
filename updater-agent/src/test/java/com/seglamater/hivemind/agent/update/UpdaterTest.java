package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.state.AgentState;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.testing.Engine;
import com.seglamater.hivemind.agent.testing.FakeStack;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.seglamater.hivemind.agent.testing.FakeStack.SERVER;
import static com.seglamater.hivemind.agent.testing.FakeStack.UPDATER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpdaterTest {

    @TempDir
    Path dir;

    Engine engine;
    FakeStack stack;
    Map<String, String> v1;
    Map<String, String> v2;
    /** 1.1.0 with the updater image of 1.0.0: no handoff needed. */
    Map<String, String> v2ServerOnly;

    @BeforeEach
    void setUp() throws Exception {
        engine = new Engine(dir);
        stack = engine.stack;
        v1 = engine.release("1.0.0", 'a', "4");
        v2 = engine.release("1.1.0", 'b', "5");
        v2ServerOnly = Map.of(SERVER, v2.get(SERVER), UPDATER, v1.get(UPDATER));
        engine.installed("1.0.0", v1);
        stack.calls.clear();
    }

    private OperationResult apply(Map<String, String> images) throws Exception {
        return engine.updater().apply("canary", Engine.offer("1.1.0", 7, images));
    }

    private AgentState state() throws Exception {
        return engine.store.load();
    }

    @Test
    void appliesAReleaseInOrderBackupFirstThenPinsThenPullThenOneServiceAtATimeUpdaterLast() throws Exception {
        OperationResult result = apply(v2);

        assertThat(result.code()).isEqualTo("handing_off");
        assertThat(stack.actions()).containsExactly(
                "dump",
                "pull " + SERVER + " " + UPDATER,
                "drain",
                "recreate " + SERVER,
                "undrain",
                "rm hivemind-updater-handoff",
                "run " + UPDATER + " hivemind-updater-handoff handoff");
        assertThat(stack.pinsAtLastDump).as("the backup is taken before the pins change").isEqualTo(v1);
        assertThat(engine.pins.read()).isEqualTo(v2);
        assertThat(engine.pins.previous()).contains(v1);
        assertThat(stack.imageOf(SERVER)).contains(v2.get(SERVER));
        assertThat(stack.imageOf(UPDATER)).as("the agent never recreates its own container").contains(v1.get(UPDATER));
        assertThat(engine.store.journal().orElseThrow().step()).isEqualTo(Journal.Step.HANDOFF);

        // The one-off replaces the sidecar…
        OperationResult handoff = engine.updater().handoff(() -> () -> { });
        assertThat(handoff.code()).isEqualTo("handed_off");
        assertThat(stack.imageOf(UPDATER)).contains(v2.get(UPDATER));
        // …and the new sidecar, starting, finishes the update.
        OperationResult resumed = engine.updater().resume().orElseThrow();
        assertThat(resumed.code()).isEqualTo("applied");
        assertThat(state().installed().map(Release::version)).contains("1.1.0");
        assertThat(state().previous().map(Release::version)).contains("1.0.0");
        assertThat(state().installed().flatMap(Release::schemaVersion)).contains("5");
        assertThat(engine.store.journal()).isEmpty();
        assertThat(engine.server.eventKinds()).contains("apply-started", "backed-up", "pulled", "restarted-" + SERVER,
                "handoff", "applied");
    }

    @Test
    void aReleaseThatKeepsTheUpdaterImageIsAppliedWithoutAHandoff() throws Exception {
        OperationResult result = apply(v2ServerOnly);

        assertThat(result.code()).isEqualTo("applied");
        assertThat(stack.actions()).containsExactly("dump", "pull " + SERVER, "drain", "recreate " + SERVER, "undrain");
        assertThat(state().installed().map(Release::version)).contains("1.1.0");
        assertThat(engine.store.journal()).isEmpty();
    }

    @Test
    void eachServiceIsHealthCheckedBeforeTheNextIsTouched() throws Exception {
        Map<String, String> withDb = new java.util.HashMap<>(v2ServerOnly);
        withDb.put(FakeStack.DB, Engine.image("postgres", 'd'));
        apply(withDb);

        List<String> calls = stack.calls;
        int db = calls.indexOf("recreate " + FakeStack.DB);
        int server = calls.indexOf("recreate " + SERVER);
        assertThat(db).as("other services before the server").isLessThan(server);
        assertThat(calls.subList(db, server)).contains("inspect " + FakeStack.DB);
        assertThat(calls.subList(server, calls.size())).contains("inspect " + SERVER);
    }

    @Test
    void aFailedPullStopsBeforeAnyServiceRestartsAndPutsThePreviousPinsBack() throws Exception {
        stack.failOn.add("pull " + SERVER + " " + UPDATER);

        OperationResult result = apply(v2);

        assertThat(result.code()).isEqualTo("rolled_back");
        assertThat(result.message()).contains("pull");
        assertThat(stack.actions()).noneMatch(c -> c.startsWith("recreate") || c.startsWith("stop") || c.startsWith("run"));
        assertThat(engine.pins.read()).isEqualTo(v1);
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));
        assertThat(state().installed().map(Release::version)).contains("1.0.0");
        // A registry outage does not condemn the release: it is held back for an hour, not until a newer statement.
        assertThat(state().failed().orElseThrow().retryAfter()).contains(Engine.NOW.plus(Updater.RETRY_AFTER));
        assertThat(state().failed().orElseThrow().holdsBack("canary", Engine.offer("1.1.0", 7, v2),
                Engine.NOW.plus(Updater.RETRY_AFTER))).isFalse();
        assertThat(engine.store.journal()).isEmpty();
        assertThat(engine.server.eventKinds()).contains("rollback-started", "rolled-back");
    }

    @Test
    void aFailedBackupStopsTheUpdateBeforeAnythingChanges() throws Exception {
        stack.failOn.add("dump");

        OperationResult result = apply(v2);

        assertThat(result.success()).isFalse();
        assertThat(result.code()).isEqualTo("backup_failed");
        assertThat(stack.actions()).containsExactly("dump");
        assertThat(engine.pins.read()).isEqualTo(v1);
        assertThat(state().installed().map(Release::version)).contains("1.0.0");
        assertThat(state().failed()).as("the release itself did not fail: tried again later").isEmpty();
        assertThat(state().lastError()).hasValueSatisfying(e -> assertThat(e).contains("backup"));
        assertThat(engine.store.journal()).isEmpty();
    }

    @Test
    void aServerThatNeverBecomesHealthyIsRolledBackAndItsMigrationUndone() throws Exception {
        stack.healthOfImage.put(v2.get(SERVER), "starting");

        OperationResult result = apply(v2ServerOnly);

        assertThat(result.code()).isEqualTo("rolled_back");
        assertThat(result.message()).contains("not healthy within");
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));
        assertThat(engine.pins.read()).isEqualTo(v1);
        // The new server migrated 4 → 5 at start; the pre-update dump (schema 4) went back in.
        assertThat(stack.schema).contains("4");
        List<String> actions = stack.actions();
        assertThat(actions.indexOf("stop " + SERVER)).isLessThan(actions.indexOf(actions.stream()
                .filter(a -> a.startsWith("restore ")).findFirst().orElseThrow()));
        assertThat(actions).filteredOn(a -> a.equals("dump")).as("a dump of the failed state is kept too").hasSize(2);
        assertThat(state().failed().orElseThrow().reason()).contains("not healthy");
        assertThat(state().installed().map(Release::version)).contains("1.0.0");
    }

    @Test
    void aServerWhoseRecreateFailedServesAgainAfterTheRollbackInsteadOfStayingDrained() throws Exception {
        stack.failOnce.add("recreate " + SERVER);

        OperationResult result = apply(v2ServerOnly);

        assertThat(result.code()).as(result.message()).isEqualTo("rolled_back");
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));
        assertThat(stack.drained).isFalse();
        assertThat(stack.probe().serving("1.0.0")).isTrue();
    }

    @Test
    void aServerThatReportsTheOldVersionIsRolledBack() throws Exception {
        stack.versionOfImage.put(v2.get(SERVER), "1.0.0");

        OperationResult result = apply(v2ServerOnly);

        assertThat(result.code()).isEqualTo("rolled_back");
        assertThat(engine.server.events).anySatisfy(e -> assertThat(e.code()).contains("version_not_reported"));
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));
    }

    @Test
    void anUnhealthyServerIsRolledBackWithoutWaitingForTheWholeBound() throws Exception {
        stack.healthOfImage.put(v2.get(SERVER), "unhealthy");

        OperationResult result = apply(v2ServerOnly);

        assertThat(result.code()).isEqualTo("rolled_back");
        assertThat(engine.clock.instant()).isBefore(Engine.NOW.plus(Engine.HEALTH_TIMEOUT));
    }

    @Test
    void aNewUpdaterThatNeverBecomesHealthyIsRolledBackByTheOneOff() throws Exception {
        stack.healthOfImage.put(v2.get(UPDATER), "unhealthy");
        apply(v2);

        OperationResult handoff = engine.updater().handoff(() -> () -> { });

        assertThat(handoff.code()).isEqualTo("rolled_back");
        assertThat(stack.imageOf(UPDATER)).contains(v1.get(UPDATER));
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));
        assertThat(engine.pins.read()).isEqualTo(v1);
        assertThat(engine.store.journal()).isEmpty();
        assertThat(state().installed().map(Release::version)).contains("1.0.0");
    }

    @Test
    void aRollbackResumedByTheNewUpdaterHandsItsOwnReplacementToAOneOffOfTheOldImage() throws Exception {
        apply(v2);
        engine.updater().handoff(() -> () -> { });
        assertThat(stack.imageOf(UPDATER)).contains(v2.get(UPDATER));
        // The rollback of this update died midway; the sidecar, now on the new image, resumes it.
        Journal open = engine.store.journal().orElseThrow();
        engine.store.saveJournal(open.withRestarted(open.services().size()).rollingBack("the new updater crashed (test)"));
        stack.calls.clear();

        OperationResult resumed = engine.updater().resume().orElseThrow();

        assertThat(resumed.code()).isEqualTo("handing_off");
        assertThat(stack.actions()).as("it never recreates its own container")
                .doesNotContain("recreate " + UPDATER).contains("run " + UPDATER + " hivemind-updater-handoff handoff");
        assertThat(engine.pins.read()).isEqualTo(v1);
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));

        OperationResult oneOff = engine.updater().handoff(() -> () -> { });

        assertThat(oneOff.code()).as(oneOff.message()).isEqualTo("rolled_back");
        assertThat(stack.imageOf(UPDATER)).contains(v1.get(UPDATER));
        assertThat(engine.store.journal()).isEmpty();
        assertThat(state().installed().map(Release::version)).contains("1.0.0");
    }

    @Test
    void theNewUpdaterThatCannotSeeDockerKeepsTheHandoffInsteadOfRollingBack() throws Exception {
        apply(v2);
        engine.updater().handoff(() -> () -> { });
        FakeStack broken = stack;
        broken.inspectFails = true;

        OperationResult resumed = engine.updater().resume().orElseThrow();

        assertThat(resumed.code()).isEqualTo("busy");
        assertThat(engine.store.journal().orElseThrow().step()).isEqualTo(Journal.Step.HANDOFF);
        broken.inspectFails = false;
        assertThat(engine.updater().resume().orElseThrow().code()).isEqualTo("applied");
    }

    @Test
    void theOldUpdaterRollsBackWhenTheOneOffDiedBeforeReplacingIt() throws Exception {
        apply(v2);
        stack.runningOneOffs.clear(); // the one-off exited without doing anything

        OperationResult resumed = engine.updater().resume().orElseThrow();

        assertThat(resumed.code()).isEqualTo("rolled_back");
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));
        assertThat(engine.pins.read()).isEqualTo(v1);
    }

    @Test
    void aFailedReleaseIsRecordedSoTheSameStatementIsNotRetried() throws Exception {
        stack.healthOfImage.put(v2.get(SERVER), "unhealthy");
        apply(v2ServerOnly);

        assertThat(state().failed()).hasValueSatisfying(f -> {
            assertThat(f.sequence()).isEqualTo(7);
            assertThat(f.channel()).isEqualTo("canary");
            assertThat(f.retryAfter()).as("until a newer statement, however long").isEmpty();
            assertThat(f.holdsBack("canary", Engine.offer("1.1.0", 7, v2ServerOnly),
                    Engine.NOW.plus(java.time.Duration.ofDays(365)))).isTrue();
            assertThat(f.holdsBack("canary", Engine.offer("1.1.0", 8, v2ServerOnly), Engine.NOW))
                    .as("a refresh of the same release is not").isTrue();
            assertThat(f.holdsBack("canary", Engine.offer("1.1.1", 8, v2), Engine.NOW))
                    .as("another release is tried").isFalse();
        });
    }

    @Test
    void aLeftoverJournalOfAFinishedUpdateIsRecognisedAndNotRolledBack() throws Exception {
        assertThat(apply(v2ServerOnly).code()).isEqualTo("applied");
        // finish() recorded the release but the journal could not be removed: put it back as it was.
        Journal done = new Journal("j1", Journal.Kind.UPDATE, Journal.Step.RESTARTING, "canary", 7,
                Optional.of(new Release("1.0.0", v1, Optional.of("4"), Optional.empty())),
                new Release("1.1.0", v2ServerOnly, Optional.empty(), Optional.empty()), List.of(SERVER), 1,
                Optional.empty(), Optional.of("4"), Optional.empty(), Engine.NOW, v1);
        engine.store.saveJournal(done);
        stack.calls.clear();

        OperationResult resumed = engine.updater().resume().orElseThrow();

        assertThat(resumed.code()).isEqualTo("applied");
        assertThat(stack.actions()).isEmpty();
        assertThat(stack.imageOf(SERVER)).contains(v2.get(SERVER));
        assertThat(engine.store.journal()).isEmpty();
    }

    @Test
    void anOperatorRollbackReturnsToThePreviousReleaseAndItsDatabase() throws Exception {
        assertThat(apply(v2ServerOnly).code()).isEqualTo("applied");
        assertThat(stack.schema).contains("5");
        stack.calls.clear();

        OperationResult result = engine.updater().rollbackToPrevious();

        assertThat(result.code()).isEqualTo("rolled_back");
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));
        assertThat(stack.schema).as("the dump taken before 1.1.0 was installed").contains("4");
        assertThat(stack.actions().get(0)).as("the current database is dumped first").isEqualTo("dump");
        assertThat(state().installed().map(Release::version)).contains("1.0.0");
        assertThat(state().failed().orElseThrow().version()).isEqualTo("1.1.0");
        assertThat(engine.updater().rollbackToPrevious().code()).isEqualTo("nothing_to_roll_back");
    }

    @Test
    void aRollbackThatFailsLeavesTheJournalForAnOperatorAndRefusesNewUpdates() throws Exception {
        stack.healthOfImage.put(v2.get(SERVER), "unhealthy");
        stack.healthOfImage.put(v1.get(SERVER), "unhealthy");

        OperationResult result = apply(v2ServerOnly);

        assertThat(result.code()).isEqualTo("rollback_failed");
        assertThat(engine.store.journal().orElseThrow().step()).isEqualTo(Journal.Step.ROLLBACK_FAILED);
        assertThat(apply(v2ServerOnly).code()).isEqualTo("rollback_failed");
        // The operator fixes the cause and asks for the rollback again.
        stack.healthOfImage.remove(v1.get(SERVER));
        assertThat(engine.updater().rollbackToPrevious().code()).isEqualTo("rolled_back");
        assertThat(engine.store.journal()).isEmpty();
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));
    }

    @Test
    void aFailedFirstUpdateGoesBackToThePinsOfBeforeWhateverVersionRanThen() throws Exception {
        // An agent that has installed nothing yet: the stack runs the operator's pins, version unknown.
        engine.store.save(AgentState.EMPTY);
        stack.healthOfImage.put(v2.get(SERVER), "unhealthy");

        OperationResult result = apply(v2ServerOnly);

        assertThat(result.code()).as(result.message()).isEqualTo("rolled_back");
        assertThat(engine.pins.read()).as("the pins of before, not none").isEqualTo(v1);
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));
        assertThat(engine.store.journal()).isEmpty();
    }

    @Test
    void anInterruptedFirstUpdatePutsThePinsOfBeforeBack() throws Exception {
        engine.store.save(AgentState.EMPTY);
        stack.crashOn.add("pull " + SERVER);
        assertThatThrownBy(() -> apply(v2ServerOnly)).isInstanceOf(FakeStack.Crash.class);
        stack.crashOn.clear();

        engine.updater().resume();

        assertThat(engine.pins.read()).isEqualTo(v1);
    }

    @Test
    void retentionNeverRemovesTheDumpARollbackRestores() throws Exception {
        // Engine keeps one dump: the dump of the failed state must not push out the pre-update one.
        stack.healthOfImage.put(v2.get(SERVER), "starting");
        apply(v2ServerOnly);
        assertThat(stack.schema).contains("4");

        // A manual rollback across a schema change needs the dump taken before the current release,
        // however many dumps were made since.
        stack.healthOfImage.clear();
        engine.store.save(engine.store.load().withFailed(Optional.empty()));
        assertThat(apply(v2ServerOnly).code()).isEqualTo("applied");
        for (int i = 0; i < 3; i++) {
            engine.backups.create("manual");
        }
        assertThat(engine.updater().rollbackToPrevious().code()).isEqualTo("rolled_back");
        assertThat(stack.schema).contains("4");
    }

    @Test
    void nothingIsDoneWhenTheReleaseIsWhatRuns() throws Exception {
        OperationResult result = engine.updater().apply("canary", Engine.offer("1.0.0", 3, v1));

        assertThat(result.code()).isEqualTo("applied");
        assertThat(stack.actions()).containsExactly("dump");
    }

    /** Kill the agent at each step; a fresh agent then converges on one release, consistently. */
    @ParameterizedTest
    @ValueSource(strings = {"dump", "pull hivemind-server hivemind-updater", "drain", "recreate hivemind-server",
            "rm hivemind-updater-handoff", "run hivemind-updater hivemind-updater-handoff handoff"})
    void aCrashAtAnyStepConvergesAfterRestart(String crashAt) throws Exception {
        stack.crashOn.add(crashAt);
        var drain = engine.server.onDrain;
        if (crashAt.equals("drain")) {
            engine.server.onDrain = c -> {
                throw new FakeStack.Crash(c);
            };
        }
        assertThatThrownBy(() -> apply(v2)).isInstanceOf(FakeStack.Crash.class);
        stack.crashOn.clear();
        engine.server.onDrain = drain;
        if (crashAt.startsWith("run")) {
            stack.runningOneOffs.clear();
        }

        Optional<OperationResult> resumed = engine.updater().resume();

        assertThat(resumed).isPresent();
        assertThat(engine.store.journal()).isEmpty();
        String version = state().installed().orElseThrow().version();
        Map<String, String> expected = version.equals("1.1.0") ? v2 : v1;
        assertThat(engine.pins.read()).isEqualTo(expected);
        assertThat(stack.imageOf(SERVER)).contains(expected.get(SERVER));
        assertThat(stack.imageOf(UPDATER)).contains(expected.get(UPDATER));
        assertThat(stack.schema).contains(version.equals("1.1.0") ? "5" : "4");
    }
}
