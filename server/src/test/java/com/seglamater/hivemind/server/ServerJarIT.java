package com.seglamater.hivemind.server;

import com.seglamater.hivemind.server.testing.Http;
import com.seglamater.hivemind.server.testing.Schema;
import com.seglamater.hivemind.server.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Runs the packaged jar ({@code java -jar hivemind-server.jar}, path in system property
 * {@code hivemind.jar}) from a scratch working directory, as an operator would.
 */
class ServerJarIT {

    private static final String LATEST_MIGRATION = Schema.latestVersion();

    private static final Duration START_BOUND = Duration.ofSeconds(60);
    private static final Duration STOP_BOUND = Duration.ofSeconds(20);

    @TempDir
    Path work;

    @Test
    void aBadBindStopsStartUpWithOneLineAndExitCode2() throws Exception {
        Run run = start(Map.of("HIVEMIND_BIND", "nonsense"));
        assertThat(run.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.process.exitValue()).isEqualTo(2);
        assertThat(run.stderrLines()).containsExactly("hivemind-server: HIVEMIND_BIND: 'nonsense' is not host:port");
    }

    @Test
    void aBadValueInTheEnvFileIsNamedToo() throws Exception {
        Path envFile = work.resolve("hivemind.env");
        Files.writeString(envFile, "# operator's file\nHIVEMIND_TRUSTED_PROXIES=10.0.0.1/8\n");
        Run run = start(Map.of(), "--env-file", envFile.toString());
        assertThat(run.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.process.exitValue()).isEqualTo(2);
        assertThat(run.stderrLines()).singleElement().asString()
                .startsWith("hivemind-server: HIVEMIND_TRUSTED_PROXIES: '10.0.0.1/8'");
    }

    @Test
    void aTokenFileWhoseDirectoryCannotBeCreatedStopsStartUpWithOneLineAndExitCode2() throws Exception {
        Path plainFile = Files.writeString(work.resolve("not-a-directory"), "x");
        Run run = start(Map.of("HIVEMIND_BIND", "127.0.0.1:" + freePort(),
                "HIVEMIND_ADMIN_TOKEN_FILE", plainFile.resolve("admin.token").toString()));
        assertThat(run.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.process.exitValue()).isEqualTo(2);
        assertThat(run.stderrLines()).singleElement().asString()
                .startsWith("hivemind-server: HIVEMIND_ADMIN_TOKEN_FILE: directory '");
    }

