package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.testing.FakeStack;
import org.junit.jupiter.api.Test;

import static com.seglamater.hivemind.agent.testing.FakeStack.SERVER;
import static com.seglamater.hivemind.agent.testing.FakeStack.UPDATER;
import static org.assertj.core.api.Assertions.assertThat;

/** The updater's own replacement ({@link Handoff}): the one-off's work, and the sidecar that finds the journal at HANDOFF. */
class HandoffTest extends UpdaterFixture {

    @Test
    void aNewUpdaterThatNeverBecomesHealthyIsRolledBackByTheOneOff() throws Exception {
        stack.healthOfImage.put(v2.get(UPDATER), "unhealthy");
        apply(v2);

        OperationResult handoff = engine.updater().handoff(() -> () -> { });

        assertThat(handoff.code()).isEqualTo(OperationCode.ROLLED_BACK);
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

        assertThat(resumed.code()).isEqualTo(OperationCode.HANDING_OFF);
        assertThat(stack.actions()).as("it never recreates its own container")
                .doesNotContain("recreate " + UPDATER).contains("run " + UPDATER + " hivemind-updater-handoff handoff");
        assertThat(engine.pins.read()).isEqualTo(v1);
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));

        OperationResult oneOff = engine.updater().handoff(() -> () -> { });

        assertThat(oneOff.code()).as(oneOff.message()).isEqualTo(OperationCode.ROLLED_BACK);
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

        assertThat(resumed.code()).isEqualTo(OperationCode.BUSY);
        assertThat(engine.store.journal().orElseThrow().step()).isEqualTo(Journal.Step.HANDOFF);
        broken.inspectFails = false;
        assertThat(engine.updater().resume().orElseThrow().code()).isEqualTo(OperationCode.APPLIED);
    }

    @Test
    void theOldUpdaterRollsBackWhenTheOneOffDiedBeforeReplacingIt() throws Exception {
        apply(v2);
        stack.runningOneOffs.clear(); // the one-off exited without doing anything

        OperationResult resumed = engine.updater().resume().orElseThrow();

        assertThat(resumed.code()).isEqualTo(OperationCode.ROLLED_BACK);
        assertThat(stack.imageOf(SERVER)).contains(v1.get(SERVER));
        assertThat(engine.pins.read()).isEqualTo(v1);
    }
}
