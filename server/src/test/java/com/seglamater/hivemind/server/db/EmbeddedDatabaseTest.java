package com.seglamater.hivemind.server.db;

import com.seglamater.hivemind.server.audit.AuditChain;
import com.seglamater.hivemind.server.audit.AuditVerifier;
import com.seglamater.hivemind.server.config.ServerConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded PostgreSQL holds real data on a shared host: no local user may get in without
 * the password file, and a cluster made by the library's trusting defaults is locked down. The
 * server works in it as a role that can neither change the schema nor rewrite the audit log,
 * and a cluster made before that role existed is moved over at its next start.
 */
class EmbeddedDatabaseTest {

    @TempDir
    Path dataDir;

    @Test
    void aNewClusterRefusesConnectionsWithoutItsPasswordAndKeepsTheDataAcrossRestarts() throws Exception {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir)) {
            String url = database.jdbcUrl();
            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "").close())
                    .hasMessageContaining("password");
            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "not-the-password").close())
                    .hasMessageContaining("password authentication failed");
            try (Connection c = DriverManager.getConnection(url, "postgres", database.superuser().password());
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('still here')");
            }
        }
        assertThat(EmbeddedDatabase.trustsAnyone(dataDir.resolve("postgres"))).isFalse();
        try (EmbeddedDatabase again = EmbeddedDatabase.start(dataDir);
             Connection c = DriverManager.getConnection(again.jdbcUrl(), "postgres", again.superuser().password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
    }

    @Test
    void aClusterMadeWithTrustAuthenticationIsSwitchedToPasswords() throws Exception {
        Path cluster = dataDir.resolve("postgres");
        // What the embedding library makes by itself: initdb -A trust.
        try (EmbeddedPostgres trusting = EmbeddedPostgres.builder().setDataDirectory(cluster)
                .setCleanDataDirectory(false).setRegisterShutdownHook(false).start()) {
            assertThat(EmbeddedDatabase.trustsAnyone(cluster)).isTrue();
        }
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDir)) {
            assertThat(EmbeddedDatabase.trustsAnyone(cluster)).isFalse();
            assertThatThrownBy(() -> DriverManager.getConnection(database.jdbcUrl(), "postgres", "").close())
                    .hasMessageContaining("password");
            try (Connection c = DriverManager.getConnection(database.jdbcUrl(), "postgres", database.superuser().password())) {
                assertThat(c.isValid(2)).isTrue();
            }
        }
    }

    @Test
    void aMissingPasswordFileStopsStartUpWithAClearReason() throws Exception {
        try (EmbeddedDatabase ignored = EmbeddedDatabase.start(dataDir)) {
            assertThat(dataDir.resolve(EmbeddedDatabase.PASSWORD_FILE)).exists();
        }
        Files.delete(dataDir.resolve(EmbeddedDatabase.PASSWORD_FILE));
        assertThatThrownBy(() -> EmbeddedDatabase.start(dataDir).close())
                .hasMessageContaining("needs its password file").hasMessageContaining("postgres.password");
    }

    // ---- the application role -----------------------------------------------------------

    private ServerConfig config() throws Exception {
        return ServerConfig.from(Map.of("HIVEMIND_DATA_DIR", dataDir.toString(),
                "HIVEMIND_ADMIN_TOKEN_FILE", dataDir.resolve("admin.token").toString()));
    }

    private static String one(Statement s, String query) throws SQLException {
        try (ResultSet rs = s.executeQuery(query)) {
            assertThat(rs.next()).as(query).isTrue();
            return rs.getString(1);
        }
    }

    private static List<String> all(Statement s, String query) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** What the server may do as its role, and what it may not, on a migrated embedded database. */
    private static void assertApplicationRole(Database database) throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            assertThat(one(s, "SELECT current_user")).isEqualTo("hivemind");
            assertThat(one(s, "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls "
                    + "FROM pg_roles WHERE rolname = current_user")).isEqualTo("f");
            assertThatThrownBy(() -> s.execute("SET session_replication_role = replica"))
                    .hasMessageContaining("permission denied to set parameter");
            for (String rewrite : List.of("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log",
                    "TRUNCATE audit_log")) {
                assertThatThrownBy(() -> s.execute(rewrite)).as(rewrite).hasMessageContaining("permission denied");
            }
            assertThatThrownBy(() -> s.execute("ALTER TABLE audit_log DISABLE TRIGGER ALL"))
                    .hasMessageContaining("must be owner");
            s.execute("INSERT INTO audit_log (at, actor, action, outcome, details) "
                    + "VALUES (now(), 'zoë 🐝', 'test.append', 'success', '{\"é\": [1.50, \"名前\"]}')");
        }
        assertThat(AuditVerifier.verify(database.dataSource(), Optional.empty())).isInstanceOf(AuditChain.Intact.class);
    }

    @Test
    void theServerWorksAsANonSuperuserApplicationRoleWithItsOwnPasswordFile() throws Exception {
        try (Database database = Database.open(config().database())) {
            database.migrate();
            assertApplicationRole(database);
        }
        Path passwordFile = dataDir.resolve(EmbeddedDatabase.APPLICATION_PASSWORD_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
        try (EmbeddedDatabase again = EmbeddedDatabase.start(dataDir);
             Connection c = again.connect(again.superuser()); Statement s = c.createStatement()) {
            assertThat(again.application().password()).isEqualTo(Files.readString(passwordFile).strip())
                    .isNotEqualTo(again.superuser().password());
            assertThat(all(s, "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class "
                    + "WHERE relnamespace = 'public'::regnamespace UNION SELECT DISTINCT pg_get_userbyid(proowner) "
                    + "FROM pg_proc WHERE pronamespace = 'public'::regnamespace UNION SELECT pg_get_userbyid(datdba) "
                    + "FROM pg_database WHERE datname = 'hivemind'")).as("owners of everything").containsExactly("postgres");
            assertThatThrownBy(() -> DriverManager.getConnection(again.jdbcUrl(), "hivemind", "not-the-password").close())
                    .hasMessageContaining("password authentication failed");
        }
    }

    @Test
    void aClusterMadeBeforeTheApplicationRoleIsMovedAtItsNextStartAndAgainWithoutChange() throws Exception {
        // As earlier builds made it: the superuser with its password file, the server's tables
        // owned by that superuser (schema version 5), and no application role.
        Path cluster = dataDir.resolve("postgres");
        Path superuserFile = dataDir.resolve(EmbeddedDatabase.PASSWORD_FILE);
        String password = PasswordFile.readOrCreate(superuserFile);
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(cluster).setCleanDataDirectory(false)
                .setRegisterShutdownHook(false).setServerConfig("listen_addresses", "127.0.0.1")
                .setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", superuserFile.toString())
                .setConnectConfig("password", password).start()) {
            try (Connection c = old.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE hivemind");
            }
            PGSimpleDataSource source = new PGSimpleDataSource();
            source.setUrl("jdbc:postgresql://127.0.0.1:" + old.getPort() + "/hivemind");
            source.setUser("postgres");
            source.setPassword(password);
            Flyway.configure().dataSource(source).locations("classpath:db/migration").target("5").load().migrate();
            try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO users (username, role, source, created_at, updated_at) "
                        + "VALUES ('old-admin', 'admin', 'local', now(), now())");
                s.execute("INSERT INTO audit_log (at, actor, action, outcome, target) VALUES "
                        + "(now(), 'cli:root', 'user.created', 'success', 'old-admin'), "
                        + "(now(), 'old-admin', 'auth.sign_in', 'success', 'old-admin')");
                assertThat(one(s, "SELECT count(*) FROM pg_roles WHERE rolname = 'hivemind'")).isEqualTo("0");
            }
        }

        String applicationPassword = null;
        for (int start = 1; start <= 2; start++) {
            try (Database database = Database.open(config().database())) {
                assertThat(database.migrate()).isEqualTo("7");
                try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
                    assertThat(one(s, "SELECT username FROM users")).isEqualTo("old-admin");
                    assertThat(all(s, "SELECT action FROM audit_log ORDER BY id").subList(0, 2))
                            .containsExactly("user.created", "auth.sign_in");
                }
                assertApplicationRole(database);
                int entries = 2 + start;   // the old two, and one appended by each start's check
                assertThat(AuditVerifier.verify(database.dataSource(), Optional.empty()))
                        .isInstanceOfSatisfying(AuditChain.Intact.class,
                                intact -> assertThat(intact.entries()).isEqualTo(entries));
            }
            String current = Files.readString(dataDir.resolve(EmbeddedDatabase.APPLICATION_PASSWORD_FILE));
            if (applicationPassword != null) {
                assertThat(current).as("the second start keeps the password").isEqualTo(applicationPassword);
            }
            applicationPassword = current;
        }
    }
}
