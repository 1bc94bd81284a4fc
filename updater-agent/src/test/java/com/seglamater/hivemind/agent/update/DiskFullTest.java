package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.state.AgentState;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.state.StateStore;
import com.seglamater.hivemind.agent.testing.Engine;
import com.seglamater.hivemind.agent.testing.FakeStack;
import com.seglamater.hivemind.agent.testing.SmallFileSystem;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.UpdateEvent;
import com.seglamater.hivemind.model.admin.UpdateEventKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's fault: the backup directory or the agent's data directory fills up during an update.
 * Each directory is a real small file system (tmpfs) filled up, so the failures come from the
 * kernel, and the update runs through the real {@link Updater}, state store, pins file and
 * backups over the {@link FakeStack}. Every case must stop before any change (no pin, pull or
 * restart), say which directory is full, and leave what was already there byte for byte.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DiskFullTest {

    private static final long MIB = 1024 * 1024;
    private static final long FEW_KB = 8 * 1024;
    private static final String OLD_DUMP = "hivemind-20261101T031500Z-1.0.0.dump";

    @TempDir
    Path dir;

    private SmallFileSystem fs;
    private Engine engine;
    private FakeStack stack;
    private Map<String, String> v1;
    private Map<String, String> v2;

    @AfterEach
    void unmount() throws Exception {
        if (fs != null) {
            fs.close();
        }
    }

    /** The stack runs 1.0.0, with the dumps in {@code backupDir}. */
    private void start(Path backupDir) throws Exception {
        engine = new Engine(dir, backupDir);
        stack = engine.stack;
        v1 = engine.release("1.0.0", 'a', "4");
        v2 = engine.release("1.1.0", 'b', "5");
        engine.installed("1.0.0", v1);
        stack.calls.clear();
    }

    private OperationResult update() throws Exception {
        return engine.updater().apply("canary", Engine.offer("1.1.0", 7, v2));
    }

    /** A dump an earlier backup left: custom-format magic, then incompressible bytes. */
    private static void oldDump(Path backupDir) throws Exception {
        byte[] body = new byte[256 * 1024];
        ThreadLocalRandom.current().nextBytes(body);
        byte[] magic = "PGDMP".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, body, 0, magic.length);
        Files.write(backupDir.resolve(OLD_DUMP), body);
    }

    @Test
    void aBackupDirectoryThatFillsUpWhileDumpingStopsTheUpdateBeforeAnyChange() throws Exception {
        Path backups = dir.resolve("backups");
        fs = SmallFileSystem.mount(backups, "size=24m");
        start(backups);
        oldDump(backups);
        // Room enough by the estimate (the newest dump plus a quarter plus 16 MiB), but the database grew.
        fs.fillLeaving(17 * MIB);
        stack.dumpPadding = 18 * MIB;
        AgentState stateBefore = state();
        Map<String, String> before = everythingButState();

        OperationResult result = update();

        assertStoppedBeforeAnyChange(result, OperationCode.BACKUP_FAILED);
        assertThat(stack.actions()).as("the dump was attempted, nothing after it").containsExactly("dump");
        assertThat(result.message()).contains("the backup directory " + backups + " is full").contains("No space left on device");
        assertThat(everythingButState()).as("the partial dump is gone; everything else, the older dump too, is as it was")
                .isEqualTo(before);
        assertOnlyTheErrorWasRecorded(stateBefore);
        assertThat(state().lastError()).hasValueSatisfying(e -> assertThat(e).contains(backups + " is full"));
        assertReported(backups.toString());
    }

    @Test
    void aNearlyFullBackupDirectoryIsRefusedBeforeTheDatabaseIsDumped() throws Exception {
        Path backups = dir.resolve("backups");
        fs = SmallFileSystem.mount(backups, "size=8m");
        start(backups);
        oldDump(backups);
        fs.fillLeaving(FEW_KB);
        AgentState stateBefore = state();
        Map<String, String> before = everythingButState();

        OperationResult result = update();

        assertStoppedBeforeAnyChange(result, OperationCode.BACKUP_FAILED);
        assertThat(stack.actions()).as("not even a dump is tried").isEmpty();
        assertThat(result.message()).contains("the backup directory " + backups + " has 8.0 KiB free, less than the")
                .contains("the newest dump's 256.0 KiB").contains("HIVEMIND_BACKUP_DIR");
        assertThat(everythingButState()).isEqualTo(before);
        assertOnlyTheErrorWasRecorded(stateBefore);
        assertReported(backups.toString());
    }

    @Test
    void aDumpCutShortByAFullDiskIsNotTakenForABackup() throws Exception {
        Path backups = dir.resolve("backups");
        fs = SmallFileSystem.mount(backups, "size=24m");
        start(backups);
        oldDump(backups);
        fs.fillLeaving(17 * MIB);
        stack.dumpPadding = 18 * MIB;
        stack.ignoresWriteErrors = true; // the dump "succeeds" with what fitted
        AgentState stateBefore = state();
        Map<String, String> before = everythingButState();

        OperationResult result = update();

        assertStoppedBeforeAnyChange(result, OperationCode.BACKUP_FAILED);
        assertThat(stack.actions()).containsExactly("dump");
        assertThat(result.message()).contains(backups + " is full").contains("may be cut short");
        assertThat(everythingButState()).as("the cut dump was removed").isEqualTo(before);
        assertOnlyTheErrorWasRecorded(stateBefore);
    }

    @Test
    void aNearlyFullDataDirectoryStopsTheUpdateBeforeItIsJournaled() throws Exception {
        Path data = dir.resolve("data");
        fs = SmallFileSystem.mount(data, "size=4m");
        start(dir.resolve("backups"));
        engine.store.saveAccepted("canary", "{\"statement\":1}".getBytes(StandardCharsets.UTF_8),
                "signature".getBytes(StandardCharsets.UTF_8));
        AgentState stateBefore = state();
        fs.fillLeaving(FEW_KB);
        Map<String, String> before = everythingButState();

        OperationResult result = update();

        assertStoppedBeforeAnyChange(result, OperationCode.STATE_ERROR);
        assertThat(stack.actions()).isEmpty();
        assertThat(result.message()).contains("the agent's data directory " + data + " has 8.0 KiB free, less than the 1.0 MiB");
        assertThat(everythingButState()).as("the accepted statement, pins: as they were").isEqualTo(before);
        // A few KB were still room for state.json's error (the file is replaced whole or not at all).
        assertOnlyTheErrorWasRecorded(stateBefore);
        assertReported(data.toString());
    }

    @Test
    void aDataDirectoryThatCannotTakeTheJournalStopsTheUpdateAndKeepsItsFilesAsTheyWere() throws Exception {
        Path data = dir.resolve("data");
        // Bytes to spare, but no inode for the journal's temporary file: the write itself fails with ENOSPC.
        fs = SmallFileSystem.mount(data, "size=4m,nr_inodes=32");
        start(dir.resolve("backups"));
        fs.useUpInodes();
        Map<String, String> before = everything();

        OperationResult result = update();

        assertStoppedBeforeAnyChange(result, OperationCode.STATE_ERROR);
        assertThat(stack.actions()).isEmpty();
        assertThat(result.message()).contains("its data directory is full").contains(data.toString())
                .contains("No space left on device");
        assertThat(everything()).as("state.json, pins, dumps: byte for byte as they were").isEqualTo(before);
        assertThat(state().installed().map(Release::version)).contains("1.0.0");
        assertReported(data.toString());
    }

    /** No pin, pull or restart; nothing journaled or marked failed; the result and the event say no_space. */
    private void assertStoppedBeforeAnyChange(OperationResult result, OperationCode code) throws Exception {
        assertThat(result.success()).isFalse();
        assertThat(result.code()).isEqualTo(code);
        assertThat(result.reason()).contains("no_space");
        assertThat(result.message()).startsWith("update to 1.1.0 stopped before any change: ");
        assertThat(stack.actions()).noneMatch(a -> a.startsWith("pull") || a.startsWith("recreate") || a.startsWith("run"));
        assertThat(engine.pins.read()).as("the pins are those of 1.0.0").isEqualTo(v1);
        assertThat(engine.store.journal()).isEmpty();
        assertThat(state().installed().map(Release::version)).contains("1.0.0");
        assertThat(state().failed()).as("the release did not fail: tried again later").isEmpty();
    }

    /** The server hears of it as an apply-stopped event with code no_space, and the agent as idle again. */
    private void assertReported(String directory) {
        UpdateEvent stopped = engine.server.events.stream().filter(e -> e.kind() == UpdateEventKind.Fixed.APPLY_STOPPED)
                .findFirst().orElseThrow();
        assertThat(stopped.code()).contains(FailureCode.NO_SPACE.wireName());
        assertThat(stopped.message()).contains(directory);
        assertThat(engine.server.statuses.getLast().state()).isEqualTo(AgentStatus.State.IDLE);
    }

    /** state.json reads back whole, the same but for the error it now names; the status reports that error. */
    private void assertOnlyTheErrorWasRecorded(AgentState before) throws Exception {
        assertThat(state().withLastError(Optional.empty())).isEqualTo(before.withLastError(Optional.empty()));
        assertThat(state().lastError()).hasValueSatisfying(e -> assertThat(e).contains("stopped before any change")
                .doesNotContain("Exception"));
        assertThat(engine.server.statuses.getLast().lastError()).isEqualTo(state().lastError());
    }

    private Map<String, String> everythingButState() throws Exception {
        Map<String, String> files = everything();
        assertThat(files.remove("data/" + StateStore.STATE_FILE)).isNotNull();
        return files;
    }

    private AgentState state() throws Exception {
        return engine.store.load();
    }

    /** Every file under the test's directory but the fillers, by its SHA-256. */
    private Map<String, String> everything() throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String name = dir.relativize(file).toString();
                if (file.getFileName().toString().equals("filler") || name.contains("/inodes/")) {
                    continue;
                }
                files.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
            }
        }
        return files;
    }
}
