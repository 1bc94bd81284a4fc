package com.seglamater.hivemind.signer.tree;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The hidden temporary files and backups a {@link TreeTransaction} leaves behind when its process
 * is killed mid-commit. Run under the tree lock, so no live transaction owns them. Only names
 * that a transaction of this tool makes for files of the release tree are touched:
 * {@code .<file>.<digits>.tmp} and {@code .<file>.<hex>.bak}, where {@code <file>} is
 * {@code latest.json}, {@code manifest.json}, their {@code .asc} or {@code release-keys.asc}.
 */
public final class Leftovers {

    private static final Pattern NAME = Pattern.compile("\\.("
            + Stream.of(ReleaseTree.STATEMENT, ReleaseTree.MANIFEST, ReleaseTree.KEYRING)
            .map(Pattern::quote).collect(Collectors.joining("|"))
            + ")(" + Pattern.quote(ReleaseTree.SIGNATURE_SUFFIX) + ")?\\."
            + "([0-9]+" + Pattern.quote(TreeTransaction.TEMP_SUFFIX)
            + "|[0-9a-f]+" + Pattern.quote(TreeTransaction.BACKUP_SUFFIX) + ")");

    /**
     * @param removed the leftovers deleted
     * @param failed  leftovers that could not be deleted, with the reason
     */
    public record Result(List<Path> removed, Map<Path, String> failed) {
    }

    private Leftovers() {
    }

    static boolean isLeftoverName(String name) {
        return NAME.matcher(name).matches();
    }

    /**
     * The leftovers in {@code channels/<channel>/}, {@code releases/<version>/} and {@code keys/}.
     * Symbolic links are not followed, neither to directories nor as files: only regular files
     * inside the tree are listed.
     */
    public static List<Path> find(ReleaseTree tree) throws IOException {
        List<Path> dirs = new ArrayList<>();
        dirs.addAll(subdirectories(tree.root().resolve(ReleaseTree.CHANNELS)));
        dirs.addAll(subdirectories(tree.root().resolve(ReleaseTree.RELEASES)));
        dirs.add(tree.root().resolve(ReleaseTree.KEYS));
        List<Path> found = new ArrayList<>();
        for (Path dir : dirs) {
            for (Path file : entries(dir)) {
                if (isLeftoverName(file.getFileName().toString()) && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    found.add(file);
                }
            }
        }
        return found;
    }

    /** Deletes {@code leftovers} (as found by {@link #find}); a file that cannot be deleted is reported, not fatal. */
    public static Result remove(List<Path> leftovers) {
        List<Path> removed = new ArrayList<>();
        Map<Path, String> failed = new TreeMap<>();
        for (Path file : leftovers) {
            try {
                Files.delete(file);
                removed.add(file);
            } catch (IOException | RuntimeException e) {
                failed.put(file, TreeTransaction.reason(e));
            }
        }
        return new Result(removed, failed);
    }

    private static List<Path> subdirectories(Path dir) throws IOException {
        List<Path> subdirs = new ArrayList<>();
        for (Path p : entries(dir)) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                subdirs.add(p);
            }
        }
        return subdirs;
    }

    /** The entries of a real directory, sorted; none when it is missing or a symbolic link. */
    private static List<Path> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        }
        entries.sort(null);
        return entries;
    }
}
