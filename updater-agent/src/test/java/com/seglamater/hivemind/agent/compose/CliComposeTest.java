package com.seglamater.hivemind.agent.compose;

import com.seglamater.hivemind.agent.compose.FakeDocker.Style;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CliComposeTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String IMAGE = "registry.example/hivemind/server@sha256:" + "a".repeat(64);
    private static final List<String> PS = List.of("docker", "ps", "-a",
            "--filter", "label=com.docker.compose.project=hm",
            "--filter", "label=com.docker.compose.service=hivemind-server",
            "--filter", "label=com.docker.compose.oneoff=False",
            "--format", "{{.ID}}");

    @TempDir
    Path root;

    private FakeDocker fake(Style style) throws IOException {
        return new FakeDocker(root, style);
    }

    private static List<String> compose(FakeDocker fake, String... words) {
        List<String> argv = new ArrayList<>(fake.composePrefix());
        argv.addAll(List.of(words));
        return argv;
    }

    private static String container(String id, String created, String state, String health, String image) {
        String healthJson = health == null ? "" : ",\"Health\":{\"Status\":\"" + health + "\",\"FailingStreak\":0,\"Log\":[]}";
        return "{\"Id\":\"" + id + "\",\"Created\":\"" + created + "\",\"Name\":\"/hm-server-1\","
                + "\"State\":{\"Status\":\"" + state + "\",\"Running\":" + state.equals("running") + healthJson + "},"
                + "\"Config\":{\"Image\":\"" + image + "\",\"Labels\":{}}}";
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void everyComposeCallNamesTheProjectAndRunsInTheStackDirectoryWithoutFileOptions(Style style) throws Exception {
        FakeDocker fake = fake(style);
        fake.answer("config--services", "hivemind-server\nhivemind-updater\n\nhivemind-db\n");
        CliCompose compose = fake.compose(BOUND);

        assertThat(compose.services()).containsExactly("hivemind-server", "hivemind-updater", "hivemind-db");
        compose.pull(List.of("hivemind-server", "hivemind-db"));
        compose.recreate("hivemind-server");
        compose.stop("hivemind-server");
        compose.startOneOff("hivemind-updater", "hm-updater-apply", List.of("apply", "--release", "0.2.0"));

        assertThat(fake.argvs()).containsExactly(
                compose(fake, "config", "--services"),
                compose(fake, "pull", "--quiet", "hivemind-server", "hivemind-db"),
                CONTAINERS,
                compose(fake, "config"),
                compose(fake, "up", "-d", "hivemind-server"),
                compose(fake, "stop", "hivemind-server"),
                compose(fake, "run", "-d", "--no-deps", "--name", "hm-updater-apply", "hivemind-updater",
                        "apply", "--release", "0.2.0"));
        Path stack = fake.projectDir.toRealPath();
        assertThat(fake.calls()).allSatisfy(call -> assertThat(call.cwd()).isEqualTo(stack));
        assertThat(fake.argvs()).allSatisfy(argv -> assertThat(argv).doesNotContain("-f", "--file"));
    }

    /** The part of `docker compose config` recreate reads: who depends on whom. */
    private static final String CONFIG = """
            name: hm
            services:
              hivemind-db:
                image: postgres:17
              hivemind-server:
                depends_on:
                  hivemind-db:
                    condition: service_healthy
                    required: true
                image: registry.example/hivemind/server@sha256:aaa
              hivemind-updater:
                depends_on:
                  hivemind-db:
                    condition: service_started
                image: registry.example/hivemind/updater@sha256:bbb
            volumes:
              hivemind-db-data: {}
            """;

    /** How recreate lists the project's containers: names (for leftovers) and config hashes (for drift). */
    private static final List<String> CONTAINERS = List.of("docker", "ps", "-a",
            "--filter", "label=com.docker.compose.project=hm", "--filter", "label=com.docker.compose.oneoff=False",
            "--format", "{{.ID}} {{.Names}} {{.Label \"com.docker.compose.service\"}} {{.Label \"com.docker.compose.config-hash\"}}");

    @Test
    void aContainerLeftByAnInterruptedRecreationIsRemovedBeforeTheServiceIsRecreated() throws Exception {
        FakeDocker fake = fake(Style.V2);
        // What compose v2 leaves when its client is killed mid-recreate: the old container and the new
        // one under the temporary name <old id>_<name>, which makes every later `up` fail on the name.
        fake.answer("ps", "48df623d54c9 hm-hivemind-server-1 hivemind-server h1\n"
                + "beaace1905fa 48df623d54c9_hm-hivemind-server-1 hivemind-server h2\n");

        fake.compose(BOUND).recreate("hivemind-server");

        assertThat(fake.argvs()).containsExactly(CONTAINERS, List.of("docker", "rm", "-f", "beaace1905fa"),
                compose(fake, "config"), compose(fake, "up", "-d", "hivemind-server"));
    }

    @Test
    void anotherServiceThatNoLongerMatchesItsDefinitionIsNotRecreatedOnTheSide() throws Exception {
        FakeDocker fake = fake(Style.V2);
        // The database's container predates a change to its definition (or was made by compose v1):
        // `up -d hivemind-server` would recreate it too, outside the update's plan.
        fake.answer("ps", "aaa111 hm-hivemind-db-1 hivemind-db old\nbbb222 hm-hivemind-server-1 hivemind-server s1\n"
                + "ccc333 hm-hivemind-updater-1 hivemind-updater u0\n");
        fake.answer("config", CONFIG);
        fake.answer("config--hash=*", "hivemind-db new\nhivemind-server s2\nhivemind-updater u1\n");

        fake.compose(BOUND).recreate("hivemind-server");

        assertThat(fake.argvs()).last().isEqualTo(compose(fake, "up", "-d", "--no-deps", "hivemind-server"));
    }

    @Test
    void whenEveryOtherServiceRunsAsDefinedTheServiceIsRecreatedWithItsDependencies() throws Exception {
        FakeDocker fake = fake(Style.V1);
        // Not --no-deps then: compose v2 would hash the definition without depends_on, and the
        // operator's next plain `up -d` would restart the service again.
        // The updater's definition changed too (the pins name its next image): no dependency of the server.
        fake.answer("ps", "aaa111 hm_hivemind-db_1 hivemind-db d1\nbbb222 hm_hivemind-server_1 hivemind-server s1\n"
                + "ccc333 hm_hivemind-updater_1 hivemind-updater u0\n");
        fake.answer("config", CONFIG);
        fake.answer("config--hash=*", "hivemind-db d1\nhivemind-server s2\nhivemind-updater u1\n");

        fake.compose(BOUND).recreate("hivemind-server");

        assertThat(fake.argvs()).last().isEqualTo(compose(fake, "up", "-d", "hivemind-server"));
    }

    @Test
    void pullingNoServicesRunsNothing() throws Exception {
        FakeDocker fake = fake(Style.V2);

        fake.compose(BOUND).pull(List.of());

        assertThat(fake.calls()).isEmpty();
    }

    @Test
    void anOptionDisguisedAsAServiceIsRefusedBeforeAnythingRuns() throws Exception {
        FakeDocker fake = fake(Style.V2);
        CliCompose compose = fake.compose(BOUND);

        assertThatThrownBy(() -> compose.recreate("--build")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> compose.removeOneOff("-f")).isInstanceOf(IllegalArgumentException.class);
        assertThat(fake.calls()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void inspectFindsTheContainerByLabelsWithTheDockerCli(Style style) throws Exception {
        FakeDocker fake = fake(style);
        fake.answer("ps", "abc123\n");
        fake.answer("inspect", "[" + container("abc123full", "2025-05-01T10:00:00.123456789Z", "running", "healthy", IMAGE) + "]");

        ContainerState state = fake.compose(BOUND).inspect("hivemind-server");

        assertThat(state).isEqualTo(new ContainerState("hivemind-server", true, true, Optional.of("healthy"), Optional.of(IMAGE)));
        assertThat(state.ready()).isTrue();
        assertThat(fake.argvs()).containsExactly(PS, List.of("docker", "inspect", "abc123"));
        assertThat(fake.calls().get(0).cwd()).isEqualTo(fake.projectDir.toRealPath());
    }

    @Test
    void inspectOfAContainerWithoutHealthCheckHasNoHealth() throws Exception {
        FakeDocker fake = fake(Style.V2);
        fake.answer("ps", "abc123\n");
        fake.answer("inspect", "[" + container("abc123", "2025-05-01T10:00:00Z", "running", null, IMAGE) + "]");

        ContainerState state = fake.compose(BOUND).inspect("hivemind-server");

        assertThat(state.running()).isTrue();
        assertThat(state.health()).isEmpty();
        assertThat(state.ready()).isTrue();
    }

    @Test
    void inspectOfAnExitedContainerIsNotRunning() throws Exception {
        FakeDocker fake = fake(Style.V2);
        fake.answer("ps", "abc123\n");
        fake.answer("inspect", "[" + container("abc123", "2025-05-01T10:00:00Z", "exited", "unhealthy", IMAGE) + "]");

        ContainerState state = fake.compose(BOUND).inspect("hivemind-server");

        assertThat(state.exists()).isTrue();
        assertThat(state.running()).isFalse();
        assertThat(state.health()).contains("unhealthy");
        assertThat(state.ready()).isFalse();
    }

    @Test
    void inspectWithoutContainerIsAbsentAndDoesNotRunInspect() throws Exception {
        FakeDocker fake = fake(Style.V2);
        fake.answer("ps", "");

        assertThat(fake.compose(BOUND).inspect("hivemind-server")).isEqualTo(ContainerState.absent("hivemind-server"));
        assertThat(fake.argvs()).containsExactly(PS);
    }

    @Test
    void inspectOfSeveralContainersChoosesTheNewestRunningOne() throws Exception {
        FakeDocker fake = fake(Style.V2);
        fake.answer("ps", "new\nmid\nold\n");
        fake.answer("inspect", "[" + container("new", "2025-05-03T10:00:00Z", "exited", null, "img:new") + ","
                + container("mid", "2025-05-02T10:00:00.5Z", "running", "starting", "img:mid") + ","
                + container("old", "2025-05-01T10:00:00Z", "running", "healthy", "img:old") + "]");

        ContainerState state = fake.compose(BOUND).inspect("hivemind-server");

        assertThat(state.image()).contains("img:mid");
        assertThat(state.health()).contains("starting");
        assertThat(fake.argvs()).last().isEqualTo(List.of("docker", "inspect", "new", "mid", "old"));
    }

    @Test
    void inspectAnsweringSomethingOtherThanJsonIsAComposeException() throws Exception {
        FakeDocker fake = fake(Style.V2);
        fake.answer("ps", "abc\n");
        fake.answer("inspect", "Error: not json");

        assertThatThrownBy(() -> fake.compose(BOUND).inspect("hivemind-server"))
                .isInstanceOf(ComposeException.class).hasMessageContaining("not JSON");
    }

    @Test
    void removeOneOffUsesDockerRmAndAnAbsentContainerIsNoError() throws Exception {
        FakeDocker fake = fake(Style.V1);
        fake.fail("rm", 1, "Error response from daemon: No such container: hm-updater-apply\n");

        fake.compose(BOUND).removeOneOff("hm-updater-apply");

        assertThat(fake.argvs()).containsExactly(List.of("docker", "rm", "-f", "hm-updater-apply"));
    }

    @Test
    void removeOneOffFailingOtherwiseIsAnError() throws Exception {
        FakeDocker fake = fake(Style.V2);
        fake.fail("rm", 1, "Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n");

        assertThatThrownBy(() -> fake.compose(BOUND).removeOneOff("hm-updater-apply"))
                .isInstanceOf(CommandFailedException.class).hasMessageContaining("Cannot connect to the Docker daemon");
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void dumpStreamsPgDumpIntoTheTargetWithOwnerOnlyPermissions(Style style) throws Exception {
        FakeDocker fake = fake(style);
        byte[] dump = dumpBytes(500_000);
        fake.answer("exec-pg_dump", dump);
        Path backups = Files.createDirectories(root.resolve("backups"));
        Path target = backups.resolve("hivemind-x.dump");

        fake.compose(BOUND).dumpDatabase(target);

        assertThat(Files.readAllBytes(target)).isEqualTo(dump);
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(listing(backups)).containsExactly("hivemind-x.dump");
        assertThat(fake.argvs()).containsExactly(compose(fake, "exec", "-T", "db", "pg_dump", "--username=hm_user",
                "--dbname=hm_data", "--no-password", "--format=custom", "--compress=6"));
    }

    @Test
    void aFailingPgDumpLeavesNeitherTheTargetNorATempFile() throws Exception {
        FakeDocker fake = fake(Style.V2);
        fake.answer("exec-pg_dump", dumpBytes(10_000));
        fake.fail("exec-pg_dump", 1, "pg_dump: error: connection to server failed\n");
        Path backups = Files.createDirectories(root.resolve("backups"));

        assertThatThrownBy(() -> fake.compose(BOUND).dumpDatabase(backups.resolve("hivemind-x.dump")))
                .isInstanceOf(CommandFailedException.class).hasMessageContaining("pg_dump: error: connection to server failed");

        assertThat(listing(backups)).isEmpty();
    }

    @Test
    void aDumpWithoutThePgdmpHeaderIsRefusedAndRemoved() throws Exception {
        FakeDocker fake = fake(Style.V2);
        fake.answer("exec-pg_dump", "-- PostgreSQL database dump (plain text)\n");
        Path backups = Files.createDirectories(root.resolve("backups"));

        assertThatThrownBy(() -> fake.compose(BOUND).dumpDatabase(backups.resolve("hivemind-x.dump")))
                .isInstanceOf(ComposeException.class).hasMessageContaining("does not start with PGDMP");

        assertThat(listing(backups)).isEmpty();
    }

    @Test
    void anEmptyDumpIsRefused() throws Exception {
        FakeDocker fake = fake(Style.V2);
        Path backups = Files.createDirectories(root.resolve("backups"));

        assertThatThrownBy(() -> fake.compose(BOUND).dumpDatabase(backups.resolve("hivemind-x.dump")))
                .isInstanceOf(ComposeException.class).hasMessageContaining("is empty");

        assertThat(listing(backups)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void restoreFeedsTheDumpToPgRestoreOnStdin(Style style) throws Exception {
        FakeDocker fake = fake(style);
        byte[] dump = dumpBytes(700_000);
        Path source = Files.write(root.resolve("hivemind-x.dump"), dump);

        fake.compose(BOUND).restoreDatabase(source);

        assertThat(fake.stdinOf("exec-pg_restore")).isEqualTo(dump);
        assertThat(fake.argvs()).containsExactly(compose(fake, "exec", "-T", "db", "pg_restore", "--username=hm_user",
                "--dbname=hm_data", "--no-password", "--clean", "--if-exists", "--single-transaction", "--no-owner",
                "--no-privileges"));
    }

    @Test
    void restoreRefusesAFileThatIsNotADumpWithoutRunningPgRestore() throws Exception {
        FakeDocker fake = fake(Style.V2);
        Path foreign = Files.writeString(root.resolve("notes.txt"), "not a dump");
        CliCompose compose = fake.compose(BOUND);

        assertThatThrownBy(() -> compose.restoreDatabase(foreign))
                .isInstanceOf(ComposeException.class).hasMessageContaining("does not start with PGDMP");
        assertThatThrownBy(() -> compose.restoreDatabase(root.resolve("missing.dump")))
                .isInstanceOf(ComposeException.class).hasMessageContaining("does not exist");
        assertThat(fake.calls()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void schemaVersionAsksPsqlInOneSession(Style style) throws Exception {
        FakeDocker fake = fake(style);
        fake.answer("exec-psql", "4\n");

        assertThat(fake.compose(BOUND).schemaVersion()).contains("4");
        assertThat(fake.argvs()).containsExactly(compose(fake, "exec", "-T", "db", "psql", "--username=hm_user",
                "--dbname=hm_data", "--no-password", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                "-c", CliCompose.FIND_SCHEMA_VERSION, "-c", CliCompose.SHOW_SCHEMA_VERSION));
        assertThat(CliCompose.FIND_SCHEMA_VERSION).contains("to_regclass('public.flyway_schema_history')");
    }

    @Test
    void schemaVersionOfAFreshDatabaseIsEmpty() throws Exception {
        FakeDocker fake = fake(Style.V2);
        fake.answer("exec-psql", "\n");

        assertThat(fake.compose(BOUND).schemaVersion()).isEmpty();
    }

    @Test
    void schemaVersionThatIsNoFlywayVersionIsAComposeException() throws Exception {
        FakeDocker fake = fake(Style.V2);
        fake.answer("exec-psql", "DO\n4\n");

        assertThatThrownBy(() -> fake.compose(BOUND).schemaVersion()).isInstanceOf(ComposeException.class)
                .hasMessageContaining("not a Flyway version");
    }

    @Test
    void aFailingCommandNamesItsCommandExitCodeAndStderr() throws Exception {
        FakeDocker fake = fake(Style.V2);
        fake.fail("up", 17, "pulling image\nError response from daemon: manifest unknown\n");

        assertThatThrownBy(() -> fake.compose(BOUND).recreate("hivemind-server"))
                .isInstanceOf(CommandFailedException.class)
                .hasMessage("docker compose up -d hivemind-server failed (exit 17): "
                        + "Error response from daemon: manifest unknown");
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void aFailingSchemaVersionQueryLeadsWithTheCauseNotTheSql(Style style) throws Exception {
        FakeDocker fake = fake(style);
        fake.fail("exec-psql", 1, "service \"db\" is not running\n");
        String compose = style == Style.V2 ? "docker compose" : "docker-compose";

        assertThatThrownBy(() -> fake.compose(BOUND).schemaVersion()).isInstanceOf(CommandFailedException.class)
                .hasMessage(compose + " exec db psql … failed (exit 1): service \"db\" is not running");
    }

    @Test
    void aFailingDumpNamesPgDumpWithoutItsOptions() throws Exception {
        FakeDocker fake = fake(Style.V2);
        fake.fail("exec-pg_dump", 1, "pg_dump: error: connection to server on socket \"/run/postgresql/.s.PGSQL.5432\""
                + " failed: FATAL:  role \"hm_user\" does not exist\n");
        Path backups = Files.createDirectories(root.resolve("backups"));

        assertThatThrownBy(() -> fake.compose(BOUND).dumpDatabase(backups.resolve("x.dump")))
                .hasMessage("docker compose exec db pg_dump … failed (exit 1): pg_dump: error: connection to server on "
                        + "socket \"/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  role \"hm_user\" does not exist");
    }

    @Test
    void aMissingStackDirectoryIsNamedWithItsVariableAndNothingRuns() throws Exception {
        FakeDocker fake = fake(Style.V2);
        CliCompose compose = fake.compose(BOUND);
        Files.delete(fake.projectDir.resolve("docker-compose.yml"));
        Files.delete(fake.projectDir);

        for (ThrowingCall call : everyCall(compose)) {
            assertThatThrownBy(call::run).isInstanceOf(StackDirectoryException.class)
                    .hasMessage("the stack directory " + fake.projectDir + " (HIVEMIND_COMPOSE_PROJECT_DIR) does not exist")
                    .extracting(e -> ((StackDirectoryException) e).problem())
                    .isEqualTo(StackDirectoryException.Problem.MISSING);
        }
        assertThat(fake.calls()).isEmpty();
    }

    @Test
    void aStackDirectoryThatIsAFileIsSaidToBeNoDirectory() throws Exception {
        FakeDocker fake = fake(Style.V2);
        CliCompose compose = fake.compose(BOUND);
        Files.delete(fake.projectDir.resolve("docker-compose.yml"));
        Files.delete(fake.projectDir);
        Files.writeString(fake.projectDir, "a file");

        assertThatThrownBy(compose::services).isInstanceOf(StackDirectoryException.class)
                .hasMessage("the stack directory " + fake.projectDir + " (HIVEMIND_COMPOSE_PROJECT_DIR) is not a directory");
        assertThat(fake.calls()).isEmpty();
    }

    @Test
    void aStackDirectoryWithoutAComposeFileIsSaidSoAndNothingRuns() throws Exception {
        FakeDocker fake = fake(Style.V2);
        CliCompose compose = fake.compose(BOUND);
        Files.delete(fake.projectDir.resolve("docker-compose.yml"));
        Files.writeString(fake.projectDir.resolve("docker-compose.override.yml"), "services: {}\n");

        for (ThrowingCall call : everyCall(compose)) {
            assertThatThrownBy(call::run).isInstanceOf(StackDirectoryException.class)
                    .hasMessage("the stack directory " + fake.projectDir
                            + " (HIVEMIND_COMPOSE_PROJECT_DIR) holds no docker-compose.yml (nor compose.yaml)");
        }
        assertThat(fake.calls()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"})
    void anyComposeFileNameComposeLooksForWillDo(String name) throws Exception {
        FakeDocker fake = fake(Style.V2);
        Files.delete(fake.projectDir.resolve("docker-compose.yml"));
        Files.writeString(fake.projectDir.resolve(name), "services: {}\n");
        fake.answer("config--services", "hivemind-server\n");

        assertThat(fake.compose(BOUND).services()).containsExactly("hivemind-server");
    }

    @Test
    void aMissingDockerNamesTheComposeCommandVariable() throws Exception {
        FakeDocker fake = fake(Style.V2);
        Files.delete(fake.bin.resolve("docker"));
        String docker = fake.bin.resolve("docker").toString();

        assertThatThrownBy(() -> fake.compose(BOUND).services()).isInstanceOf(ProgramNotFoundException.class)
                .hasMessage(docker + " does not exist or is not executable (HIVEMIND_COMPOSE_COMMAND=" + docker + " compose)")
                .hasMessageNotContaining("Cannot run program");
    }

    /** A call that may throw. */
    private interface ThrowingCall {
        void run() throws Exception;
    }

    /** One of each kind of call CliCompose makes, compose's and docker's. */
    private List<ThrowingCall> everyCall(CliCompose compose) {
        return List.of(compose::services, () -> compose.pull(List.of("hivemind-server")),
                () -> compose.recreate("hivemind-server"), () -> compose.inspect("hivemind-server"),
                () -> compose.oneOffRunning("hm-updater-apply"), () -> compose.removeOneOff("hm-updater-apply"),
                compose::schemaVersion, () -> compose.dumpDatabase(root.resolve("x.dump")));
    }

    @Test
    @Timeout(30)
    void aHangingCommandIsKilledAtTheBound() throws Exception {
        FakeDocker fake = fake(Style.V2);
        fake.hang("pull");
        long started = System.nanoTime();

        assertThatThrownBy(() -> fake.compose(Duration.ofSeconds(1)).pull(List.of("hivemind-server")))
                .isInstanceOf(ComposeException.class)
                .hasMessage("docker compose pull --quiet hivemind-server did not finish within 1s and was killed");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertThat(FakeDocker.diesSoon(fake.sleepPid())).as("the fake's sleep is killed too").isTrue();
    }

    private static byte[] dumpBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(7).nextBytes(bytes);
        System.arraycopy("PGDMP".getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, 5);
        return bytes;
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
