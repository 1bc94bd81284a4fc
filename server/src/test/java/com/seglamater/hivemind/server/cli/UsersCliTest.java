package com.seglamater.hivemind.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.server.db.Database;
import com.seglamater.hivemind.server.db.DatabaseSettings;
import com.seglamater.hivemind.server.db.Migrations;
import com.seglamater.hivemind.server.identity.PasswordHasher;
import com.seglamater.hivemind.server.testing.MutableClock;
import com.seglamater.hivemind.server.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hivemind-server users create}, run in-process against a throwaway database on the
 * machine's PostgreSQL (and, in one test, the embedded one): exit codes, messages, the row
 * and audit entry it writes, and that a refusal writes nothing.
 */
class UsersCliTest {

    private static final String PASSWORD = "correct horse battery staple";
    private static final Instant NOW = Instant.parse("2026-11-24T08:00:00Z");

    @TempDir
    static Path dir;

    private static TestDatabase database;

    @BeforeAll
    static void createDatabase() throws Exception {
        database = TestDatabase.create();
        // Migrated up front, so that tests which refuse before touching the database can check
        // that no row appeared whatever order they run in; migrating an empty database is its own test.
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

    /** What one run printed and returned. */
    record Result(int code, String out, String err) {
    }

    /** A prompt that gives its answers in order, or nothing when it has none ("no terminal"). */
    static final class ScriptedPrompt implements UsersCli.Prompt {
        final Deque<String> answers;
        final List<String> questions = new ArrayList<>();

        ScriptedPrompt(String... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public Optional<char[]> read(String question) {
            questions.add(question);
            return Optional.ofNullable(answers.poll()).map(String::toCharArray);
        }
    }

    private static Map<String, String> env(TestDatabase db) {
        Map<String, String> env = new HashMap<>();
        env.put("HIVEMIND_DB_URL", db.jdbcUrl());
        env.put("HIVEMIND_DB_USER", TestDatabase.ADMIN_USER);
        env.put("HIVEMIND_DATA_DIR", dir.resolve("data").toString());
        env.put("HIVEMIND_ADMIN_TOKEN_FILE", dir.resolve("admin.token").toString());
        return env;
    }

    private static Result run(Map<String, String> env, UsersCli.Prompt prompt, InputStream stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "users";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = UsersCli.run(all, env, stdin, new PrintWriter(out), new PrintWriter(err), prompt,
                new MutableClock(NOW));
        return new Result(code, out.toString(), err.toString());
    }

    private static Result run(String... args) {
        return run(env(database), new ScriptedPrompt(), InputStream.nullInputStream(), args);
    }

    private static Path passwordFile(String content) throws Exception {
        Path file = Files.createTempFile(dir, "password-", ".txt");
        Files.writeString(file, content);
        return file;
    }

    /** Rows named {@code username} in any case. */
    private static long users(TestDatabase db, String username) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement query = c.prepareStatement(
                "SELECT count(*) FROM users WHERE lower(username) = lower(?)")) {
            query.setString(1, username);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static boolean hasUsersTable(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT to_regclass('public.users') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static long createdAudits(String username) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement query = c.prepareStatement(
                "SELECT count(*) FROM audit_log WHERE action = 'user.created' AND lower(target) = lower(?)")) {
            query.setString(1, username);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void assertOneLineError(Result result) {
        assertThat(result.err().strip()).startsWith("hivemind-server users: ").doesNotContain("\n");
        assertThat(result.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }

    // ---- creating ---------------------------------------------------------------------

    @Test
    void createsAnAdminOnAnEmptyDatabaseWithAnArgon2idHashAndAnAuditRow() throws Exception {
        try (TestDatabase empty = TestDatabase.create()) {
            assertThat(hasUsersTable(empty)).as("nothing migrated yet").isFalse();
            Result result = run(env(empty), new ScriptedPrompt(), InputStream.nullInputStream(),
                    "create", "--username", "Root-Admin", "--role", "admin", "--email", "root@example.org",
                    "--display-name", "Root Admin", "--password-file", passwordFile(PASSWORD + "\n").toString());

            assertThat(result.code()).as("%s", result).isZero();
            assertThat(result.out()).isEqualTo("created admin 'Root-Admin' in the database of HIVEMIND_DB_URL"
                    + System.lineSeparator());
            assertThat(result.err()).isEmpty();
            try (Connection c = empty.connect(); var s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT username, role, source, email, display_name, password_hash, "
                         + "created_at, disabled FROM users")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("username")).isEqualTo("Root-Admin");
                assertThat(rs.getString("role")).isEqualTo("admin");
                assertThat(rs.getString("source")).isEqualTo("local");
                assertThat(rs.getString("email")).isEqualTo("root@example.org");
                assertThat(rs.getString("display_name")).isEqualTo("Root Admin");
                assertThat(rs.getBoolean("disabled")).isFalse();
                assertThat(rs.getTimestamp("created_at").toInstant()).isEqualTo(NOW);
                String hash = rs.getString("password_hash");
                assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
                assertThat(PasswordHasher.standard().verify(PASSWORD, hash)).as("the file's line is the password").isTrue();
                assertThat(PasswordHasher.standard().verify(PASSWORD + "\n", hash)).isFalse();
                assertThat(rs.next()).as("one user").isFalse();
            }
            try (Connection c = empty.connect(); var s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT actor, action, outcome, target, CAST(details AS text) AS details, "
                         + "at, client_ip FROM audit_log")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("action")).isEqualTo("user.created");
                assertThat(rs.getString("actor")).isEqualTo("cli:" + System.getProperty("user.name"));
                assertThat(rs.getString("outcome")).isEqualTo("success");
                assertThat(rs.getString("target")).isEqualTo("Root-Admin");
                assertThat(rs.getString("client_ip")).isNull();
                assertThat(rs.getTimestamp("at").toInstant()).isEqualTo(NOW);
                assertThat(new ObjectMapper().readTree(rs.getString("details")).path("role").asText()).isEqualTo("admin");
                assertThat(rs.getString("details")).doesNotContain("argon2").doesNotContain(PASSWORD);
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @Test
    void readsThePasswordFromStandardInputWithDash() throws Exception {
        InputStream stdin = new ByteArrayInputStream((PASSWORD + "\r\n").getBytes(StandardCharsets.UTF_8));
        Result result = run(env(database), new ScriptedPrompt(), stdin,
                "create", "--username", "stdin-user", "--role", "user", "--password-file", "-");
        assertThat(result.code()).as("%s", result).isZero();
        assertThat(result.out()).contains("created user 'stdin-user'");
        try (Connection c = database.connect(); PreparedStatement q = c.prepareStatement(
                "SELECT role, password_hash FROM users WHERE username = ?")) {
            q.setString(1, "stdin-user");
            try (ResultSet rs = q.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("role")).isEqualTo("user");
                assertThat(PasswordHasher.standard().verify(PASSWORD, rs.getString("password_hash"))).isTrue();
            }
        }
    }

    @Test
    void readsThePasswordTwiceFromThePromptWhenNoFileIsGiven() throws Exception {
        ScriptedPrompt prompt = new ScriptedPrompt(PASSWORD, PASSWORD);
        Result result = run(env(database), prompt, InputStream.nullInputStream(),
                "create", "--username", "prompted-viewer", "--role", "viewer");
        assertThat(result.code()).as("%s", result).isZero();
        assertThat(prompt.questions).hasSize(2);
        assertThat(users(database, "prompted-viewer")).isEqualTo(1);
    }

    // ---- refusals ---------------------------------------------------------------------

    @Test
    void aTakenUsernameInAnyCaseIsExit3AndChangesNothing() throws Exception {
        Path file = passwordFile(PASSWORD);
        assertThat(run("create", "--username", "Carol", "--role", "user", "--password-file", file.toString()).code())
                .isZero();
        String hashBefore;
        try (Connection c = database.connect(); PreparedStatement q = c.prepareStatement(
                "SELECT role || password_hash FROM users WHERE username = 'Carol'"); ResultSet rs = q.executeQuery()) {
            rs.next();
            hashBefore = rs.getString(1);
        }

        for (String name : List.of("Carol", "carol", "CAROL")) {
            Result again = run("create", "--username", name, "--role", "admin", "--password-file",
                    passwordFile("another long password").toString());
            assertThat(again.code()).as(name).isEqualTo(UsersCli.TAKEN);
            assertThat(again.err()).contains("'" + name + "' is taken");
            assertOneLineError(again);
            assertThat(again.out()).isEmpty();
        }
        assertThat(users(database, "carol")).isEqualTo(1);
        assertThat(createdAudits("carol")).isEqualTo(1);
        try (Connection c = database.connect(); PreparedStatement q = c.prepareStatement(
                "SELECT role || password_hash FROM users WHERE username = 'Carol'"); ResultSet rs = q.executeQuery()) {
            rs.next();
            assertThat(rs.getString(1)).as("role and password untouched").isEqualTo(hashBefore);
        }
    }

    @Test
    void aWeakPasswordIsExit4() throws Exception {
        Result result = run("create", "--username", "weak-one", "--role", "user", "--password-file",
                passwordFile("short\n").toString());
        assertThat(result.code()).isEqualTo(UsersCli.PASSWORD);
        assertThat(result.err()).contains("at least 12 characters");
        assertOneLineError(result);
        assertThat(users(database, "weak-one")).isZero();
    }

    @Test
    void aPasswordFileWithTwoLinesOrNothingOrThatIsMissingIsExit4() throws Exception {
        Map<String, String> files = Map.of(
                passwordFile(PASSWORD + "\nsecond line\n").toString(), "one line",
                passwordFile(PASSWORD + "\r\n\r\n").toString(), "one line",
                passwordFile("").toString(), "empty",
                passwordFile("\n").toString(), "empty",
                dir.resolve("no-such-password-file").toString(), "does not exist");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Result result = run("create", "--username", "file-user", "--role", "user", "--password-file", file.getKey());
            assertThat(result.code()).as("%s: %s", file.getValue(), result).isEqualTo(UsersCli.PASSWORD);
            assertThat(result.err()).contains("--password-file").contains(file.getValue());
            assertOneLineError(result);
        }
        Path invalidUtf8 = dir.resolve("latin1.txt");
        Files.write(invalidUtf8, new byte[] {'p', 'a', 's', 's', (byte) 0xe9, 'w', 'o', 'r', 'd', '1', '2', '3', '4'});
        assertThat(run("create", "--username", "file-user", "--role", "user", "--password-file", invalidUtf8.toString())
                .code()).isEqualTo(UsersCli.PASSWORD);
        assertThat(users(database, "file-user")).isZero();
    }

    @Test
    void withoutRoleTheAccountGetsTheDefaultRole() throws Exception {
        String file = passwordFile(PASSWORD).toString();
        Result viewer = run("create", "--username", "default-viewer", "--password-file", file);
        assertThat(viewer.code()).as(viewer.err()).isEqualTo(UsersCli.OK);
        assertThat(viewer.out()).isEqualTo("created viewer 'default-viewer' in the database of HIVEMIND_DB_URL\n");
        Map<String, String> env = env(database);
        env.put("HIVEMIND_DEFAULT_ROLE", "user");
        Result user = run(env, new ScriptedPrompt(), InputStream.nullInputStream(),
                "create", "--username", "default-user", "--password-file", file);
        assertThat(user.out()).isEqualTo("created user 'default-user' in the database of HIVEMIND_DB_URL\n");
    }

    @Test
    void aMissingRoleWhenTheDefaultIsNoneOrAnUnknownRoleIsExit2() throws Exception {
        String file = passwordFile(PASSWORD).toString();
        Map<String, String> none = env(database);
        none.put("HIVEMIND_DEFAULT_ROLE", "none");
        Result missing = run(none, new ScriptedPrompt(), InputStream.nullInputStream(),
                "create", "--username", "roleless", "--password-file", file);
        assertThat(missing.code()).isEqualTo(UsersCli.USAGE);
        assertThat(missing.err()).contains("--role is required: HIVEMIND_DEFAULT_ROLE is none");
        for (String role : List.of("superuser", "Admin", "")) {
            Result bad = run("create", "--username", "roleless", "--role", role, "--password-file", file);
            assertThat(bad.code()).as(role).isEqualTo(UsersCli.USAGE);
            assertThat(bad.err()).contains("--role must be admin, user or viewer");
        }
        assertThat(users(database, "roleless")).isZero();
    }

    @Test
    void aBadUsernameIsExit2() throws Exception {
        String file = passwordFile(PASSWORD).toString();
        for (String name : List.of("bad name", "-dash-first", "semi;colon", "x".repeat(65), "")) {
            Result result = run("create", "--username", name, "--role", "user", "--password-file", file);
            assertThat(result.code()).as("'%s'", name).isEqualTo(UsersCli.USAGE);
            assertThat(result.err()).contains("--username");
        }
        Result missing = run("create", "--role", "user", "--password-file", file);
        assertThat(missing.code()).isEqualTo(UsersCli.USAGE);
        assertThat(missing.err()).contains("--username");
        try (Connection c = database.connect(); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM users WHERE username LIKE '%name' OR username LIKE '%colon'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void withoutAPasswordFileOrATerminalItIsExit2NamingPasswordFile() throws Exception {
        Result result = run(env(database), new ScriptedPrompt(), InputStream.nullInputStream(),
                "create", "--username", "no-terminal", "--role", "user");
        assertThat(result.code()).isEqualTo(UsersCli.USAGE);
        assertThat(result.err()).contains("--password-file");
        assertOneLineError(result);
        assertThat(users(database, "no-terminal")).isZero();
    }

    @Test
    void twoDifferentAnswersAtThePromptAreExit4() throws Exception {
        Result result = run(env(database), new ScriptedPrompt(PASSWORD, PASSWORD + "!"), InputStream.nullInputStream(),
                "create", "--username", "typo-user", "--role", "user");
        assertThat(result.code()).isEqualTo(UsersCli.PASSWORD);
        assertThat(result.err()).contains("differ");
        assertThat(users(database, "typo-user")).isZero();
    }

    @Test
    void noSecondAnswerAtThePromptIsExit4() throws Exception {
        // Console.readPassword gives null at end of input (Ctrl-D): the prompt then has no answer.
        Result result = run(env(database), new ScriptedPrompt(PASSWORD), InputStream.nullInputStream(),
                "create", "--username", "eof-user", "--role", "user");
        assertThat(result.code()).as("%s", result).isEqualTo(UsersCli.PASSWORD);
        assertThat(result.err()).contains("not repeated");
        assertOneLineError(result);
        assertThat(users(database, "eof-user")).isZero();
    }

    @Test
    void aBadConfigurationVariableIsExit2NamingIt() throws Exception {
        Map<String, String> env = env(database);
        env.put("HIVEMIND_BIND", "abc");
        Result result = run(env, new ScriptedPrompt(), InputStream.nullInputStream(),
                "create", "--username", "config-user", "--role", "user", "--password-file", passwordFile(PASSWORD).toString());
        assertThat(result.code()).isEqualTo(UsersCli.USAGE);
        assertThat(result.err().strip()).isEqualTo("hivemind-server users: HIVEMIND_BIND: 'abc' is not host:port");
        assertThat(users(database, "config-user")).isZero();
    }

    @Test
    void anUnreachableDatabaseIsExit1WithOneLineAndNoStackTrace() throws Exception {
        Map<String, String> env = env(database);
        env.put("HIVEMIND_DB_URL", "jdbc:postgresql://127.0.0.1:1/x");
        Result result = run(env, new ScriptedPrompt(), InputStream.nullInputStream(),
                "create", "--username", "unreachable", "--role", "user", "--password-file", passwordFile(PASSWORD).toString());
        assertThat(result.code()).as("%s", result).isEqualTo(UsersCli.DATABASE);
        assertThat(result.err()).contains("database");
        assertOneLineError(result);
        assertThat(result.out()).isEmpty();
    }

    @Test
    void helpListsTheOptionsAndExitCodes() {
        Result result = run("create", "--help");
        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("--username").contains("--role").contains("--password-file")
                .contains("Exit codes:")
                .containsPattern("0\\s+created")
                .containsPattern("1\\s+the database could not be used")
                .containsPattern("2\\s+usage or configuration error")
                .containsPattern("3\\s+the username is taken")
                .containsPattern("4\\s+the password was refused");
        assertThat(run("--help").code()).isZero();
        Result noCommand = run();
        assertThat(noCommand.code()).isEqualTo(UsersCli.USAGE);
        Result unknown = run("delete", "--username", "x");
        assertThat(unknown.code()).isEqualTo(UsersCli.USAGE);
    }

    // ---- the embedded database ---------------------------------------------------------

    @Test
    void whileAServerRunsOnTheEmbeddedDatabaseTheAccountIsMadeThroughIt(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("HIVEMIND_DATA_DIR", dataDir.toString());
        env.put("HIVEMIND_ADMIN_TOKEN_FILE", dataDir.resolve("admin.token").toString());
        String file = passwordFile(PASSWORD).toString();

        // As a running server holds it: the data directory locked, the schema migrated.
        try (Database running = Database.open(new DatabaseSettings(Optional.empty(), "hivemind", Optional.empty(),
                dataDir))) {
            running.migrate();
            Result created = run(env, new ScriptedPrompt(), InputStream.nullInputStream(),
                    "create", "--username", "embedded-admin", "--role", "admin", "--password-file", file);
            assertThat(created.code()).as("%s", created).isZero();
            assertThat(created.out()).isEqualTo("created admin 'embedded-admin' in the embedded database in "
                    + dataDir.resolve("postgres").toAbsolutePath().normalize() + "\n");

            // The server sees the account at once, and the audit log has it.
            try (Connection c = running.dataSource().getConnection(); var s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT u.role, a.actor FROM users u JOIN audit_log a "
                         + "ON a.target = u.username AND a.action = 'user.created' WHERE u.username = 'embedded-admin'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("role")).isEqualTo("admin");
                assertThat(rs.getString("actor")).startsWith("cli:");
            }
        }
    }

    @Test
    void theEmbeddedDatabaseLockedByAProcessThatRunsNoPostgresIsExit1(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("HIVEMIND_DATA_DIR", dataDir.toString());
        env.put("HIVEMIND_ADMIN_TOKEN_FILE", dataDir.resolve("admin.token").toString());
        Files.createDirectories(dataDir);
        try (FileChannel channel = FileChannel.open(dataDir.resolve("postgres.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = channel.lock()) {
            Result busy = run(env, new ScriptedPrompt(), InputStream.nullInputStream(),
                    "create", "--username", "embedded-admin", "--role", "admin", "--password-file",
                    passwordFile(PASSWORD).toString());
            assertThat(busy.code()).as("%s", busy).isEqualTo(UsersCli.DATABASE);
            assertThat(busy.err()).contains("in use");
            assertOneLineError(busy);
        }
    }
}
