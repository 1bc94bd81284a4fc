package com.seglamater.hivemind.agent.cli;

import java.nio.file.Path;

/**
 * The agent lock ({@code agent.lock} in the data directory) is held by another process: a
 * daemon, or another command working on the stack. Exit code {@link ExitCode#BUSY}.
 */
public final class AgentBusyException extends Exception {

    private final Path dataDir;

    public AgentBusyException(Path dataDir) {
        super("another updater holds the agent lock in " + dataDir);
        this.dataDir = dataDir;
    }

    public Path dataDir() {
        return dataDir;
    }
}
