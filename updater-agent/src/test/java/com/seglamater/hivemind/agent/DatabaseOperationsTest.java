package com.seglamater.hivemind.agent;

import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.testing.Engine;
import com.seglamater.hivemind.agent.update.HealthWaiter;
import com.seglamater.hivemind.agent.update.Progress;
import com.seglamater.hivemind.model.admin.UpdateEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static com.seglamater.hivemind.agent.testing.FakeStack.SERVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Backup and restore over the engine's fake stack; that the agent runs them in its turn is {@link AgentTest}'s. */
class DatabaseOperationsTest {

    @TempDir
    Path dir;

    Engine engine;
    Map<String, String> v1;
    DatabaseOperations database;

    @BeforeEach
    void setUp() throws Exception {
        engine = new Engine(dir.resolve("agent"));
        v1 = engine.release("1.0.0", 'a', "4");
        engine.installed("1.0.0", v1);
        AgentConfig config = AgentConfig.from(Map.of(AgentConfig.DATA_DIR, engine.store.dir().toString()));
        HealthWaiter waiter = new HealthWaiter(engine.stack, engine.stack, SERVER, Duration.ofMinutes(1), engine.clock,
                engine.clock.sleeper());
        Progress progress = new Progress(engine.server, "canary", false, engine.clock, new com.seglamater.hivemind.agent.update.OfferedNotes());
        database = new DatabaseOperations(config, engine.backups, engine.stack, engine.server, waiter, engine.pins,
                engine.store, progress);
    }

    private Path backup() {
        OperationResult backup = database.backup();
        assertThat(backup.code()).isEqualTo(OperationCode.BACKED_UP);
        engine.stack.calls.clear();
        return Path.of(backup.file().orElseThrow());
    }

    @Test
    void restoreRefusesAFileThatIsNotADumpBeforeTouchingAnything() throws Exception {
        Path bogus = Files.writeString(dir.resolve("notes.txt"), "hello");

        OperationResult restore = database.restore(bogus);

        assertThat(restore.success()).isFalse();
        assertThat(restore.code()).isEqualTo(OperationCode.RESTORE_FAILED);
        assertThat(engine.stack.actions()).isEmpty();
    }

    @Test
    void aRestoreIsReportedWithTheInstalledRelease() throws Exception {
        Path dump = backup();

        OperationResult restore = database.restore(dump);

        assertThat(restore.code()).as(restore.message()).isEqualTo(OperationCode.RESTORED);
        assertThat(restore.file()).contains(dump.toString());
        assertThat(engine.server.events).extracting(e -> e.kind().wireName(), UpdateEvent::fromVersion)
                .containsExactly(tuple("restored", Optional.of("1.0.0")));
    }

    @Test
    void aFailedRestoreBringsTheServerBackAndNamesTheDumpOfTheDatabaseAsItWas() throws Exception {
        Path dump = backup();
        engine.stack.failOn.add("restore " + dump.getFileName());

        OperationResult restore = database.restore(dump);

        assertThat(restore.code()).isEqualTo(OperationCode.RESTORE_FAILED);
        Path safety = Path.of(restore.file().orElseThrow());
        assertThat(safety).exists().isNotEqualTo(dump);
        assertThat(restore.message()).contains("the database as it was before is in " + safety);
        assertThat(engine.stack.actions()).containsSubsequence("dump", "drain", "stop " + SERVER,
                "restore " + dump.getFileName(), "recreate " + SERVER);
        assertThat(engine.server.events).as("nothing was restored").isEmpty();
    }

    @Test
    void aServerThatDoesNotComeBackHealthyIsSaidWithTheRestore() throws Exception {
        Path dump = backup();
        engine.stack.healthOfImage.put(v1.get(SERVER), "unhealthy");

        OperationResult restore = database.restore(dump);

        assertThat(restore.success()).isFalse();
        assertThat(restore.code()).isEqualTo(OperationCode.RESTORED_UNHEALTHY);
        assertThat(restore.message()).startsWith("database restored from " + dump)
                .contains("but the server did not come back healthy");
        assertThat(engine.stack.actions()).contains("restore " + dump.getFileName());
    }

    @Test
    void aBackupThatCannotBeMadeIsAFailedOperation() {
        engine.stack.failOn.add("dump");

        OperationResult backup = database.backup();

        assertThat(backup.success()).isFalse();
        assertThat(backup.code()).isEqualTo(OperationCode.BACKUP_FAILED);
    }
}
