package com.seglamater.hivemind.model.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFileTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void replacesTheContentAndLeavesNothingElseBehind() throws IOException {
        Path file = Files.writeString(dir.resolve("state.json"), "old and longer than the new");

        AtomicFile.write(file, bytes("new"), AtomicFile.OWNER_ONLY);

        assertThat(file).hasContent("new");
        assertThat(names()).containsExactly("state.json");
    }

    @Test
    void createsAFileThatDidNotExist() throws IOException {
        AtomicFile.write(dir.resolve("new.txt"), bytes("x"), AtomicFile.READABLE);

        assertThat(dir.resolve("new.txt")).hasContent("x");
    }

    @Test
    void aFailureWhileWritingLeavesTheOldFileIntactAndNoTemporaryFile() throws IOException {
        Path file = Files.writeString(dir.resolve("state.json"), "old");

        assertThatThrownBy(() -> AtomicFile.write(file, AtomicFile.OWNER_ONLY, out -> {
            out.write(bytes("half of the n"));
            throw new IOException("No space left on device");
        })).isInstanceOf(IOException.class).hasMessage("No space left on device");

        assertThat(file).hasContent("old");
        assertThat(names()).containsExactly("state.json");
    }

    @Test
    void aFailedRenameLeavesTheTargetAsItWasAndNoTemporaryFile() throws IOException {
        Path target = Files.createDirectory(dir.resolve("in-the-way"));
        Files.writeString(target.resolve("inside"), "kept");

        assertThatThrownBy(() -> AtomicFile.write(target, bytes("new"), AtomicFile.READABLE))
                .isInstanceOf(IOException.class);

        assertThat(target).isDirectory();
        assertThat(target.resolve("inside")).hasContent("kept");
        assertThat(names()).containsExactly("in-the-way");
    }

    @Test
    void theFileGetsExactlyTheRequestedPermissionsWhateverTheUmaskOrTheOldFile() throws IOException {
        Path file = Files.writeString(dir.resolve("pins.yml"), "old");
        Files.setPosixFilePermissions(file, AtomicFile.OWNER_ONLY);

        AtomicFile.write(file, bytes("new"), AtomicFile.READABLE);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(AtomicFile.READABLE);

        // Group write is what a umask of 022 takes away from a file created with these permissions.
        AtomicFile.write(file, bytes("newer"), PosixFilePermissions.fromString("rw-rw-r--"));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-rw-r--"));

        AtomicFile.write(file, bytes("secret"), AtomicFile.OWNER_ONLY);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(AtomicFile.OWNER_ONLY);
    }

    @Test
    void aPrivateTemporaryFileIsOwnerOnlyBeforeAnythingIsWrittenToIt() throws IOException {
        Path temp = AtomicFile.createTemp(dir.resolve("backup.dump"), AtomicFile.OWNER_ONLY);

        assertThat(temp).isEmptyFile();
        assertThat(Files.getPosixFilePermissions(temp)).isEqualTo(AtomicFile.OWNER_ONLY);
        Files.delete(temp);
    }

    @Test
    void temporaryFilesAreHiddenBesideTheTargetWithANameLeftoverCleanupsRecognise() throws IOException {
        Path temp = AtomicFile.writeTemp(dir.resolve("latest.json"), bytes("{}"), AtomicFile.READABLE);

        assertThat(temp.getParent()).isEqualTo(dir);
        // manifest-signer's Leftovers and the agent's outbox find interrupted writes by this name.
        assertThat(temp.getFileName().toString()).matches("\\.latest\\.json\\.[0-9]+\\.tmp");
        assertThat(temp).hasContent("{}");
        Files.delete(temp);
    }

    @Test
    void contentAnotherProgramWroteIsCommittedByReplace() throws IOException {
        Path target = Files.writeString(dir.resolve("db.dump"), "previous dump");
        Path temp = AtomicFile.createTemp(target, AtomicFile.OWNER_ONLY);
        Files.writeString(temp, "fresh dump");

        AtomicFile.replace(temp, target);

        assertThat(target).hasContent("fresh dump");
        assertThat(temp).doesNotExist();
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(AtomicFile.OWNER_ONLY);
    }

    @Test
    void writeNewCreatesAFile() throws IOException {
        AtomicFile.writeNew(dir.resolve("key.asc"), bytes("secret key"), AtomicFile.OWNER_ONLY);

        assertThat(dir.resolve("key.asc")).hasContent("secret key");
        assertThat(Files.getPosixFilePermissions(dir.resolve("key.asc"))).isEqualTo(AtomicFile.OWNER_ONLY);
        assertThat(names()).containsExactly("key.asc");
    }

    @Test
    void writeNewNeverReplacesAnExistingFile() throws IOException {
        Path file = Files.writeString(dir.resolve("key.asc"), "the only copy of a key");

        assertThatThrownBy(() -> AtomicFile.writeNew(file, bytes("another key"), AtomicFile.OWNER_ONLY))
                .isInstanceOf(FileAlreadyExistsException.class);

        assertThat(file).hasContent("the only copy of a key");
        assertThat(names()).containsExactly("key.asc");
    }

    @Test
    void aPathWithoutADirectoryIsRefused() {
        assertThatThrownBy(() -> AtomicFile.directoryOf(Path.of("/")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no parent directory");
    }

    @Test
    void syncingADirectoryIsBestEffort() {
        AtomicFile.syncDirectory(dir);
        AtomicFile.syncDirectory(dir.resolve("absent"));
    }
}
