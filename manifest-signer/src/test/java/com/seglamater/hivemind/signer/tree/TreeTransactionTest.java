package com.seglamater.hivemind.signer.tree;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Predicate;
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

        assertThatThrownBy(transaction::commit).isInstanceOfSatisfying(TreeTransaction.CommitFailedException.class,
                e -> {
                    assertThat(e.rolledBack()).isTrue();
                    assertThat(e.step()).isEqualTo("replace");
                    assertThat(e.target()).isEqualTo(root.resolve("blocked"));
                    assertThat(e.getMessage()).isEqualTo("could not replace " + root.resolve("blocked")
                            + " (Is a directory); rolled back")
                            .doesNotContain(".tmp").doesNotContain(".bak");
                });
        assertThat(root.resolve("first.txt")).hasContent("first, old");
        assertThat(root.resolve("fresh")).doesNotExist();
        assertThat(root.resolve("blocked/inside")).isDirectory();
        assertThat(names()).containsExactlyInAnyOrder("first.txt", "blocked", "inside");
    }

    /** Real file operations, except that the chosen ones fail. */
    private static final class Failing implements TreeTransaction.FileOperations {
        private final Predicate<Path> failMoveTo;
        private final Predicate<Path> failDelete;

        Failing(Predicate<Path> failMoveTo, Predicate<Path> failDelete) {
            this.failMoveTo = failMoveTo;
            this.failDelete = failDelete;
        }

        @Override
        public void move(Path source, Path target) throws IOException {
            if (failMoveTo.test(target)) {
                throw new FileSystemException(source.toString(), target.toString(), "Input/output error");
            }
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public void deleteIfExists(Path file) throws IOException {
            if (failDelete.test(file)) {
                throw new AccessDeniedException(file.toString());
            }
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aRollbackThatFailsSaysSoAndNamesThePathsItLeftChanged() throws Exception {
        Files.writeString(root.resolve("first.txt"), "first, old");
        Path second = root.resolve("second.txt");
        // The second rename fails; so does every move back to first.txt and removing the new directory.
        int[] movesToFirst = {0};
        TreeTransaction transaction = new TreeTransaction(new Failing(
                target -> target.equals(second) || target.getFileName().toString().equals("first.txt")
                        && ++movesToFirst[0] > 1,
                file -> file.equals(root.resolve("new"))))
                .put(root.resolve("first.txt"), bytes("first, new"))
                .put(root.resolve("new/file.txt"), bytes("new"))
                .put(second, bytes("second"));

        assertThatThrownBy(transaction::commit).isInstanceOfSatisfying(TreeTransaction.CommitFailedException.class,
                e -> {
                    assertThat(e.rolledBack()).isFalse();
                    assertThat(e.target()).isEqualTo(second);
                    assertThat(e.reason()).isEqualTo("Input/output error");
                    assertThat(e.rollbackFailures()).extracting(TreeTransaction.Leftover::kind,
                                    TreeTransaction.Leftover::path)
                            .containsExactly(
                                    org.assertj.core.groups.Tuple.tuple(TreeTransaction.Kind.NOT_RESTORED,
                                            root.resolve("first.txt")),
                                    org.assertj.core.groups.Tuple.tuple(TreeTransaction.Kind.DIRECTORY_LEFT,
                                            root.resolve("new")));
                    assertThat(e.getMessage()).contains("rollback incomplete: could not restore the old "
                                    + root.resolve("first.txt") + " (Input/output error)")
                            .contains("could not remove the new directory " + root.resolve("new")
                                    + " (permission denied)")
                            .doesNotContain("rolled back").doesNotContain(".tmp").doesNotContain(".bak");
                });
        assertThat(root.resolve("first.txt")).hasContent("first, new");
        assertThat(root.resolve("new/file.txt")).doesNotExist();
    }

    @Test
    void aBackupThatCannotBeDeletedAfterEveryRenameIsALeftoverNotAFailure() throws Exception {
        Files.writeString(root.resolve("old.txt"), "old");

        TreeTransaction.Committed committed = new TreeTransaction(new Failing(target -> false,
                file -> file.getFileName().toString().endsWith(".bak")))
                .put(root.resolve("old.txt"), bytes("new"))
                .put(root.resolve("fresh.txt"), bytes("fresh"))
                .commit();

        assertThat(root.resolve("old.txt")).hasContent("new");
        assertThat(root.resolve("fresh.txt")).hasContent("fresh");
        assertThat(committed.written()).containsExactly(root.resolve("old.txt"), root.resolve("fresh.txt"));
        assertThat(committed.leftovers()).singleElement().satisfies(l -> {
            assertThat(l.kind()).isEqualTo(TreeTransaction.Kind.BACKUP_LEFT);
            assertThat(l.path()).isEqualTo(root.resolve("old.txt"));
            assertThat(l.describe(p -> root.relativize(p).toString()))
                    .isEqualTo("could not remove the backup of old.txt (permission denied)");
        });
    }

    @Test
    void leftoverNamesAreExactlyThoseTransactionsMake() {
        assertThat(java.util.List.of(".latest.json.4021930527189423150.tmp", ".latest.json.asc.1b3c.bak",
                ".manifest.json.12.tmp", ".manifest.json.asc.ff.bak", ".release-keys.asc.7.tmp"))
                .allMatch(Leftovers::isLeftoverName);
        assertThat(java.util.List.of("latest.json", ".latest.json.tmp", ".latest.json.12.bak.x", ".notes.12.tmp",
                ".latest.json.xyz.bak", ".latest.json.12a.tmp", "..latest.json.1.tmp", ".latest.json.asc.asc.1.tmp"))
                .noneMatch(Leftovers::isLeftoverName);
    }

    private java.util.List<String> names() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> !p.equals(root)).map(p -> p.getFileName().toString()).toList();
        }
    }
}
