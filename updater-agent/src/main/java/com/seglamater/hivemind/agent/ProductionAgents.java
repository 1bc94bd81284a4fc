package com.seglamater.hivemind.agent;

import com.seglamater.hivemind.agent.cli.AgentFactory;
import com.seglamater.hivemind.agent.cli.LocalAgent;
import com.seglamater.hivemind.agent.config.AgentConfig;

/**
 * The real agent behind the CLI: the update engine with OkHttp, the verifier, docker compose
 * and the admin socket, wired by hand. Not wired yet; the engine fills it in.
 */
public final class ProductionAgents implements AgentFactory {

    @Override
    public LocalAgent local(AgentConfig config) {
        throw new UnsupportedOperationException("not wired yet");
    }

    @Override
    public int runDaemon(AgentConfig config) {
        throw new UnsupportedOperationException("not wired yet");
    }
}
