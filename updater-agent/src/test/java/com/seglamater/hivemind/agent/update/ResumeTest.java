package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.state.AgentState;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.testing.Engine;
import com.seglamater.hivemind.agent.testing.FakeStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.seglamater.hivemind.agent.testing.FakeStack.SERVER;
import static com.seglamater.hivemind.agent.testing.FakeStack.UPDATER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Crash recovery ({@link Resume}): what a fresh process does with the journal a previous one left. */
class ResumeTest extends UpdaterFixture {

    @Test
    void aLeftoverJournalOfAFinishedUpdateIsRecognisedAndNotRolledBack() throws Exception {
        assertThat(apply(v2ServerOnly).code()).isEqualTo(OperationCode.APPLIED);
        // finish() recorded the release but the journal could not be removed: put it back as it was.
        Journal done = new Journal("j1", Journal.Kind.UPDATE, Journal.Step.RESTARTING, "canary", 7,
                Optional.of(new Release("1.0.0", v1, Optional.of("4"), Optional.empty())),
                new Release("1.1.0", v2ServerOnly, Optional.empty(), Optional.empty()), List.of(SERVER), 1,
                Optional.empty(), Optional.of("4"), Optional.empty(), Engine.NOW, v1);
        engine.store.saveJournal(done);
        stack.calls.clear();

        OperationResult resumed = engine.updater().resume().orElseThrow();

        assertThat(resumed.code()).isEqualTo(OperationCode.APPLIED);
        assertThat(stack.actions()).isEmpty();
        assertThat(stack.imageOf(SERVER)).contains(v2.get(SERVER));
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
