package com.seglamater.hivemind.agent.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One agent process at a time works on the stack: the daemon holds {@code agent.lock} in the
 * data directory for as long as it runs, and a CLI command that changes the stack without a
 * daemon holds it for the command. An OS file lock, so it is released when the holder dies,
 * also across containers that share the data volume.
 */
public final class AgentLock implements AutoCloseable {

    public static final String FILE = "agent.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private AgentLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or empty when another process holds it. */
    public static Optional<AgentLock> tryAcquire(Path dataDir) throws StateException {
        Path file = dataDir.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new AgentLock(channel, lock));
        } catch (OverlappingFileLockException e) {
            close(channel);
            return Optional.empty();
        } catch (IOException e) {
            close(channel);
            throw new StateException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing was locked.
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // Closing the channel releases the lock in any case.
        }
    }
}
