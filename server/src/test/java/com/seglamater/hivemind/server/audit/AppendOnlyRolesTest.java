package com.seglamater.hivemind.server.audit;

import com.seglamater.hivemind.server.db.ApplicationRole;
import com.seglamater.hivemind.server.db.Migrations;
import com.seglamater.hivemind.server.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The audit log stays append-only in a session with {@code session_replication_role = replica}
 * (which skips ordinary triggers), for each kind of role the server runs as: the stack's
 * {@code hivemind} (the database image's superuser), the embedded database's application role
 * (which cannot even set replica mode), and a role that was allowed to set it.
 */
class AppendOnlyRolesTest {

    private static final List<String> REWRITES = List.of(
            "UPDATE audit_log SET actor = 'mallory'",
            "DELETE FROM audit_log WHERE id = 1",
            "TRUNCATE audit_log");

    private TestDatabase database;
    private String role;

    @BeforeEach
    void createDatabase() throws Exception {
        database = TestDatabase.create();
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(database.jdbcUrl());
        source.setUser(TestDatabase.ADMIN_USER);
        Migrations.migrate(source);
        superuser("INSERT INTO audit_log (at, actor, action, outcome) VALUES (now(), 'alice', 'auth.sign_in', 'success'), "
                + "(now(), 'bob', 'auth.sign_in', 'failure')");
        // Roles belong to the whole cluster, which other tests share: a name of its own.
        role = "hm_app_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @AfterEach
    void dropDatabase() throws Exception {
        database.close();
        if (serverVersion() >= 15) {
            database.admin("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN "
                    + "REVOKE SET ON PARAMETER session_replication_role FROM " + role + "; END IF; END $$");
        }
        database.admin("DROP ROLE IF EXISTS " + role);
    }

    private void superuser(String... statements) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private int serverVersion() throws SQLException {
        try (Connection c = DriverManager.getConnection(TestDatabase.ADMIN_URL, TestDatabase.ADMIN_USER, "")) {
            return c.getMetaData().getDatabaseMajorVersion();
        }
    }

    /** Every row's content and hash: what must not change. */
    private String snapshot() throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) || ':' || coalesce(md5(string_agg(a::text, ',' ORDER BY id)), '') FROM audit_log a")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private AuditChain.Verification verification() throws Exception {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setUrl(database.jdbcUrl());
        source.setUser(TestDatabase.ADMIN_USER);
        return AuditVerifier.verify(source, Optional.empty());
    }

    private static void assertRefused(Statement s, String statement, String message) {
        assertThatThrownBy(() -> s.execute(statement)).as(statement).isInstanceOf(SQLException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aSuperuserInReplicaModeIsStillRefused() throws Exception {
        String before = snapshot();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            for (String rewrite : REWRITES) {
                assertRefused(s, rewrite, "audit_log is append-only");
            }
            // Appending still chains in replica mode.
            s.execute("INSERT INTO audit_log (at, actor, action, outcome) VALUES (now(), 'carol', 'auth.sign_in', 'success')");
        }
        assertThat(snapshot()).startsWith("3:").isNotEqualTo(before);
        assertThat(verification()).isInstanceOf(AuditChain.Intact.class);
    }

    @Test
    void theEmbeddedApplicationRoleCannotSetReplicaModeNorRewriteTheLogNorItsSchema() throws Exception {
        ApplicationRole application = new ApplicationRole(role);
        try (Connection c = database.connect()) {
            application.ensure(c, "a-password-trust-authentication-ignores");
            application.grant(c);
        }
        String before = snapshot();
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), role, "");
             Statement s = c.createStatement()) {
            assertRefused(s, "SET session_replication_role = replica", "permission denied to set parameter");
            for (String rewrite : REWRITES) {
                assertRefused(s, rewrite, "permission denied for table audit_log");
            }
            for (String change : List.of("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_or_delete",
                    "ALTER TABLE audit_log DISABLE TRIGGER ALL", "DROP TRIGGER audit_log_chain ON audit_log",
                    "DROP TABLE audit_log", "ALTER TABLE audit_log OWNER TO " + role)) {
                assertRefused(s, change, "must be owner");
            }
            assertRefused(s, "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql "
                    + "AS $$ BEGIN RETURN NEW; END $$", "permission denied for schema public");
            assertRefused(s, "CREATE TABLE mine (x int)", "permission denied for schema public");
            assertRefused(s, "DELETE FROM audit_chain", "permission denied for table audit_chain");
            assertRefused(s, "UPDATE flyway_schema_history SET success = false", "permission denied");
            assertThat(snapshot()).isEqualTo(before);

            // What the server does with its tables still works: an entry chains, rows change, the
            // command queue's lock is taken.
            s.execute("INSERT INTO audit_log (at, actor, action, outcome) VALUES (now(), 'carol', 'auth.sign_in', 'success')");
            s.execute("INSERT INTO users (username, role, source, created_at, updated_at) "
                    + "VALUES ('carol', 'viewer', 'local', now(), now())");
            s.execute("UPDATE users SET role = 'user' WHERE username = 'carol'");
            s.execute("DELETE FROM sessions");
            c.setAutoCommit(false);
            s.execute("LOCK TABLE update_commands IN SHARE ROW EXCLUSIVE MODE");
            s.execute("SELECT id FROM users WHERE username = 'carol' FOR UPDATE");
            c.commit();
        }
        assertThat(verification()).isInstanceOfSatisfying(AuditChain.Intact.class,
                intact -> assertThat(intact.entries()).isEqualTo(3));
    }

    @Test
    void aRoleAllowedToSetReplicaModeStillCannotRewriteTheLog() throws Exception {
        assumeTrue(serverVersion() >= 15, "GRANT SET ON PARAMETER arrived with PostgreSQL 15");
        database.admin("CREATE ROLE " + role + " LOGIN");
        database.admin("GRANT SET ON PARAMETER session_replication_role TO " + role);
        // As a careless owner might: every privilege on the table.
        superuser("GRANT ALL ON audit_log, audit_chain TO " + role, "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + role);
        String before = snapshot();
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), role, "");
             Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
            for (String rewrite : REWRITES) {
                assertRefused(s, rewrite, "audit_log is append-only");
            }
        }
        assertThat(snapshot()).isEqualTo(before);
    }
}
