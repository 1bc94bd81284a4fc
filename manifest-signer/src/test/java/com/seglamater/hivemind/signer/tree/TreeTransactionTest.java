package com.seglamater.hivemind.signer.tree;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TreeTransactionTest {

    @TempDir
    Path root;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void commitWritesNewFilesReplacesOldOnesAndLeavesNoTemporaryFiles() throws Exception {
        Files.writeString(root.resolve("old.txt"), "old");
        new TreeTransaction()
                .put(root.resolve("a/b/new.txt"), bytes("new"))
                .put(root.resolve("old.txt"), bytes("replaced"))
                .commit();

        assertThat(root.resolve("a/b/new.txt")).hasContent("new");
        assertThat(root.resolve("old.txt")).hasContent("replaced");
        assertThat(names()).containsExactlyInAnyOrder("a", "b", "new.txt", "old.txt");
    }

    @Test
    void aFailedRenameRestoresReplacedFilesAndRemovesNewFilesAndDirectories() throws Exception {
        Files.writeString(root.resolve("first.txt"), "first, old");
        Files.createDirectories(root.resolve("blocked/inside"));

        TreeTransaction transaction = new TreeTransaction()
                .put(root.resolve("first.txt"), bytes("first, new"))
                .put(root.resolve("fresh/dir/second.txt"), bytes("second"))
                .put(root.resolve("blocked"), bytes("cannot replace a non-empty directory"));

        assertThatThrownBy(transaction::commit).isInstanceOf(IOException.class);
        assertThat(root.resolve("first.txt")).hasContent("first, old");
        assertThat(root.resolve("fresh")).doesNotExist();
        assertThat(root.resolve("blocked/inside")).isDirectory();
        assertThat(names()).containsExactlyInAnyOrder("first.txt", "blocked", "inside");
    }

    private java.util.List<String> names() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> !p.equals(root)).map(p -> p.getFileName().toString()).toList();
        }
    }
}
