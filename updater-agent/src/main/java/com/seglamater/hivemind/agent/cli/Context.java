package com.seglamater.hivemind.agent.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;

/**
 * What a command may use from the outside world, passed in by {@code Main} so tests can give
 * their own streams, environment and agents.
 *
 * @param env    the process environment (it wins over {@code --env-file})
 * @param agents builds the in-process agent and the daemon
 */
public record Context(PrintStream out, PrintStream err, Map<String, String> env, AgentFactory agents) {

    public Context {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        env = Map.copyOf(env);
        Objects.requireNonNull(agents, "agents");
    }
}
