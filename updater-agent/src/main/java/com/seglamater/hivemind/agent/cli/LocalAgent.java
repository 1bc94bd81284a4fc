package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.ops.Operations;

/**
 * An agent in the CLI's own process, for a command that runs while no daemon does. It holds
 * the agent lock from its creation until {@link #close()}, so nothing else touches the stack
 * meanwhile.
 */
public interface LocalAgent extends Operations, AutoCloseable {

    /** Releases the agent lock and whatever the agent opened. */
    @Override
    void close();
}
