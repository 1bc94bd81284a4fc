package com.seglamater.hivemind.signer.tree;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.nio.file.LinkOption;

/**
 * Writing files so that a reader sees the old content or the new, never a mix: content goes to
 * a temporary file in the target's own directory (same file system, so the rename is atomic),
 * is flushed to disk, and is then renamed into place.
 */
public final class AtomicFiles {

    /** Owner read/write only: secret keys and revocation certificates. */
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");

    private AtomicFiles() {
    }

    /**
     * Writes {@code content} to a new temporary file beside {@code target} and syncs it. With
     * {@code privateFile} the file is created owner-only from the start, so the content is never
     * readable by others, not even briefly.
     */
    public static Path writeTemp(Path target, byte[] content, boolean privateFile) throws IOException {
        Path dir = parent(target);
        String prefix = "." + target.getFileName() + ".";
        Path temp;
        if (privateFile && supportsPosix(dir)) {
            FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(PRIVATE);
            temp = Files.createTempFile(dir, prefix, ".tmp", attr);
        } else {
            temp = Files.createTempFile(dir, prefix, ".tmp");
            if (!privateFile && supportsPosix(dir)) {
                // createTempFile makes 0600 files; published files are meant to be read.
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    /** Atomically replaces (or creates) {@code target} with {@code content}. */
    public static void replace(Path target, byte[] content) throws IOException {
        Path temp = writeTemp(target, content, false);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * Moves a finished temporary file to {@code target} only if {@code target} does not exist.
     * A hard link is the atomic "create, never clobber" operation; where links are not supported
     * the existence check and the rename are two steps.
     *
     * @throws FileAlreadyExistsException when {@code target} exists; the temporary file is removed
     */
    public static void publishNew(Path temp, Path target) throws IOException {
        try {
            try {
                Files.createLink(target, temp);
                Files.delete(temp);
                return;
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | IOException e) {
                // Fall through: no hard links on this file system.
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(target.toString());
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Creates {@code target} with {@code content}, refusing to overwrite. */
    public static void writeNew(Path target, byte[] content, boolean privateFile) throws IOException {
        publishNew(writeTemp(target, content, privateFile), target);
    }

    static Path parent(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null) {
            throw new IllegalArgumentException(target + " has no parent directory");
        }
        return parent;
    }

    static boolean supportsPosix(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Flushes a directory entry change to disk where the platform allows it (best effort). */
    static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // Not every platform can open a directory; the rename itself is still atomic.
        }
    }
}
