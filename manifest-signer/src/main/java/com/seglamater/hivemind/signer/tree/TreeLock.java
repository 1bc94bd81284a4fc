package com.seglamater.hivemind.signer.tree;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One publish at a time per release tree: an exclusive lock on {@code <tree>/.manifest-signer.lock}.
 * The lock file stays (deleting it would let two processes lock two different files); it is
 * empty and need not be uploaded.
 */
public final class TreeLock implements AutoCloseable {

    public static final String FILE_NAME = ".manifest-signer.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private TreeLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock, or empty when another process (or this one) holds it. */
    public static Optional<TreeLock> tryAcquire(Path tree) throws IOException {
        FileChannel channel = FileChannel.open(tree.resolve(FILE_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new TreeLock(channel, lock));
        } catch (OverlappingFileLockException e) {
            channel.close();
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
