package com.seglamater.hivemind.agent.backup;

import com.seglamater.hivemind.agent.compose.Compose;
import com.seglamater.hivemind.agent.compose.ComposeException;
import com.seglamater.hivemind.agent.compose.DumpFile;
import com.seglamater.hivemind.agent.disk.DiskSpace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The database dumps in the backup directory: the one code path of the pre-update backup and of
 * the {@code backup} and {@code restore} commands. Dumps are {@code hivemind-STAMP-LABEL.dump}
 * (STAMP is UTC {@code yyyyMMdd'T'HHmmss'Z'}), owner-only like the data they hold, and only files
 * named so are ever listed or deleted: the directory may hold the operator's own files.
 */
public final class Backups {

    static final Pattern NAME = Pattern.compile("hivemind-([0-9]{8}T[0-9]{6}Z)-([A-Za-z0-9._-]{1,80})\\.dump");
    static final int MAX_LABEL = 64;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final int MAX_SAME_SECOND = 1000;
    /**
     * What {@link #ensureRoom} asks beyond the newest dump's size: a database grows between
     * dumps (by {@value #GROWTH_PERCENT}%, say), and the agent's own files, and on a shared disk
     * the database itself, must still be writable once the dump is there.
     */
    static final long HEADROOM = 16L * 1024 * 1024;
    static final int GROWTH_PERCENT = 25;
    private static final Logger LOG = Logger.getLogger(Backups.class.getName());

    /** Newest first: by the stamp in the name, then (same second) by modification time, then by name. */
    private static final Comparator<Path> NEWEST_FIRST = Comparator
            .comparing((Path p) -> stamp(p))
            .thenComparing(Backups::modified)
            .thenComparing(p -> p.getFileName().toString())
            .reversed();

    private final Path dir;
    private final int keep;
    private final Compose compose;
    private final Clock clock;
    private final InUse inUse;

    /** The dumps retention must spare; when they cannot be told, nothing is removed. */
    @FunctionalInterface
    public interface InUse {
        Set<Path> get() throws Exception;
    }

    public Backups(Path dir, int keep, Compose compose, Clock clock) {
        this(dir, keep, compose, clock, Set::of);
    }

