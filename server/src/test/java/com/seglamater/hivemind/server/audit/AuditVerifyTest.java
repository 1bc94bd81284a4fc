package com.seglamater.hivemind.server.audit;

import com.seglamater.hivemind.server.cli.AuditCli;
import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.db.Database;
import com.seglamater.hivemind.server.db.EmbeddedDatabase;
import com.seglamater.hivemind.server.db.Migrations;
import com.seglamater.hivemind.server.db.Sql;
import com.seglamater.hivemind.server.testing.MutableClock;
import com.seglamater.hivemind.server.testing.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hivemind-server audit verify} against a throwaway database on the machine's
 * PostgreSQL: the trigger chains what anyone inserts, the verifier (computing the hashes on its
 * own) agrees, and each kind of tampering by a superuser is found and named.
 */
class AuditVerifyTest {

    @TempDir
    Path dir;

    private TestDatabase database;

    /** What one run printed and returned. */
    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void createDatabase() throws Exception {
        database = TestDatabase.create();
        Migrations.migrate(dataSource());
    }

    @AfterEach
    void dropDatabase() throws Exception {
        database.close();
    }

    private PGSimpleDataSource dataSource() {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(database.jdbcUrl());
        source.setUser(TestDatabase.ADMIN_USER);
        return source;
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("HIVEMIND_DB_URL", database.jdbcUrl());
        env.put("HIVEMIND_DB_USER", TestDatabase.ADMIN_USER);
        env.put("HIVEMIND_DATA_DIR", dir.resolve("data").toString());
        env.put("HIVEMIND_ADMIN_TOKEN_FILE", dir.resolve("admin.token").toString());
        return env;
    }