    @Test
    void aTakenPortStopsStartUpWithOneLineNamingTheVariableAndExitCode1LeavingTheTokenFile() throws Exception {
        // As if another server were running: its token file, and one of the addresses taken.
        Files.createDirectories(tokenFile().getParent());
        Files.writeString(tokenFile(), "the running server's token");
        try (TestDatabase database = TestDatabase.create();
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            for (String variable : List.of("HIVEMIND_BIND", "HIVEMIND_ADMIN_BIND")) {
                Map<String, String> env = new HashMap<>(Map.of(
                        "HIVEMIND_BIND", "127.0.0.1:" + freePort(),
                        "HIVEMIND_DB_URL", database.jdbcUrl(),
                        "HIVEMIND_DB_USER", TestDatabase.ADMIN_USER,
                        "DB_PASSWORD", "not-used"));
                env.put(variable, address);
                Run run = start(env);
                assertThat(run.process.waitFor(START_BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(run.process.exitValue()).as("exit code with %s taken; stdout:%n%s", variable, run.stdout())
                        .isEqualTo(1);
                assertThat(run.stderrLines())
                        .containsExactly("hivemind-server: cannot listen on " + address + " (" + variable + "): address already in use");
                assertThat(run.stdout()).doesNotContain("\tat ").doesNotContain("Hivemind is listening")
                        .contains("database pool closed");
                assertThat(Files.readString(tokenFile())).isEqualTo("the running server's token");
            }
        }
    }

    @Test
    void anUnreachableDatabaseStopsStartUpWithExitCode1() throws Exception {
        Run run = start(Map.of(
                "HIVEMIND_BIND", "127.0.0.1:" + freePort(),
                "HIVEMIND_DB_URL", "jdbc:postgresql://127.0.0.1:" + freePort() + "/hivemind"));
        assertThat(run.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.process.exitValue()).isEqualTo(1);
        assertThat(run.stdout()).contains("SEVERE com.seglamater.hivemind.server.Main: start-up failed");
    }

    @Test
    void servesHealthFromAnExternalDatabaseAndStopsOnSigterm() throws Exception {
        String secret = "pw-" + System.nanoTime() + "-never-logged";
        try (TestDatabase database = TestDatabase.create()) {
            int port = freePort();
            int adminPort = freePort();
            Run run = start(Map.of(
                    "HIVEMIND_BIND", "127.0.0.1:" + port,
                    "HIVEMIND_ADMIN_BIND", "127.0.0.1:" + adminPort,
                    "HIVEMIND_DB_URL", database.jdbcUrl(),
                    "HIVEMIND_DB_USER", TestDatabase.ADMIN_USER,
                    "DB_PASSWORD", secret));
            Http.Response health = awaitHealthy(run, port);
            assertThat(health.json().path("version").asText())
                    .as("version from the jar manifest").matches("\\d+\\.\\d+\\.\\d+.*");
            assertThat(health.json().at("/checks/migrations/version").asText()).isEqualTo(LATEST_MIGRATION);
            String token = Files.readString(tokenFile());
            Http.Response status = Http.send("GET", adminPort, "/admin/v1/status", "Authorization", "Bearer " + token);
            assertThat(status.status()).isEqualTo(200);
            assertThat(status.json().path("version").asText()).isEqualTo(health.json().path("version").asText());

            stopWithSigterm(run);
            String log = run.stdout();
            assertThat(log).contains("admin token written to " + tokenFile()).doesNotContain(token);
            assertThat(log).contains("HivemindServer: stopping").contains("database pool closed").contains("HivemindServer: stopped");
            assertThat(log + run.stderr()).doesNotContain(secret);
            assertThat(log.lines()).allMatch(line -> line.matches("\\S+Z [A-Z]+ \\S+: .*"), "one event per line");
        }
    }

    @Test
    void withoutADatabaseUrlRunsEmbeddedPostgresWhoseDataSurvivesARestart() throws Exception {
        Path dataDir = work.resolve("data");
        Map<String, String> env = Map.of("HIVEMIND_DATA_DIR", dataDir.toString(),
                "HIVEMIND_BIND", "127.0.0.1:" + freePort());
        int port = Integer.parseInt(env.get("HIVEMIND_BIND").substring("127.0.0.1:".length()));

        Run first = start(env);
        awaitHealthy(first, port);
        stopWithSigterm(first);
        assertThat(first.stdout())
                .contains("starting the embedded PostgreSQL in " + dataDir.resolve("postgres").toAbsolutePath())
                .contains("(new data directory)")
                .contains(Schema.count() + " migration(s) applied now")
                .contains("embedded PostgreSQL in");
        assertThat(dataDir.resolve("postgres/PG_VERSION")).exists();

        String firstToken = Files.readString(tokenFile());

        Run second = start(env);
        Http.Response health = awaitHealthy(second, port);
        stopWithSigterm(second);
        assertThat(Files.readString(tokenFile())).as("a fresh admin token at each start").isNotEqualTo(firstToken);
        assertThat(health.json().at("/checks/migrations/version").asText()).isEqualTo(LATEST_MIGRATION);
        // The schema from the first run is still there, stamped by its Flyway run: nothing to migrate,
        // nor to validate again (Migrations).
        assertThat(second.stdout()).contains("(existing data)")
                .contains("database schema at version " + LATEST_MIGRATION + " (up to date: the same migrations")
                .doesNotContain("org.flywaydb")
                // What each step cost, which server/bench/start.sh reads.
                .containsPattern("started in \\d+ ms: preparation \\d+ ms, database \\d+ ms, migrations \\d+ ms, "
                        + "services and listeners \\d+ ms; class-data sharing (on|off)");
    }

    @Test
    void anEmbeddedPostgresLeftRunningByAKilledServerIsStoppedAtTheNextStart() throws Exception {
        Path dataDir = work.resolve("data");
        int port = freePort();
        Map<String, String> env = Map.of("HIVEMIND_DATA_DIR", dataDir.toString(), "HIVEMIND_BIND", "127.0.0.1:" + port);

        Run killed = start(env);
        awaitHealthy(killed, port);
        // postmaster.pid: line 1 the pid, line 4 the port.
        List<String> pidFile = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"));
        long leftoverPid = Long.parseLong(pidFile.get(0).strip());
        String url = "jdbc:postgresql://127.0.0.1:" + pidFile.get(3).strip() + "/hivemind";
        // Another local user without the password file gets nothing (initdb's default would be trust).
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "").close())
                .hasMessageContaining("password");
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "guess").close())
                .hasMessageContaining("password authentication failed");
        assertThat(Files.getPosixFilePermissions(dataDir.resolve("postgres.password")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String password = Files.readString(dataDir.resolve("postgres.password")).strip();
        try (Connection c = DriverManager.getConnection(url, "postgres", password);
             Statement s = c.createStatement()) {
            // Durable settings, not the test-oriented defaults of the embedding library.
            assertThat(show(s, "fsync")).isEqualTo("on");
            assertThat(show(s, "synchronous_commit")).isEqualTo("on");
        }
        killed.process.destroyForcibly();
        assertThat(killed.process.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(leftoverPid).map(ProcessHandle::isAlive)).as("postgres outlives SIGKILL").contains(true);

        Run next = start(env);
        awaitHealthy(next, port);
        stopWithSigterm(next);
        assertThat(next.stdout()).contains("from an earlier run (pid " + leftoverPid + ") still runs");
        assertThat(ProcessHandle.of(leftoverPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void usersCreateMakesTheFirstAdminWhoCanSignInAndAnotherAccountWhileTheServerRunsOnTheEmbeddedDatabase()
            throws Exception {
        Path dataDir = work.resolve("data");
        Path passwordFile = Files.writeString(work.resolve("password"), "first admin password\n");
        int port = freePort();
        Map<String, String> env = Map.of("HIVEMIND_DATA_DIR", dataDir.toString(), "HIVEMIND_BIND", "127.0.0.1:" + port);

        Run create = start(env, "users", "create", "--username", "root-admin", "--role", "admin",
                "--password-file", passwordFile.toString());
        assertThat(create.process.waitFor(START_BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(create.process.exitValue()).as("stderr: %s", create.stderr()).isZero();
        assertThat(create.stdout()).isEqualTo("created admin 'root-admin' in the embedded database in "
                + dataDir.resolve("postgres").toAbsolutePath().normalize() + "\n");

        Run server = start(env);
        awaitHealthy(server, port);
        try {
            // The data directory is the running server's: the command works through its PostgreSQL.
            Run second = start(env, "users", "create", "--username", "other", "--role", "user",
                    "--password-file", passwordFile.toString());
            assertThat(second.process.waitFor(START_BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(second.process.exitValue()).as("stderr: %s", second.stderr()).isZero();
            assertThat(second.stdout()).startsWith("created user 'other'");
            assertThat(dataDir.resolve("setup-token")).as("an admin existed at start: no setup link").doesNotExist();

            java.net.http.HttpResponse<String> signIn = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/session"))
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                    "{\"username\":\"other\",\"password\":\"first admin password\"}"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(signIn.statusCode()).isEqualTo(200);
            assertThat(signIn.body()).contains("\"role\":\"user\"");
            assertThat(signIn.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("hivemind_session="));
        } finally {
            stopWithSigterm(server);
        }
        assertThat(server.stdout()).doesNotContain("first admin password");
    }

    private static String show(Statement s, String setting) throws java.sql.SQLException {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private record Run(Process process, Path out, Path err) {
        String stdout() throws IOException {
            return Files.readString(out);
        }

        String stderr() throws IOException {
            return Files.readString(err);
        }

        List<String> stderrLines() throws IOException {
            return stderr().lines().filter(line -> !line.isBlank()).toList();
        }
    }

    private Run start(Map<String, String> env, String... args) throws IOException {
        String jar = System.getProperty("hivemind.jar");
        assertThat(jar).as("system property hivemind.jar (set by failsafe)").isNotNull();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-jar", jar));
        command.addAll(List.of(args));
        String id = Long.toString(System.nanoTime());
        Path out = work.resolve("stdout-" + id + ".log");
        Path err = work.resolve("stderr-" + id + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        // Only this test's configuration: nothing leaks in from the developer's shell.
        builder.environment().keySet().removeIf(key -> key.startsWith("HIVEMIND_") || key.equals("DB_PASSWORD"));
        // Never the defaults: /run is the real system's, and 8586 may be taken.
        builder.environment().put("HIVEMIND_ADMIN_BIND", "127.0.0.1:" + freePort());
        builder.environment().put("HIVEMIND_ADMIN_TOKEN_FILE", tokenFile().toString());
        builder.environment().putAll(env);
        return new Run(builder.start(), out, err);
    }

    private Path tokenFile() {
        return work.resolve("run/admin.token");
    }

    private static Http.Response awaitHealthy(Run run, int port) throws Exception {
        Instant deadline = Instant.now().plus(START_BOUND);
        while (Instant.now().isBefore(deadline)) {
            assertThat(run.process.isAlive()).as("server process alive; stdout:%n%s%nstderr:%n%s",
                    run.stdout(), run.stderr()).isTrue();
            try {
                Http.Response health = Http.get(port, "/health");
                if (health.status() == 200) {
                    assertThat(health.json().path("status").asText()).isEqualTo("UP");
                    assertThat(health.json().at("/checks/database/status").asText()).isEqualTo("UP");
                    return health;
                }
            } catch (IOException notYetListening) {
                // keep polling
            }
            Thread.sleep(200);
        }
        run.process.destroyForcibly();
        throw new AssertionError("no healthy /health within " + START_BOUND + "; stdout:\n" + run.stdout());
    }

    private static void stopWithSigterm(Run run) throws InterruptedException {
        run.process.destroy(); // SIGTERM on Linux
        boolean exited = run.process.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS);
        if (!exited) {
            run.process.destroyForcibly();
        }
        assertThat(exited).as("exited within " + STOP_BOUND + " of SIGTERM").isTrue();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
