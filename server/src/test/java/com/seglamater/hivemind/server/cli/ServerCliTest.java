package com.seglamater.hivemind.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.server.db.Migrations;
import com.seglamater.hivemind.server.testing.MutableClock;
import com.seglamater.hivemind.server.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's command line as a whole (issue 13: {@code --help}, {@code --version} and
 * {@code help} were refused, {@code users --version} printed nothing, there was no
 * {@code users list}): every command has help with its exit codes and a version, wrong
 * invocations are exit 2 with one line and the usage, and the server is asked to run only when
 * no command is given.
 */
class ServerCliTest {

    @TempDir
    static Path dir;

    private static TestDatabase database;

    @BeforeAll
    static void createDatabase() throws Exception {
        database = TestDatabase.create();
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(database.jdbcUrl());
        source.setUser(TestDatabase.ADMIN_USER);
        Migrations.migrate(source);
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        if (database != null) {
            database.close();
        }
    }

    record Result(int code, String out, String err, List<Optional<String>> served) {
    }

    private static Map<String, String> env() {
        return Map.of("HIVEMIND_DB_URL", database.jdbcUrl(), "HIVEMIND_DB_USER", TestDatabase.ADMIN_USER,
                "HIVEMIND_DATA_DIR", dir.resolve("data").toString());
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<Optional<String>> served = new ArrayList<>();
        int code = ServerCli.run(args, env(), InputStream.nullInputStream(), new PrintWriter(out),
                new PrintWriter(err), question -> Optional.empty(), new MutableClock(Instant.parse("2026-12-05T10:00:00Z")),
                "1.4.2", envFile -> {
                    served.add(envFile);
                    return ServerCli.RUNNING;
                });
        return new Result(code, out.toString(), err.toString(), served);
    }

    private static void createUser(String username, String role, String email) throws Exception {
        sql("INSERT INTO users (username, email, role, source, created_at, updated_at) VALUES ('"
                + username + "', " + (email == null ? "NULL" : "'" + email + "'") + ", '" + role
                + "', 'local', now(), now())");
    }

    private static void sql(String statement) throws Exception {
        try (java.sql.Connection c = database.connect(); java.sql.Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    @Test
    void withoutACommandTheServerIsAskedToRunWithItsEnvFile() {
        assertThat(run().served()).containsExactly(Optional.empty());
        Result withFile = run("--env-file", "/etc/hivemind/.env");
        assertThat(withFile.code()).isEqualTo(ServerCli.RUNNING);
        assertThat(withFile.served()).containsExactly(Optional.of("/etc/hivemind/.env"));
    }

    @Test
    void helpListsTheCommandsAndTheExitCodes() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"-h"}, new String[] {"help"})) {
            Result help = run(args);
            assertThat(help.code()).as(String.join(" ", args)).isZero();
            assertThat(help.out()).contains("Usage: hivemind-server", "users", "audit", "--env-file", "Exit codes:",
                    "configuration or usage error");
            assertThat(help.served()).isEmpty();
        }
    }

    @Test
    void everyCommandHasHelpWithExitCodesAndAVersion() {
        for (String command : List.of("users", "users create", "users list", "audit", "audit verify")) {
            String[] words = command.split(" ");
            String[] help = java.util.stream.Stream.concat(java.util.Arrays.stream(words), java.util.stream.Stream.of("--help"))
                    .toArray(String[]::new);
            Result shown = run(help);
            assertThat(shown.code()).as(command + " --help").isZero();
            assertThat(shown.out()).as(command).contains("Usage: hivemind-server " + command, "Exit codes:");
            String[] version = java.util.stream.Stream.concat(java.util.Arrays.stream(words),
                    java.util.stream.Stream.of("--version")).toArray(String[]::new);
            Result printed = run(version);
            assertThat(printed.code()).as(command + " --version").isZero();
            assertThat(printed.out().strip()).as(command + " --version").isEqualTo("hivemind-server 1.4.2");
        }
        assertThat(run("--version").out().strip()).isEqualTo("hivemind-server 1.4.2");
        assertThat(run("help", "users").out()).contains("Usage: hivemind-server users", "list", "create");
    }

    @Test
    void wrongInvocationsAreExit2WithOneLineAndTheUsage() {
        Result unknownOption = run("--bogus");
        assertThat(unknownOption.code()).isEqualTo(2);
        assertThat(unknownOption.err()).startsWith("hivemind-server: Unknown option: '--bogus'")
                .contains("Usage: hivemind-server");
        assertThat(unknownOption.served()).isEmpty();

        Result noSubcommand = run("users");
        assertThat(noSubcommand.code()).isEqualTo(2);
        assertThat(noSubcommand.err()).contains("missing command (create, list)");

        Result badRole = run("users", "list", "--role", "root");
        assertThat(badRole.code()).isEqualTo(2);
        assertThat(badRole.err()).contains("--role must be admin, user or viewer").doesNotContain("Exception");

        Result unknownCommand = run("user", "list");
        assertThat(unknownCommand.code()).isEqualTo(2);
        assertThat(unknownCommand.err()).contains("Unmatched argument");
    }

    @Test
    void usersListPrintsATableAndJsonLinesWithFilters() throws Exception {
        createUser("cli-alice", "admin", "alice@example.org");
        createUser("cli-bob", "viewer", null);
        sql("UPDATE users SET disabled = true WHERE username = 'cli-bob'");

        Result table = run("users", "list", "--query", "cli-");
        assertThat(table.code()).as(table.err()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.getFirst()).startsWith("USERNAME").contains("ROLE", "SOURCE", "STATUS", "LAST SEEN", "EMAIL");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("cli-alice").contains("admin", "local",
                "enabled", "never", "alice@example.org"));
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("cli-bob").contains("viewer", "disabled"));
        assertThat(lines.getLast()).isEqualTo("2 accounts");

        Result disabled = run("users", "list", "--query", "cli-", "--disabled", "--json");
        assertThat(disabled.code()).isZero();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : disabled.out().lines().toList()) {
            rows.add(new ObjectMapper().readTree(line));
        }
        assertThat(rows).hasSize(1);
        assertThat(rows.getFirst().path("username").asText()).isEqualTo("cli-bob");
        assertThat(rows.getFirst().path("disabled").asBoolean()).isTrue();
        assertThat(rows.getFirst().has("passwordHash")).isFalse();

        Result none = run("users", "list", "--query", "nobody-has-this-name");
        assertThat(none.code()).isZero();
        assertThat(none.out().strip()).isEqualTo("no accounts match");
    }

    @Test
    void usersListOnAnUnreachableDatabaseIsExit1WithOneLine() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ServerCli.run(new String[] {"users", "list"}, Map.of("HIVEMIND_DB_URL",
                        "jdbc:postgresql://127.0.0.1:1/none", "HIVEMIND_DATA_DIR", dir.resolve("data2").toString()),
                InputStream.nullInputStream(), new PrintWriter(out), new PrintWriter(err), question -> Optional.empty(),
                new MutableClock(Instant.EPOCH), "dev", ServerCli.NOT_SERVING);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString().lines().toList()).hasSize(1);
        assertThat(err.toString()).startsWith("hivemind-server users: ").doesNotContain("\tat ");
    }
}