    static Result run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 1];
        all[0] = "audit";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = AuditCli.run(all, env, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private Result verify(String... more) {
        String[] args = new String[more.length + 1];
        args[0] = "verify";
        System.arraycopy(more, 0, args, 1, more.length);
        return run(env(), args);
    }

    /** As the superuser: what someone holding the database's superuser password can do. */
    private void sql(String... statements) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private String head() throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT last_id, last_hash FROM audit_chain")) {
            rs.next();
            return rs.getLong(1) + ":" + HexFormat.of().formatHex(rs.getBytes(2));
        }
    }

    private List<Long> ids() throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM audit_log ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** Rows that test the canonical form: times in other zones and before 1970, NULL and empty texts, Unicode, jsonb's reordering and numbers. */
    private void insertAssortedRows() throws SQLException {
        sql("""
                INSERT INTO audit_log (at, actor, action, outcome, client_ip, user_agent, target, details) VALUES
                  ('2026-11-24 08:00:00.123456+00', 'alice', 'auth.sign_in', 'success', '192.0.2.1', 'curl/8.5', 'alice',
                   '{"session": 7}'),
                  ('1969-07-20 20:17:40.5-05', 'zoë 🐝 名前', 'user.created', 'failure', NULL, '', NULL,
                   '{"z": [1, 1.50, 1e3, -0.0, 12345678901234567890], "a": {"q": "\\"quoted\\" \\\\ and é", "n": null, "t": true}, "é": "ü"}'),
                  (now(), 'anonymous', 'auth.rejected', 'denied', '2001:db8::1', 'Mozilla/5.0 (X11; Linux)', 'x', '{}')
                """);
    }

    // ---- an intact log ------------------------------------------------------------------

    @Test
    void verifyPassesOnAnIntactLogAndPrintsTheHeadToRecord() throws Exception {
        insertAssortedRows();
        try (Database db = Database.open(ServerConfig.from(env()).database())) {
            AuditLog log = new AuditLog(db.client(), new MutableClock(Instant.parse("2026-11-24T08:00:00.987654321Z")));
            log.record(AuditEvent.local("cli:root", "user.created", AuditEvent.Outcome.SUCCESS).target("bob")
                    .detail("role", "admin").detail("note", "tab\there, \"quotes\", emoji 🐝"));
            log.record(AuditEvent.local(AuditEvent.SYSTEM, "update.command_completed", AuditEvent.Outcome.FAILURE));
        }
        Result result = verify();
        assertThat(result.code()).as("%s", result).isEqualTo(AuditCli.INTACT);
        assertThat(result.out()).isEqualTo("audit log intact: 5 entries\nhead: " + head() + "\n");
        assertThat(head()).startsWith("5:");
        assertThat(result.err()).isEmpty();

        Result again = verify("--head", head());
        assertThat(again.code()).as("%s", again).isEqualTo(AuditCli.INTACT);
        assertThat(again.out()).startsWith("audit log intact: 5 entries, entry 5 as recorded\n");
    }

    @Test
    void anEmptyLogIsIntact() {
        Result result = verify();
        assertThat(result.code()).as("%s", result).isEqualTo(AuditCli.INTACT);
        assertThat(result.out()).isEqualTo("audit log intact: 0 entries\n");
    }

    @Test
    void concurrentInsertsChainOneAfterTheOtherAndRolledBackOnesLeaveNoTrace() throws Exception {
        int threads = 8;
        int each = 25;
        try (Database db = Database.open(ServerConfig.from(env()).database())) {
            AuditLog log = new AuditLog(db.client(), MutableClock.startingNow());
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            AuditEvent event = AuditEvent.local("thread-" + thread, "test.concurrent",
                                    AuditEvent.Outcome.SUCCESS).detail("i", i);
                            if (i % 5 == 4) {
                                // Recorded in a transaction that then fails: neither the row nor its link stays.
                                try {
                                    Sql.inTransaction(db.client(), tx -> {
                                        log.record(tx, event);
                                        throw new IllegalStateException("rolled back");
                                    });
                                } catch (IllegalStateException expected) {
                                    // as intended
                                }
                            } else if (i % 2 == 0) {
                                Sql.inTransaction(db.client(), tx -> {
                                    log.record(tx, event);
                                    log.record(tx, event.detail("second", true));
                                    return null;
                                });
                            } else {
                                log.record(event);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
        // Per thread: 5 rolled back, 10 single entries (odd i), 10 transactions of two (even i).
        int expected = threads * (10 + 2 * 10);
        Result result = verify();
        assertThat(result.code()).as("%s", result).isEqualTo(AuditCli.INTACT);
        assertThat(result.out()).startsWith("audit log intact: " + expected + " entries\n");
    }

    // ---- tampering ----------------------------------------------------------------------

    @Test
    void anUpdateMadeAsSuperuserWithTheTriggerDisabledIsDetectedWithTheRowId() throws Exception {
        insertAssortedRows();
        sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete",
                "UPDATE audit_log SET outcome = 'success' WHERE id = 2",
                "ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_update_or_delete");
        Result result = verify();
        assertThat(result.code()).as("%s", result).isEqualTo(AuditCli.BROKEN);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).startsWith("hivemind-server audit: the audit log's hash chain is broken at entry 2: "
                + "its hash does not match its content chained from entry 1").doesNotContain("\n\n")
                .hasLineCount(1);
    }

    @Test
    void aChangeToTheDetailsAloneIsDetected() throws Exception {
        insertAssortedRows();
        sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete",
                "UPDATE audit_log SET details = details || '{\"session\": 8}' WHERE id = 1",
                "ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_update_or_delete");
        Result result = verify();
        assertThat(result.code()).as("%s", result).isEqualTo(AuditCli.BROKEN);
        assertThat(result.err()).contains("broken at entry 1: ").contains("from the start of the log");
    }

    @Test
    void aDeletedRowIsDetected() throws Exception {
        insertAssortedRows();
        sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete", "DELETE FROM audit_log WHERE id = 2",
                "ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_update_or_delete");
        Result middle = verify();
        assertThat(middle.code()).as("%s", middle).isEqualTo(AuditCli.BROKEN);
        assertThat(middle.err()).contains("broken at entry 3: ").contains("chained from entry 1");

        sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete", "DELETE FROM audit_log WHERE id >= 2",
                "ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_update_or_delete");
        Result last = verify();
        assertThat(last.code()).as("%s", last).isEqualTo(AuditCli.BROKEN);
        assertThat(last.err()).contains("broken at entry 3: it is missing: the chain head names it as the last entry, "
                + "and the log ends at entry 1");

        sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate", "TRUNCATE audit_log",
                "ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_truncate");
        Result emptied = verify();
        assertThat(emptied.code()).as("%s", emptied).isEqualTo(AuditCli.BROKEN);
        assertThat(emptied.err()).contains("broken at entry 3: ").contains("the log is empty");
    }

    @Test
    void aRowInsertedOutOfChainIsDetected() throws Exception {
        insertAssortedRows();
        // A gap, as a rolled-back insert leaves: the id a forged row could take.
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO audit_log (at, actor, action, outcome) VALUES (now(), 'x', 'x', 'success')");
            c.rollback();
        }
        sql("INSERT INTO audit_log (at, actor, action, outcome) VALUES (now(), 'bob', 'auth.sign_out', 'success')");
        assertThat(ids()).containsExactly(1L, 2L, 3L, 5L);
        sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_chain",
                "INSERT INTO audit_log (id, at, actor, action, outcome, details, hash) "
                        + "SELECT 4, now(), 'mallory', 'auth.sign_in', 'success', '{}', hash FROM audit_log WHERE id = 3",
                "ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_chain");
        Result result = verify();
        assertThat(result.code()).as("%s", result).isEqualTo(AuditCli.BROKEN);
        assertThat(result.err()).contains("broken at entry 4: its hash does not match its content chained from entry 3");
    }

    @Test
    void aCorrectlyHashedRowAppendedWithoutTheTriggerIsDetectedByTheChainHead() throws Exception {
        insertAssortedRows();
        String[] head = head().split(":");
        Instant at = Instant.parse("2026-11-25T00:00:00Z");
        AuditChain.Link forged = new AuditChain.Link(4, at, "mallory", "auth.sign_in", "success", Optional.empty(),
                Optional.empty(), Optional.empty(), "{}", null);
        byte[] hash = AuditChain.hash(HexFormat.of().parseHex(head[1]), forged);
        sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_chain");
        try (Connection c = database.connect(); PreparedStatement insert = c.prepareStatement("INSERT INTO audit_log "
                + "(id, at, actor, action, outcome, details, hash) VALUES (4, ?, 'mallory', 'auth.sign_in', 'success', '{}', ?)")) {
            insert.setObject(1, Sql.at(at));
            insert.setBytes(2, hash);
            insert.executeUpdate();
        }
        sql("ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_chain");
        Result result = verify();
        assertThat(result.code()).as("%s", result).isEqualTo(AuditCli.BROKEN);
        assertThat(result.err()).contains("broken at entry 4: it comes after the chain head's last entry (3)");
    }

    @Test
    void aRewriteOfEveryLaterHashPassesTheChainButNotARecordedHead() throws Exception {
        insertAssortedRows();
        String recorded = head();
        sql("INSERT INTO audit_log (at, actor, action, outcome) VALUES (now(), 'bob', 'auth.sign_out', 'success')");
        // What the chain cannot stop: a superuser who rewrites a row, every hash after it and the head.
        sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete",
                "UPDATE audit_log SET outcome = 'success' WHERE id = 2",
                """
                DO $$
                DECLARE entry audit_log; previous bytea;
                BEGIN
                    SELECT hash INTO previous FROM audit_log WHERE id = 1;
                    FOR entry IN SELECT * FROM audit_log WHERE id >= 2 ORDER BY id LOOP
                        previous := sha256(previous || audit_log_content(entry));
                        UPDATE audit_log SET hash = previous WHERE id = entry.id;
                    END LOOP;
                    UPDATE audit_chain SET last_hash = previous;
                END $$
                """,
                "ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_update_or_delete");
        Result alone = verify();
        assertThat(alone.code()).as("the chain alone cannot tell: %s", alone).isEqualTo(AuditCli.INTACT);

        Result withHead = verify("--head", recorded);
        assertThat(withHead.code()).as("%s", withHead).isEqualTo(AuditCli.BROKEN);
        assertThat(withHead.err()).contains("broken at entry 3: its hash is no longer the one recorded (" + recorded + ")");
    }

    @Test
    void aMissingChainHeadIsABrokenChain() throws Exception {
        insertAssortedRows();
        sql("DELETE FROM audit_chain");
        Result result = verify();
        assertThat(result.code()).as("%s", result).isEqualTo(AuditCli.BROKEN);
        assertThat(result.err()).isEqualTo("hivemind-server audit: the audit log's hash chain is broken: "
                + "the chain head (the row of table audit_chain) is missing\n");
    }

    // ---- the migration ------------------------------------------------------------------

    @Test
    void theMigrationChainsExistingRowsOnceAndNewOnesFollowThem() throws Exception {
        sql("DROP SCHEMA public CASCADE", "CREATE SCHEMA public");
        PGSimpleDataSource source = dataSource();
        Flyway.configure().dataSource(source).locations("classpath:db/migration").target("6").load().migrate();
        insertAssortedRows();
        Result before = verify();
        assertThat(before.code()).as("%s", before).isEqualTo(AuditCli.DATABASE);
        assertThat(before.err()).contains("no audit hash chain yet").contains("start the server once");

        Migrations.migrate(source);
        assertThat(verify().out()).startsWith("audit log intact: 3 entries\nhead: 3:");
        sql("INSERT INTO audit_log (at, actor, action, outcome) VALUES (now(), 'bob', 'auth.sign_out', 'success')");
        assertThat(ids()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(verify().out()).startsWith("audit log intact: 4 entries\nhead: 4:");
    }

    // ---- usage --------------------------------------------------------------------------

    @Test
    void usageAndConfigurationErrorsAreExit2() {
        Result missing = run(env());
        assertThat(missing.code()).isEqualTo(AuditCli.USAGE);
        assertThat(missing.err()).contains("missing command (verify)");

        Result unknown = run(env(), "rewrite");
        assertThat(unknown.code()).isEqualTo(AuditCli.USAGE);

        Result head = verify("--head", "17:abc");
        assertThat(head.code()).isEqualTo(AuditCli.USAGE);
        assertThat(head.err()).isEqualTo("hivemind-server audit: --head must be ID:HASH as printed by audit verify "
                + "(a positive entry id, a colon, 64 hex digits)\n");

        Map<String, String> bad = env();
        bad.put("HIVEMIND_DB_URL", "postgresql://no-jdbc-prefix");
        Result config = run(bad, "verify");
        assertThat(config.code()).isEqualTo(AuditCli.USAGE);
        assertThat(config.err()).startsWith("hivemind-server audit: HIVEMIND_DB_URL").hasLineCount(1);
    }

    @Test
    void helpListsTheExitCodes() {
        Result help = verify("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Exit codes:").contains("1   the chain is broken")
                .contains("3   the database could not be used").contains("--head=ID:HASH");
    }

    @Test
    void anUnreachableDatabaseIsExit3InOneLine() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, String> env = env();
        env.put("HIVEMIND_DB_URL", "jdbc:postgresql://127.0.0.1:" + port + "/hivemind");
        Result result = run(env, "verify");
        assertThat(result.code()).as("%s", result).isEqualTo(AuditCli.DATABASE);
        assertThat(result.err()).startsWith("hivemind-server audit: ").hasLineCount(1);
        assertThat(result.out()).isEmpty();
    }

    // ---- the embedded database ----------------------------------------------------------

    @Test
    void verifyWorksOnTheEmbeddedDatabaseWhileTheServerIsStoppedAndSaysWhenItRuns(@TempDir Path dataDir)
            throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("HIVEMIND_DATA_DIR", dataDir.toString());
        env.put("HIVEMIND_ADMIN_TOKEN_FILE", dataDir.resolve("admin.token").toString());
        try (Database db = Database.open(ServerConfig.from(env).database())) {
            db.migrate();
            new AuditLog(db.client(), MutableClock.startingNow()).record(
                    AuditEvent.local("cli:root", "user.created", AuditEvent.Outcome.SUCCESS).target("root-admin"));
        }
        Result stopped = run(env, "verify");
        assertThat(stopped.code()).as("%s", stopped).isEqualTo(AuditCli.INTACT);
        assertThat(stopped.out()).startsWith("audit log intact: 1 entries\nhead: 1:");

        try (EmbeddedDatabase running = EmbeddedDatabase.start(dataDir)) {
            Result busy = run(env, "verify");
            assertThat(busy.code()).as("%s", busy).isEqualTo(AuditCli.DATABASE);
            assertThat(busy.err()).contains("is in use by another Hivemind process").hasLineCount(1);
        }
    }
}
