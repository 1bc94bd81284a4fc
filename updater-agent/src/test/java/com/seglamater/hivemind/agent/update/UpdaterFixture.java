package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.state.AgentState;
import com.seglamater.hivemind.agent.testing.Engine;
import com.seglamater.hivemind.agent.testing.FakeStack;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static com.seglamater.hivemind.agent.testing.FakeStack.SERVER;
import static com.seglamater.hivemind.agent.testing.FakeStack.UPDATER;

/**
 * What the {@link Updater} tests start from: an {@link Engine} whose stack runs release 1.0.0,
 * and the images of 1.1.0, with and without a new updater image.
 */
abstract class UpdaterFixture {

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

    /** Installs 1.1.0 from canary, sequence 7, with {@code images}. */
    OperationResult apply(Map<String, String> images) throws Exception {
        return engine.updater().apply("canary", Engine.offer("1.1.0", 7, images));
    }

    AgentState state() throws Exception {
        return engine.store.load();
    }
}
