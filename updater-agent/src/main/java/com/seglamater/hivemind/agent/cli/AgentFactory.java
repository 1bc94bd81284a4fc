package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.control.ControlRequest;

/**
 * How the CLI gets an agent: the production one wires the engine (channel, verifier, compose,
 * admin socket); tests give fakes. Exceptions other than those named here are internal errors
 * (exit 5); a {@link com.seglamater.hivemind.model.config.ConfigException} is exit 2 and a
 * {@link com.seglamater.hivemind.agent.state.StateException} exit 1.
 */
public interface AgentFactory {

    /**
     * An agent in this process that holds the agent lock until closed, for a command that runs
     * while no daemon answers on the control socket.
     *
     * @param request what the agent is for: one that {@link ControlRequest#verifiesStatements verifies
     *                statements} needs a keyring that can sign releases now (else a ConfigException)
     * @throws AgentBusyException when another process holds the agent lock
     */
    LocalAgent local(AgentConfig config, ControlRequest request) throws Exception;

    /**
     * Runs the daemon until it is told to stop (SIGTERM), holding the agent lock throughout and
     * serving {@link com.seglamater.hivemind.agent.control.ControlServer#start} with its
     * {@link com.seglamater.hivemind.agent.ops.Operations} so that CLI commands reach its worker.
     *
     * @return the process's exit code, one of {@link ExitCode}
     * @throws AgentBusyException when another process holds the agent lock (another daemon runs)
     */
    int runDaemon(AgentConfig config) throws Exception;

    /**
     * The work of the one-off updater container that replaces the updater's own container
     * during an update ({@code hivemind-updater handoff}, started by the updater itself).
     *
     * @return the process's exit code, one of {@link ExitCode}
     */
    int handoff(AgentConfig config) throws Exception;
}
