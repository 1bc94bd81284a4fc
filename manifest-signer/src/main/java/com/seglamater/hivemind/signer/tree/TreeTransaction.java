package com.seglamater.hivemind.signer.tree;

import com.seglamater.hivemind.model.files.AtomicFile;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes several files of the release tree as one change: either every file has its new content
 * or the tree is byte-for-byte as it was, and when even that fails, the caller learns exactly
 * which paths are left changed.
 *
 * <p>Commit: (1) create missing directories, remembering which; (2) write every new file to a
 * temporary file in its target directory and sync it; (3) for each target in order, keep a
 * backup of the old file (a hard link, or a copy) and rename the temporary file over it;
 * (4) sync the directories that changed (including the parents of new directories); (5) delete
 * the backups. When step 1 to 3 fails, the renamed targets get their backups back (or are
 * deleted when they are new), temporary files and directories this transaction created are
 * removed, and a {@link CommitFailedException} says whether that rollback was complete. Once
 * every rename succeeded the commit has succeeded: a backup that cannot be deleted is reported
 * in {@link Committed#leftovers()}, not as a failure.
 *
 * <p>Order the files so that what readers look up first (the channel's {@code latest.json})
 * comes after what it refers to (the release's {@code manifest.json}). A reader that fetches
 * between two renames may still see a new {@code latest.json} beside its old signature; the
 * verifier refuses that pair and the reader tries again later, so nothing wrong is accepted.
 *
 * <p>Temporary files are named {@code .<file>.<digits>.tmp} ({@link AtomicFile#writeTemp}) and
 * backups {@code .<file>.<hex>.bak}; {@link Leftovers} finds those a crashed run left behind.
 *
 * <p>One class of about 300 lines on purpose: the commit, its rollback and the outcomes they
 * report are one algorithm, and each step's undo is checked against the step beside it.
 */
public final class TreeTransaction {

    static final String TEMP_SUFFIX = ".tmp";
    static final String BACKUP_SUFFIX = ".bak";

    /**
     * The renames and deletions a commit makes. Their failures are what a rollback must survive,
     * so tests substitute ones that fail on purpose.
     */
    interface FileOperations {
        /** Atomically renames {@code source} to {@code target}, replacing it. */
        void move(Path source, Path target) throws IOException;

        void deleteIfExists(Path file) throws IOException;
    }

    private static final FileOperations FILES = new FileOperations() {
        @Override
        public void move(Path source, Path target) throws IOException {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public void deleteIfExists(Path file) throws IOException {
            Files.deleteIfExists(file);
        }
    };

    private final Map<Path, byte[]> files = new LinkedHashMap<>();
    private final FileOperations fs;

    public TreeTransaction() {
        this(FILES);
    }

    TreeTransaction(FileOperations fs) {
        this.fs = fs;
    }

    /** Adds a file to write; a later call for the same path replaces the content. */
    public TreeTransaction put(Path target, byte[] content) {
        files.put(target.toAbsolutePath().normalize(), content.clone());
        return this;
    }

    public List<Path> targets() {
        return List.copyOf(files.keySet());
    }

    /** A commit that wrote every file; {@code leftovers} are backups it could not delete afterwards. */
    public record Committed(List<Path> written, List<Leftover> leftovers) {
        public Committed {
            written = List.copyOf(written);
            leftovers = List.copyOf(leftovers);
        }
    }

    /** A path that a rollback, or the cleanup after a commit, could not put right. */
    public record Leftover(Kind kind, Path path, String reason) {

        /** E.g. "could not restore the old channels/canary/latest.json (permission denied)". */
        public String describe(Function<Path, String> name) {
            return String.format(kind.template, name.apply(path)) + " (" + reason + ")";
        }
    }

    public enum Kind {
        NOT_RESTORED("could not restore the old %s"),
        NEW_FILE_LEFT("could not remove the new %s"),
        BACKUP_LEFT("could not remove the backup of %s"),
        TEMPORARY_FILE_LEFT("could not remove the temporary file for %s"),
        DIRECTORY_LEFT("could not remove the new directory %s");

        private final String template;

        Kind(String template) {
            this.template = template;
        }
    }

    /**
     * The commit failed at {@code step} on {@code target}; when {@code rollbackFailures} is empty
     * the tree is exactly as it was, otherwise those paths are not.
     */
    public static final class CommitFailedException extends IOException {

        private final String step;
        private final Path target;
        private final String reason;
        private final List<Leftover> rollbackFailures;

        CommitFailedException(String step, Path target, Throwable cause, List<Leftover> rollbackFailures) {
            super("could not " + step + " " + target + " (" + TreeTransaction.reason(cause) + "); "
                    + (rollbackFailures.isEmpty() ? "rolled back" : "rollback incomplete: " + rollbackFailures.stream()
                    .map(l -> l.describe(Path::toString)).collect(java.util.stream.Collectors.joining("; "))), cause);
            this.step = step;
            this.target = target;
            this.reason = TreeTransaction.reason(cause);
            this.rollbackFailures = List.copyOf(rollbackFailures);
        }

        /** What was being done, e.g. {@code replace}, {@code create directory}. */
        public String step() {
            return step;
        }

        /** The tree path it was done to (never a temporary file). */
        public Path target() {
            return target;
        }

        /** The failure in a few words, without any path. */
        public String reason() {
            return reason;
        }

        public List<Leftover> rollbackFailures() {
            return rollbackFailures;
        }

        public boolean rolledBack() {
            return rollbackFailures.isEmpty();
        }
    }

    /** Writes every file or none; see the class comment. */
    public Committed commit() throws CommitFailedException {
        List<Path> createdDirs = new ArrayList<>();
        Map<Path, Path> temps = new LinkedHashMap<>();
        List<Renamed> renamed = new ArrayList<>();
        String step = "prepare";
        Path at = null;
        try {
            for (Path target : files.keySet()) {
                step = "create directory";
                at = AtomicFile.directoryOf(target);
                createDirectories(at, createdDirs);
            }
            for (Map.Entry<Path, byte[]> e : files.entrySet()) {
                step = "write";
                at = e.getKey();
                temps.put(e.getKey(), AtomicFile.writeTemp(e.getKey(), e.getValue(), AtomicFile.READABLE));
            }
            for (Map.Entry<Path, Path> e : temps.entrySet()) {
                at = e.getKey();
                step = "keep a backup of";
                Path backup = backup(at);
                step = backup == null ? "create" : "replace";
                // Recorded before the rename: if the rename fails, the backup is still cleaned up.
                renamed.add(new Renamed(at, backup, false));
                fs.move(e.getValue(), at);
                renamed.set(renamed.size() - 1, new Renamed(at, backup, true));
            }
        } catch (IOException | RuntimeException e) {
            List<Leftover> failures = rollback(renamed, temps, createdDirs, e);
            throw new CommitFailedException(step, at, e, failures);
        }
        Set<Path> dirs = new LinkedHashSet<>();
        files.keySet().forEach(t -> dirs.add(AtomicFile.directoryOf(t)));
        // A new directory's own entry lives in its parent: sync that too, or a crash can lose it.
        createdDirs.forEach(d -> dirs.add(AtomicFile.directoryOf(d)));
        dirs.forEach(AtomicFile::syncDirectory);
        List<Leftover> leftovers = new ArrayList<>();
        for (Renamed r : renamed) {
            if (r.backup() != null) {
                try {
                    fs.deleteIfExists(r.backup());
                } catch (IOException | RuntimeException e) {
                    leftovers.add(new Leftover(Kind.BACKUP_LEFT, r.target(), reason(e)));
                }
            }
        }
        return new Committed(targets(), leftovers);
    }

    private record Renamed(Path target, Path backup, boolean done) {
    }

    private static void createDirectories(Path dir, List<Path> created) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path d = dir; d != null && !Files.isDirectory(d); d = d.getParent()) {
            missing.add(0, d);
        }
        for (Path d : missing) {
            Files.createDirectory(d);
            created.add(d);
        }
    }

    /** A second name for the current target file, or {@code null} when there is none. */
    private static Path backup(Path target) throws IOException {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        Path backup = AtomicFile.directoryOf(target).resolve("." + target.getFileName() + "."
                + Long.toHexString(System.nanoTime()) + BACKUP_SUFFIX);
        try {
            Files.createLink(backup, target);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(target, backup, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
        return backup;
    }

    /** Undoes what was done, in reverse; returns what could not be undone (also added to {@code cause}). */
    private List<Leftover> rollback(List<Renamed> renamed, Map<Path, Path> temps, List<Path> createdDirs,
                                           Exception cause) {
        List<Leftover> failures = new ArrayList<>();
        for (int i = renamed.size() - 1; i >= 0; i--) {
            Renamed r = renamed.get(i);
            Kind kind = r.backup() == null ? Kind.NEW_FILE_LEFT : r.done() ? Kind.NOT_RESTORED : Kind.BACKUP_LEFT;
            try {
                if (r.backup() != null) {
                    if (r.done()) {
                        fs.move(r.backup(), r.target());
                    } else {
                        fs.deleteIfExists(r.backup());
                    }
                } else if (r.done()) {
                    fs.deleteIfExists(r.target());
                }
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
                failures.add(new Leftover(kind, r.target(), reason(e)));
            }
        }
        for (Map.Entry<Path, Path> temp : temps.entrySet()) {
            try {
                fs.deleteIfExists(temp.getValue());
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
                failures.add(new Leftover(Kind.TEMPORARY_FILE_LEFT, temp.getKey(), reason(e)));
            }
        }
        for (int i = createdDirs.size() - 1; i >= 0; i--) {
            try {
                fs.deleteIfExists(createdDirs.get(i));
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
                failures.add(new Leftover(Kind.DIRECTORY_LEFT, createdDirs.get(i), reason(e)));
            }
        }
        return failures;
    }

    /**
     * A failure in a few words and without paths: the exceptions of {@code java.nio.file} put the
     * paths they involve (here: temporary files and backups) into their messages.
     */
    static String reason(Throwable e) {
        return switch (e) {
            case AccessDeniedException a -> "permission denied";
            case NoSuchFileException n -> "no such file or directory";
            case DirectoryNotEmptyException d -> "a non-empty directory is in the way";
            case FileAlreadyExistsException f -> "something is in the way";
            case FileSystemException f -> f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
