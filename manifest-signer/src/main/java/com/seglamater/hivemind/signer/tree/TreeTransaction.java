package com.seglamater.hivemind.signer.tree;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes several files of the release tree as one change: either every file has its new content
 * or the tree is byte-for-byte as it was.
 *
 * <p>Commit: (1) create missing directories, remembering which; (2) write every new file to a
 * temporary file in its target directory and sync it; (3) for each target in order, keep a
 * backup of the old file (a hard link, or a copy) and rename the temporary file over it;
 * (4) delete the backups. When any step fails, the renamed targets get their backups back (or are
 * deleted when they are new), temporary files and directories this transaction created are
 * removed, and the failure is rethrown.
 *
 * <p>Order the files so that what readers look up first (the channel's {@code latest.json})
 * comes after what it refers to (the release's {@code manifest.json}). A reader that fetches
 * between two renames sees at worst a consistent old channel with a new release beside it.
 */
public final class TreeTransaction {

    private final Map<Path, byte[]> files = new LinkedHashMap<>();

    /** Adds a file to write; a later call for the same path replaces the content. */
    public TreeTransaction put(Path target, byte[] content) {
        files.put(target.toAbsolutePath().normalize(), content.clone());
        return this;
    }

    public boolean isEmpty() {
        return files.isEmpty();
    }

    public List<Path> targets() {
        return List.copyOf(files.keySet());
    }

    /** Writes every file or none; see the class comment. */
    public void commit() throws IOException {
        List<Path> createdDirs = new ArrayList<>();
        Map<Path, Path> temps = new LinkedHashMap<>();
        List<Renamed> renamed = new ArrayList<>();
        try {
            for (Path target : files.keySet()) {
                createDirectories(AtomicFiles.parent(target), createdDirs);
            }
            for (Map.Entry<Path, byte[]> e : files.entrySet()) {
                temps.put(e.getKey(), AtomicFiles.writeTemp(e.getKey(), e.getValue(), false));
            }
            for (Map.Entry<Path, Path> e : temps.entrySet()) {
                Path target = e.getKey();
                Path backup = backup(target);
                // Recorded before the rename: if the rename fails, the backup is still cleaned up.
                renamed.add(new Renamed(target, backup, false));
                Files.move(e.getValue(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                renamed.set(renamed.size() - 1, new Renamed(target, backup, true));
            }
        } catch (IOException | RuntimeException e) {
            rollback(renamed, temps.values(), createdDirs, e);
            throw e;
        }
        for (Renamed r : renamed) {
            if (r.backup() != null) {
                Files.deleteIfExists(r.backup());
            }
        }
        Set<Path> dirs = new LinkedHashSet<>();
        files.keySet().forEach(t -> dirs.add(AtomicFiles.parent(t)));
        dirs.forEach(AtomicFiles::syncDirectory);
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
        Path backup = AtomicFiles.parent(target).resolve("." + target.getFileName() + "."
                + Long.toHexString(System.nanoTime()) + ".bak");
        try {
            Files.createLink(backup, target);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(target, backup, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
        return backup;
    }

    private static void rollback(List<Renamed> renamed, Iterable<Path> temps, List<Path> createdDirs,
                                 Exception cause) {
        for (int i = renamed.size() - 1; i >= 0; i--) {
            Renamed r = renamed.get(i);
            try {
                if (r.backup() != null) {
                    if (r.done()) {
                        Files.move(r.backup(), r.target(), StandardCopyOption.ATOMIC_MOVE,
                                StandardCopyOption.REPLACE_EXISTING);
                    } else {
                        Files.deleteIfExists(r.backup());
                    }
                } else if (r.done()) {
                    Files.deleteIfExists(r.target());
                }
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
        for (Path temp : temps) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
        for (int i = createdDirs.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(createdDirs.get(i));
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
