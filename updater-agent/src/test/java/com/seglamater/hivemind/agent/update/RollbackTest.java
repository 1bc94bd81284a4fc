package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.state.AgentState;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.testing.Engine;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static com.seglamater.hivemind.agent.testing.FakeStack.SERVER;
import static com.seglamater.hivemind.agent.testing.FakeStack.UPDATER;
import static org.assertj.core.api.Assertions.assertThat;

/** Undoing a failed update, and an operator's rollback to the previous release ({@link Rollback}). */
class RollbackTest extends UpdaterFixture {

    @Test
    void aFailedPullStopsBeforeAnyServiceRestartsAndPutsThePreviousPinsBack() throws Exception {
        stack.failOn.add("pull " + SERVER + " " + UPDATER);

        OperationResult result = apply(v2);

        assertThat(result.code()).isEqualTo(OperationCode.ROLLED_BACK);
        assertThat(result.message()).contains("pull");
        assertThat(stack.actions()).noneMatch(c -> c.startsWith("recreate") || c.startsWith("stop") || c.startsWith("run"));
        assertThat(engine.pins.read()).isEqualTo(v1);
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));
        assertThat(state().installed().map(Release::version)).contains("1.0.0");
        // A registry outage does not condemn the release: it is held back for an hour, not until a newer statement.
        assertThat(state().failed().orElseThrow().retryAfter()).contains(Engine.NOW.plus(Rollback.RETRY_AFTER));
        assertThat(state().failed().orElseThrow().holdsBack("canary", Engine.offer("1.1.0", 7, v2),
                Engine.NOW.plus(Rollback.RETRY_AFTER))).isFalse();
        assertThat(engine.store.journal()).isEmpty();
        assertThat(engine.server.eventKinds()).contains("rollback-started", "rolled-back");
    }

    @Test
    void aServerThatNeverBecomesHealthyIsRolledBackAndItsMigrationUndone() throws Exception {
        stack.healthOfImage.put(v2.get(SERVER), "starting");

        OperationResult result = apply(v2ServerOnly);

        assertThat(result.code()).isEqualTo(OperationCode.ROLLED_BACK);
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

        assertThat(result.code()).as(result.message()).isEqualTo(OperationCode.ROLLED_BACK);
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));
        assertThat(stack.drained).isFalse();
        assertThat(stack.probe().serving("1.0.0")).isTrue();
    }

    @Test
    void aServerThatReportsTheOldVersionIsRolledBack() throws Exception {
        stack.versionOfImage.put(v2.get(SERVER), "1.0.0");

        OperationResult result = apply(v2ServerOnly);

        assertThat(result.code()).isEqualTo(OperationCode.ROLLED_BACK);
        assertThat(engine.server.events).anySatisfy(e -> assertThat(e.code()).contains("version_not_reported"));
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));
    }

    @Test
    void anUnhealthyServerIsRolledBackWithoutWaitingForTheWholeBound() throws Exception {
        stack.healthOfImage.put(v2.get(SERVER), "unhealthy");

        OperationResult result = apply(v2ServerOnly);

        assertThat(result.code()).isEqualTo(OperationCode.ROLLED_BACK);
        assertThat(engine.clock.instant()).isBefore(Engine.NOW.plus(Engine.HEALTH_TIMEOUT));
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
    void anOperatorRollbackReturnsToThePreviousReleaseAndItsDatabase() throws Exception {
        assertThat(apply(v2ServerOnly).code()).isEqualTo(OperationCode.APPLIED);
        assertThat(stack.schema).contains("5");
        stack.calls.clear();

        OperationResult result = engine.updater().rollbackToPrevious();

        assertThat(result.code()).isEqualTo(OperationCode.ROLLED_BACK);
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));
        assertThat(stack.schema).as("the dump taken before 1.1.0 was installed").contains("4");
        assertThat(stack.actions().get(0)).as("the current database is dumped first").isEqualTo("dump");
        assertThat(state().installed().map(Release::version)).contains("1.0.0");
        assertThat(state().failed().orElseThrow().version()).isEqualTo("1.1.0");
        assertThat(engine.updater().rollbackToPrevious().code()).isEqualTo(OperationCode.NOTHING_TO_ROLL_BACK);
    }

    @Test
    void aRollbackThatFailsLeavesTheJournalForAnOperatorAndRefusesNewUpdates() throws Exception {
        stack.healthOfImage.put(v2.get(SERVER), "unhealthy");
        stack.healthOfImage.put(v1.get(SERVER), "unhealthy");

        OperationResult result = apply(v2ServerOnly);

        assertThat(result.code()).isEqualTo(OperationCode.ROLLBACK_FAILED);
        assertThat(engine.store.journal().orElseThrow().step()).isEqualTo(Journal.Step.ROLLBACK_FAILED);
        assertThat(apply(v2ServerOnly).code()).isEqualTo(OperationCode.ROLLBACK_FAILED);
        // The operator fixes the cause and asks for the rollback again.
        stack.healthOfImage.remove(v1.get(SERVER));
        assertThat(engine.updater().rollbackToPrevious().code()).isEqualTo(OperationCode.ROLLED_BACK);
        assertThat(engine.store.journal()).isEmpty();
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));
    }

    @Test
    void aFailedFirstUpdateGoesBackToThePinsOfBeforeWhateverVersionRanThen() throws Exception {
        // An agent that has installed nothing yet: the stack runs the operator's pins, version unknown.
        engine.store.save(AgentState.EMPTY);
        stack.healthOfImage.put(v2.get(SERVER), "unhealthy");

        OperationResult result = apply(v2ServerOnly);

        assertThat(result.code()).as(result.message()).isEqualTo(OperationCode.ROLLED_BACK);
        assertThat(engine.pins.read()).as("the pins of before, not none").isEqualTo(v1);
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));
        assertThat(engine.store.journal()).isEmpty();
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
        assertThat(apply(v2ServerOnly).code()).isEqualTo(OperationCode.APPLIED);
        for (int i = 0; i < 3; i++) {
            engine.backups.create("manual");
        }
        assertThat(engine.updater().rollbackToPrevious().code()).isEqualTo(OperationCode.ROLLED_BACK);
        assertThat(stack.schema).contains("4");
    }
}
