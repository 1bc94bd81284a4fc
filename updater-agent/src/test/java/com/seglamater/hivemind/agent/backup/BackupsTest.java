package com.seglamater.hivemind.agent.backup;

import com.seglamater.hivemind.agent.compose.Compose;
import com.seglamater.hivemind.agent.compose.ComposeException;
import com.seglamater.hivemind.agent.compose.ContainerState;
import com.seglamater.hivemind.agent.disk.DiskSpace;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupsTest {

    private static final Instant T0 = Instant.parse("2025-03-04T05:06:07Z");

    @TempDir
    Path root;

    private final TestClock clock = new TestClock(T0);
    private final DumpingCompose compose = new DumpingCompose();

    private Path dir() {
        return root.resolve("data").resolve("backups");
    }

    private Backups backups(int keep) {
        return new Backups(dir(), keep, compose, clock);
    }

    @Test
    void namesTheDumpAfterTheUtcTimeAndTheLabel() throws Exception {
        Path dump = backups(10).create("0.2.0-rc.1");

        assertThat(dump).isEqualTo(dir().resolve("hivemind-20250304T050607Z-0.2.0-rc.1.dump"));
        assertThat(Files.readString(dump)).startsWith("PGDMP");
        assertThat(compose.dumped).containsExactly(dump);
    }

    @Test
    void sanitizesTheLabelSoTheDumpStaysInTheDirectory() throws Exception {
        Path dump = backups(10).create("../../etc/passwd x");

        assertThat(dump.getParent()).isEqualTo(dir());
        assertThat(dump.getFileName().toString()).isEqualTo("hivemind-20250304T050607Z-.._.._etc_passwd_x.dump");
        assertThat(backups(10).create("").getFileName().toString()).isEqualTo("hivemind-20250304T050607Z-backup.dump");
    }

    @Test
    void twoDumpsInOneSecondGetDistinctNames() throws Exception {
        Backups backups = backups(10);

        Path first = backups.create("manual");
        Path second = backups.create("manual");
        Path third = backups.create("manual");

        assertThat(List.of(first, second, third)).doesNotHaveDuplicates().allSatisfy(p -> assertThat(p).exists());
        assertThat(second.getFileName().toString()).isEqualTo("hivemind-20250304T050607Z-manual-2.dump");
        assertThat(backups.list()).hasSize(3);
    }

    @Test
    void createsTheDirectoryOwnerOnlyAndTheDumpsOwnerOnly() throws Exception {
        Path dump = backups(10).create("manual");

        assertThat(Files.getPosixFilePermissions(dir())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(dump)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void keepsTheNewestDumpsAndNeverTouchesForeignFiles() throws Exception {
        Backups backups = backups(3);
        Files.createDirectories(dir());
        Set<Path> foreign = Set.of(
                Files.writeString(dir().resolve("notes.txt"), "operator's"),
                Files.writeString(dir().resolve("hivemind-manual.dump"), "PGDMP by hand"),
                Files.writeString(dir().resolve("hivemind-20200101T000000Z-x.dump.bak"), "PGDMP"),
                Files.createDirectory(dir().resolve("hivemind-20200101T000000Z-dir.dump")));
        List<Path> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            made.add(backups.create("v" + i));
            clock.advance(Duration.ofMinutes(1));
        }

        assertThat(backups.list()).containsExactly(made.get(4), made.get(3), made.get(2));
        assertThat(made.subList(0, 2)).allSatisfy(p -> assertThat(p).doesNotExist());
        assertThat(foreign).allSatisfy(p -> assertThat(p).exists());
    }

    @Test
    void neverDeletesTheDumpJustMadeEvenIfOthersLookNewer() throws Exception {
        Files.createDirectories(dir());
        Path future1 = Files.writeString(dir().resolve("hivemind-20300101T000000Z-a.dump"), "PGDMP");
        Path future2 = Files.writeString(dir().resolve("hivemind-20310101T000000Z-b.dump"), "PGDMP");

        Path made = backups(2).create("manual");

        assertThat(made).exists();
        assertThat(future2).exists();
        assertThat(future1).doesNotExist();
    }

    @Test
    void aFailedDumpLeavesNothingAndPrunesNothing() throws Exception {
        Files.createDirectories(dir());
        Path old = Files.writeString(dir().resolve("hivemind-20200101T000000Z-old.dump"), "PGDMP");
        compose.failAfterWriting = "PGDMP partial";

        assertThatThrownBy(() -> backups(1).create("manual")).isInstanceOf(BackupException.class)
                .hasMessageContaining("database backup failed").hasMessageContaining("pg_dump died");

        assertThat(listing()).containsExactly(old.getFileName().toString());
    }

    @Test
    void aDumpThatFailsOnAFullDiskIsRemovedAndReportedAsTheBackupDirectoryBeingFull() throws Exception {
        Files.createDirectories(dir());
        Path old = Files.writeString(dir().resolve("hivemind-20200101T000000Z-old.dump"), "PGDMP");
        compose.failAfterWriting = "PGDMP partial";
        compose.failure = "docker compose exec hivemind-db pg_dump failed (exit 1): write /dev/stdout: no space left on device";

        assertThatThrownBy(() -> backups(1).create("manual")).isInstanceOfSatisfying(NoSpaceException.class, e -> {
            assertThat(e.directory()).isEqualTo(dir());
            assertThat(e.usable()).isPositive();
            assertThat(e).hasMessageStartingWith("the backup directory " + dir() + " is full (")
                    .hasMessageContaining("free once the partial dump was removed")
                    .hasMessageContaining("no space left on device");
        });

        assertThat(listing()).containsExactly(old.getFileName().toString());
        assertThat(Files.readString(old)).isEqualTo("PGDMP");
    }

    @Test
    void roomForADumpIsTheNewestDumpAndAQuarterMoreAndSixteenMebibytes() {
        long mib = 1024 * 1024;

        assertThat(Backups.roomNeeded(0)).isEqualTo(16 * mib);
        assertThat(Backups.roomNeeded(100 * mib)).isEqualTo(141 * mib);
    }

    @Test
    void aBackupDirectoryWithoutRoomForAnotherDumpLikeTheNewestIsRefusedBeforeDumping() throws Exception {
        Files.createDirectories(dir());
        Path old = dir().resolve("hivemind-20200101T000000Z-old.dump");
        Files.writeString(old, "PGDMP");
        Path newest = dir().resolve("hivemind-20250101T000000Z-big.dump");
        long usable = Files.getFileStore(dir()).getUsableSpace();
        // A sparse file: as large as twice the free space, taking none of it.
        try (RandomAccessFile file = new RandomAccessFile(newest.toFile(), "rw")) {
            file.write("PGDMP".getBytes(StandardCharsets.US_ASCII));
            file.setLength(usable * 2);
        }

        assertThatThrownBy(() -> backups(10).ensureRoom()).isInstanceOfSatisfying(NoSpaceException.class, e -> {
            assertThat(e.directory()).isEqualTo(dir());
            assertThat(e.usable()).isLessThan(Backups.roomNeeded(usable * 2));
            assertThat(e).hasMessageStartingWith("the backup directory " + dir() + " has ")
                    .hasMessageContaining(" free, less than the ")
                    .hasMessageContaining("the newest dump's " + DiskSpace.bytes(usable * 2) + " plus 25% and 16.0 MiB to spare")
                    .hasMessageContaining("HIVEMIND_BACKUP_DIR");
        });
        assertThat(compose.dumped).isEmpty();
        assertThat(listing()).containsExactly(old.getFileName().toString(), newest.getFileName().toString());
    }

    @Test
    void aBackupDirectoryWithRoomIsLetThroughEvenBeforeItExists() throws Exception {
        Assumptions.assumeTrue(Files.getFileStore(root).getUsableSpace() > 64L * 1024 * 1024,
                "the test's own disk has less than 64 MiB free");

        backups(10).ensureRoom();
        Path dump = backups(10).create("manual");
        backups(10).ensureRoom();

        assertThat(dump).exists();
    }

    @Test
    void aDumpThatIsNotAPostgresArchiveIsRemovedAndRefused() throws Exception {
        compose.content = "-- plain SQL";

        assertThatThrownBy(() -> backups(10).create("manual")).isInstanceOf(BackupException.class)
                .hasMessageContaining("not usable").hasMessageContaining("PGDMP");

        assertThat(listing()).isEmpty();
    }

    @Test
    void listsNewestFirstAndIsEmptyBeforeTheFirstBackup() throws Exception {
        Backups backups = backups(10);
        assertThat(backups.list()).isEmpty();

        Path a = backups.create("a");
        clock.advance(Duration.ofHours(1));
        Path b = backups.create("b");
        clock.advance(Duration.ofSeconds(1));
        Path c = backups.create("c");

        assertThat(backups.list()).containsExactly(c, b, a);
    }

    @Test
    void restoresAValidDump() throws Exception {
        Backups backups = backups(10);
        Path dump = backups.create("manual");

        backups.restore(dump);

        assertThat(compose.restored).containsExactly(dump);
    }

    @Test
    void refusesToRestoreMissingOrForeignFilesBeforeCallingCompose() throws Exception {
        Backups backups = backups(10);
        Files.createDirectories(dir());
        Path foreign = Files.writeString(dir().resolve("hivemind-20250101T000000Z-x.dump"), "SELECT 1;");
        Path empty = Files.write(dir().resolve("hivemind-20250101T000001Z-x.dump"), new byte[0]);

        assertThatThrownBy(() -> backups.restore(dir().resolve("missing.dump"))).isInstanceOf(BackupException.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> backups.restore(foreign)).isInstanceOf(BackupException.class)
                .hasMessageContaining("not a PostgreSQL custom-format dump");
        assertThatThrownBy(() -> backups.restore(empty)).isInstanceOf(BackupException.class)
                .hasMessageContaining("is empty");
        assertThatThrownBy(() -> backups.restore(dir())).isInstanceOf(BackupException.class)
                .hasMessageContaining("not a regular file");
        assertThat(compose.restored).isEmpty();
    }

    @Test
    void aFailedRestoreIsABackupException() throws Exception {
        Backups backups = backups(10);
        Path dump = backups.create("manual");
        compose.restoreFailure = "pg_restore: error: could not execute query";

        assertThatThrownBy(() -> backups.restore(dump)).isInstanceOf(BackupException.class)
                .hasMessageContaining("restore from " + dump).hasMessageContaining("could not execute query");
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir())) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Writes {@link #content} as the dump (world-readable, as a careless implementation would). */
    private static final class DumpingCompose implements Compose {
        String content = "PGDMP\u0001\u000e\u0000fake archive";
        String failAfterWriting;
        /** Why the dump fails after {@link #failAfterWriting}, as the docker client says it. */
        String failure = "pg_dump died";
        String restoreFailure;
        final List<Path> dumped = new ArrayList<>();
        final List<Path> restored = new ArrayList<>();

        @Override
        public void dumpDatabase(Path target) throws ComposeException {
            try {
                Files.writeString(target, failAfterWriting != null ? failAfterWriting : content, StandardCharsets.ISO_8859_1);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
            } catch (IOException e) {
                throw new ComposeException(e.getMessage(), e);
            }
            if (failAfterWriting != null) {
                throw new ComposeException(failure);
            }
            dumped.add(target);
        }

        @Override
        public void restoreDatabase(Path source) throws ComposeException {
            if (restoreFailure != null) {
                throw new ComposeException(restoreFailure);
            }
            restored.add(source);
        }

        @Override
        public Set<String> services() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void pull(List<String> services) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void recreate(String service) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void stop(String service) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ContainerState inspect(String service) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void startOneOff(String service, String name, List<String> args) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean oneOffRunning(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void removeOneOff(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<String> schemaVersion() {
            throw new UnsupportedOperationException();
        }
    }

    private static final class TestClock extends Clock {
        private Instant now;

        TestClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
