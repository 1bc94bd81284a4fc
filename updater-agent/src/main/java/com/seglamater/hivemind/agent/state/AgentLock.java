package com.seglamater.hivemind.agent.state;

import com.seglamater.hivemind.model.files.ExclusiveLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One agent process at a time works on the stack: the daemon holds {@code agent.lock} in the
 * data directory for as long as it runs, and a CLI command that changes the stack without a
 * daemon holds it for the command. An OS file lock, so it is released when the holder dies,
 * also across containers that share the data volume.
 */
public final class AgentLock implements AutoCloseable {

    public static final String FILE = "agent.lock";

    private final ExclusiveLock lock;

    private AgentLock(ExclusiveLock lock) {
        this.lock = lock;
    }

    /** The lock, or empty when another process holds it. */
    public static Optional<AgentLock> tryAcquire(Path dataDir) throws StateException {
        Path file = dataDir.resolve(FILE);
        try {
            Files.createDirectories(dataDir);
            return ExclusiveLock.tryAcquire(file).map(AgentLock::new);
        } catch (IOException e) {
            throw new StateException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.close();
        } catch (IOException ignored) {
            // Closing the channel releases the lock in any case.
        }
    }
}