    /**
     * @param inUse dumps that retention must never remove, whatever their age: the one an
     *              update in progress restores on failure, and the ones a rollback restores
     */
    public Backups(Path dir, int keep, Compose compose, Clock clock, InUse inUse) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1");
        }
        this.dir = Objects.requireNonNull(dir, "dir");
        this.keep = keep;
        this.compose = Objects.requireNonNull(compose, "compose");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.inUse = Objects.requireNonNull(inUse, "inUse");
    }

    /**
     * Dumps the database into a new file and prunes the oldest dumps beyond {@code keep}.
     *
     * @param label what the dump is for, e.g. the version about to be installed or {@code manual};
     *              characters other than letters, digits, '.', '_' and '-' become '_'
     * @return the dump, complete and checked
     */
    public Path create(String label) throws BackupException {
        return create(label, Set.of());
    }

    /** Like {@link #create(String)}, and retention also spares {@code keepAlso} (e.g. the dump about to be restored). */
    public Path create(String label, Set<Path> keepAlso) throws BackupException {
        prepareDirectory();
        Path target = freshName(sanitize(label));
        boolean made = false;
        try {
            compose.dumpDatabase(target);
            Optional<String> problem = DumpFile.problem(target);
            if (problem.isPresent()) {
                throw new BackupException("the database dump is not usable: " + problem.get());
            }
            filledUp(target);
            Files.setPosixFilePermissions(target, FILE_MODE);
            made = true;
        } catch (ComposeException | IOException e) {
            if (DiskSpace.outOfSpace(e)) {
                deleteQuietly(target); // before measuring: what is free once the partial dump is gone
                long usable = usableOrUnknown();
                throw new NoSpaceException(dir, usable, "the backup directory " + dir + " is full (" + freeText(usable)
                        + " once the partial dump was removed): " + e.getMessage(), e);
            }
            throw e instanceof ComposeException ? new BackupException("database backup failed: " + e.getMessage(), e)
                    : new BackupException("cannot make " + target + " private: " + e.getMessage(), e);
        } finally {
            if (!made) {
                deleteQuietly(target); // the name was fresh: whatever is there is this failed attempt's
            }
        }
        LOG.info(() -> "database backup " + target);
        prune(target, keepAlso);
        return target;
    }

    /**
     * Refuses, before anything is dumped, when the backup directory's file system has less room
     * than {@link #roomNeeded} the newest dump: an update then stops before it changes anything,
     * instead of filling the disk and failing halfway through the dump.
     */
    public void ensureRoom() throws BackupException {
        long newest = 0;
        Optional<Path> last = list().stream().findFirst();
        if (last.isPresent()) {
            try {
                newest = Files.size(last.get());
            } catch (IOException e) {
                throw new BackupException("cannot read the size of " + last.get() + ": " + e.getMessage(), e);
            }
        }
        long usable;
        try {
            usable = DiskSpace.usable(dir);
        } catch (IOException e) {
            LOG.warning(() -> "cannot tell the free space in " + dir + " (" + e.getMessage() + "); dumping anyway");
            return;
        }
        long needed = roomNeeded(newest);
        if (usable < needed) {
            throw new NoSpaceException(dir, usable, "the backup directory " + dir + " has " + DiskSpace.bytes(usable)
                    + " free, less than the " + DiskSpace.bytes(needed) + " a dump needs there ("
                    + (last.isPresent() ? "the newest dump's " + DiskSpace.bytes(newest) + " plus " + GROWTH_PERCENT + "% and "
                    : "") + DiskSpace.bytes(HEADROOM) + " to spare); free some space there or set HIVEMIND_BACKUP_DIR"
                    + " to a larger disk");
        }
    }

    /** The room a new dump is given: the newest dump's size, plus {@value #GROWTH_PERCENT}%, plus {@link #HEADROOM}. */
    static long roomNeeded(long newestDump) {
        return newestDump + newestDump / 100 * GROWTH_PERCENT + HEADROOM;
    }

    /**
     * A dump after which not one byte is free was most likely cut short by the full disk, by a
     * client that took the write error for the end of its output: it is not trusted as a backup.
     */
    private void filledUp(Path dump) throws BackupException {
        long usable = usableOrUnknown();
        if (usable == 0) {
            deleteQuietly(dump);
            throw new NoSpaceException(dir, 0, "the backup directory " + dir + " is full: the dump filled it up to the"
                    + " last byte, so it may be cut short, and it was removed");
        }
    }

    private long usableOrUnknown() {
        try {
            return DiskSpace.usable(dir);
        } catch (IOException e) {
            return -1;
        }
    }

    private static String freeText(long usable) {
        return usable < 0 ? "free space unknown" : DiskSpace.bytes(usable) + " free";
    }

    /** The dumps, newest first; empty when the directory does not exist yet. */
    public List<Path> list() throws BackupException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .sorted(NEWEST_FIRST).toList();
        } catch (IOException e) {
            throw new BackupException("cannot list the backups in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Restores the database from {@code dump}, after checking that it is a dump at all. */
    /** Refuses, with the reason, a file that is not a dump this agent can restore. */
    public void validate(Path dump) throws BackupException {
        Optional<String> problem = DumpFile.problem(dump);
        if (problem.isPresent()) {
            throw new BackupException("refusing to restore: " + problem.get());
        }
    }

    public void restore(Path dump) throws BackupException {
        validate(dump);
        try {
            compose.restoreDatabase(dump);
        } catch (ComposeException e) {
            throw new BackupException("restore from " + dump + " failed: " + e.getMessage(), e);
        }
        LOG.info(() -> "database restored from " + dump);
    }

    static String sanitize(String label) {
        String clean = label == null ? "" : label.replaceAll("[^A-Za-z0-9._-]", "_");
        clean = clean.length() > MAX_LABEL ? clean.substring(0, MAX_LABEL) : clean;
        return clean.isEmpty() ? "backup" : clean;
    }

    private Path freshName(String label) throws BackupException {
        String base = "hivemind-" + STAMP.format(clock.instant()) + "-" + label;
        for (int n = 1; n <= MAX_SAME_SECOND; n++) {
            Path candidate = dir.resolve(base + (n == 1 ? "" : "-" + n) + ".dump");
            if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return candidate;
            }
        }
        throw new BackupException("too many backups named " + base + " in " + dir);
    }

    private void prepareDirectory() throws BackupException {
        try {
            if (!Files.exists(dir)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, DIR_MODE); // createDirectories' mode is subject to the umask
            } else if (!Files.isDirectory(dir)) {
                throw new BackupException(dir + " is not a directory");
            }
        } catch (IOException e) {
            throw new BackupException("cannot create the backup directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Keeps {@code justMade}, the dumps in use and {@code keepAlso}, and the newest {@code keep - 1}
     * others; a failure here costs disk, not the backup.
     */
    private void prune(Path justMade, Set<Path> keepAlso) {
        try {
            Set<Path> spared = new HashSet<>();
            spared.add(justMade.toAbsolutePath().normalize());
            Stream.concat(keepAlso.stream(), inUse.get().stream()).map(p -> p.toAbsolutePath().normalize())
                    .forEach(spared::add);
            // Dumps in use do not count against the retention either: keep N others besides them.
            List<Path> others = list().stream().filter(p -> !spared.contains(p.toAbsolutePath().normalize())).toList();
            for (Path old : others.subList(Math.min(others.size(), keep - 1), others.size())) {
                Files.delete(old);
                LOG.info(() -> "removed old backup " + old);
            }
        } catch (Exception e) {
            LOG.warning(() -> "old backups in " + dir + " are kept: " + e.getMessage());
        }
    }

    private static String stamp(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? m.group(1) : "";
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warning(() -> "cannot remove " + file + ": " + e.getMessage());
        }
    }
}
