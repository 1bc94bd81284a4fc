package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.testing.InProcessCli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs {@code hivemind-updater} in-process, as {@code main} would, with a given environment and agents. */
final class Updater {

    final FakeAgents agents;
    private final Map<String, String> env = new HashMap<>();

    Updater(FakeAgents agents) {
        this.agents = agents;
    }

    /** An updater whose data directory and env file live in {@code dir}. */
    static Updater in(Path dir) {
        return new Updater(new FakeAgents())
                .env(AgentConfig.DATA_DIR, dir.toString())
                .env(AgentConfig.ENV_FILE, dir.resolve(".env").toString());
    }

    Updater env(String name, String value) {
        env.put(name, value);
        return this;
    }

    InProcessCli.Result run(String... args) {
        return InProcessCli.run(env, agents, args);
    }
}
