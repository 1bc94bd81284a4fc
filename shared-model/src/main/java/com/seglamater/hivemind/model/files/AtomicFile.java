package com.seglamater.hivemind.model.files;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The project's one way to write a file so that a reader, or a crash, sees the old content or the
 * new, never a part: (1) a temporary file {@code .<name>.<digits>.tmp} beside the target (same file
 * system, so the rename is atomic), created with the requested permissions so that its content is
 * never readable by others, not even briefly; (2) the content written and synced; (3) renamed over
 * the target, or for {@link #writeNew} linked to it without ever replacing an existing file; (4)
 * the directory synced, so that the rename itself survives a power cut. On any failure the
 * temporary file is removed and the target is as it was.
 *
 * <p>The final file has exactly the requested permissions, whatever the umask. On a file system
 * without POSIX permissions (a release engineer's laptop, say) they are not applied.
 */
public final class AtomicFile {

    /** Owner read/write only: secrets, tokens, private state, database dumps. */
    public static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** Readable by everyone, writable by the owner: files other users or tools read. */
    public static final Set<PosixFilePermission> READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private static final String TEMP_SUFFIX = ".tmp";

    /** Writes the new content; a failure leaves the target as it was. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {
    }

    /** Replaces (or creates) {@code file} with {@code content}. The directory must exist. */
    public static void write(Path file, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        write(file, permissions, out -> out.write(content));
    }

    /** Replaces (or creates) {@code file} with what {@code content} writes. The directory must exist. */
    public static void write(Path file, Set<PosixFilePermission> permissions, Content content) throws IOException {
        replace(writeTemp(file, permissions, content), file);
    }

    /**
     * Creates {@code file} with {@code content}, never replacing what is there.
     *
     * @throws FileAlreadyExistsException when {@code file} exists; it is left as it was
     */
    public static void writeNew(Path file, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        publishNew(writeTemp(file, permissions, out -> out.write(content)), file);
    }

    /**
     * Steps 1 and 2 alone, for a caller that checks the new content before it commits (or commits
     * several files together): a synced temporary file beside {@code target}, to be passed to
     * {@link #replace} or {@link #publishNew}, or deleted.
     */
    public static Path writeTemp(Path target, byte[] content, Set<PosixFilePermission> permissions) throws IOException {
        return writeTemp(target, permissions, out -> out.write(content));
    }

    private static Path writeTemp(Path target, Set<PosixFilePermission> permissions, Content content)
            throws IOException {
        Path temp = createTemp(target, permissions);
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                content.writeTo(out);
                out.flush();
                channel.force(true);
            }
            return temp;
        } catch (IOException | RuntimeException e) {
            deleteAfterFailure(temp, e);
            throw e;
        }
    }

    /**
     * Step 1 alone, for content another program writes (a database dump): an empty temporary
     * file beside {@code target} with {@code permissions}, to be passed to {@link #replace}, or deleted.
     */
    public static Path createTemp(Path target, Set<PosixFilePermission> permissions) throws IOException {
        Path dir = directoryOf(target);
        String prefix = "." + target.getFileName() + ".";
        if (!supportsPosix(dir)) {
            return Files.createTempFile(dir, prefix, TEMP_SUFFIX);
        }
        // Created with the permissions (less what the umask takes away), so never broader than asked...
        Path temp = Files.createTempFile(dir, prefix, TEMP_SUFFIX, PosixFilePermissions.asFileAttribute(permissions));
        try {
            // ...then given exactly them: a 0644 file must be 0644 under a umask of 077 too.
            if (!Files.getPosixFilePermissions(temp).equals(permissions)) {
                Files.setPosixFilePermissions(temp, permissions);
            }
            return temp;
        } catch (IOException | RuntimeException e) {
            deleteAfterFailure(temp, e);
            throw e;
        }
    }

    /**
     * Steps 3 and 4: makes {@code temp} durable, renames it over {@code target} and syncs the
     * directory. {@code temp} is gone afterwards, whether this succeeds or not.
     */
    public static void replace(Path temp, Path target) throws IOException {
        try {
            sync(temp);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            deleteAfterFailure(temp, e);
            throw e;
        }
        syncDirectory(directoryOf(target));
    }

    /**
     * Steps 3 and 4 without replacing anything: moves {@code temp} to {@code target} only if
     * {@code target} does not exist. A hard link is the atomic "create, never clobber"; where the
     * file system has none, the check and the rename are two steps.
     *
     * @throws FileAlreadyExistsException when {@code target} exists; {@code temp} is removed
     */
    public static void publishNew(Path temp, Path target) throws IOException {
        try {
            sync(temp);
            if (!link(temp, target)) {
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new FileAlreadyExistsException(target.toString());
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(directoryOf(target));
    }

    /** Whether {@code target} now names {@code temp}'s file; false when the file system has no hard links. */
    private static boolean link(Path temp, Path target) throws FileAlreadyExistsException {
        try {
            Files.createLink(target, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | IOException e) {
            return false;
        }
    }

    /** The directory {@code target} is (to be) in. */
    public static Path directoryOf(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null) {
            throw new IllegalArgumentException(target + " has no parent directory");
        }
        return dir;
    }

    /** Makes a rename in {@code dir} durable; a file system that cannot sync a directory is left as is. */
    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException ignored) {
            // Some platforms refuse to open or sync a directory; the rename is still atomic there.
        }
    }

    private static void sync(Path file) throws IOException {
        // fsync needs no write access, so a file made read-only by its permissions syncs too.
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static boolean supportsPosix(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void deleteAfterFailure(Path temp, Exception failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
