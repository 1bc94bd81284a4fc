package com.seglamater.hivemind.signer.testing;

import com.seglamater.hivemind.signer.tree.TreeLock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Every directory and file under a tree with its exact bytes, to prove that a failed command
 * left the tree as it was. The lock file is left out: it is created on first use and stays empty.
 */
public final class TreeSnapshot {

    private TreeSnapshot() {
    }

    public static Map<String, String> of(Path root) {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                String name = root.relativize(p).toString().replace('\\', '/');
                if (name.equals(TreeLock.FILE_NAME)) {
                    continue;
                }
                entries.put(name, Files.isDirectory(p) ? "<dir>" : HexFormat.of().formatHex(Files.readAllBytes(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    /** Relative paths of the regular files under {@code root}, lock file excluded. */
    public static java.util.Set<String> files(Path root) {
        java.util.Set<String> files = new java.util.TreeSet<>();
        of(root).forEach((name, content) -> {
            if (!content.equals("<dir>")) {
                files.add(name);
            }
        });
        return files;
    }
}
