package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.testing.Engine;
import com.seglamater.hivemind.agent.testing.FakeStack;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static com.seglamater.hivemind.agent.testing.FakeStack.SERVER;
import static com.seglamater.hivemind.agent.testing.FakeStack.UPDATER;
import static org.assertj.core.api.Assertions.assertThat;

/** The forward path of an update ({@link Apply}): backup, pins, pull, one service at a time, the updater last. */
class ApplyTest extends UpdaterFixture {

    @Test
    void appliesAReleaseInOrderBackupFirstThenPinsThenPullThenOneServiceAtATimeUpdaterLast() throws Exception {
        OperationResult result = apply(v2);

        assertThat(result.code()).isEqualTo(OperationCode.HANDING_OFF);
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
        assertThat(handoff.code()).isEqualTo(OperationCode.HANDED_OFF);
        assertThat(stack.imageOf(UPDATER)).contains(v2.get(UPDATER));
        // …and the new sidecar, starting, finishes the update.
        OperationResult resumed = engine.updater().resume().orElseThrow();
        assertThat(resumed.code()).isEqualTo(OperationCode.APPLIED);
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

        assertThat(result.code()).isEqualTo(OperationCode.APPLIED);
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
    void aFailedBackupStopsTheUpdateBeforeAnythingChanges() throws Exception {
        stack.failOn.add("dump");

        OperationResult result = apply(v2);

        assertThat(result.success()).isFalse();
        assertThat(result.code()).isEqualTo(OperationCode.BACKUP_FAILED);
        assertThat(stack.actions()).containsExactly("dump");
        assertThat(engine.pins.read()).isEqualTo(v1);
        assertThat(state().installed().map(Release::version)).contains("1.0.0");
        assertThat(state().failed()).as("the release itself did not fail: tried again later").isEmpty();
        assertThat(state().lastError()).hasValueSatisfying(e -> assertThat(e).contains("backup"));
        assertThat(engine.store.journal()).isEmpty();
    }

    @Test
    void nothingIsDoneWhenTheReleaseIsWhatRuns() throws Exception {
        OperationResult result = engine.updater().apply("canary", Engine.offer("1.0.0", 3, v1));

        assertThat(result.code()).isEqualTo(OperationCode.APPLIED);
        assertThat(stack.actions()).containsExactly("dump");
    }
}
