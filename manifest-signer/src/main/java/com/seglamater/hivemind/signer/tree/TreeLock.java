package com.seglamater.hivemind.signer.tree;

import com.seglamater.hivemind.model.files.ExclusiveLock;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One publish at a time per release tree: an exclusive lock on {@code <tree>/.manifest-signer.lock}.
 * The lock file stays (deleting it would let two processes lock two different files); it is
 * empty and need not be uploaded.
 */
public final class TreeLock implements AutoCloseable {

    public static final String FILE_NAME = ".manifest-signer.lock";

    private final ExclusiveLock lock;

    private TreeLock(ExclusiveLock lock) {
        this.lock = lock;
    }

    /** The lock, or empty when another process (or this one) holds it. */
    public static Optional<TreeLock> tryAcquire(Path tree) throws IOException {
        return ExclusiveLock.tryAcquire(tree.resolve(FILE_NAME)).map(TreeLock::new);
    }

    @Override
    public void close() throws IOException {
        lock.close();
    }
}
