package com.seglamater.hivemind.server.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded PostgreSQL holds real data on a shared host: no local user may get in without
 * the password file, and a cluster made by the library's trusting defaults is locked down.
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
            try (Connection c = DriverManager.getConnection(url, "postgres", database.password());
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('still here')");
            }
        }
        assertThat(EmbeddedDatabase.trustsAnyone(dataDir.resolve("postgres"))).isFalse();
        try (EmbeddedDatabase again = EmbeddedDatabase.start(dataDir);
             Connection c = DriverManager.getConnection(again.jdbcUrl(), "postgres", again.password());
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
            try (Connection c = DriverManager.getConnection(database.jdbcUrl(), "postgres", database.password())) {
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
}
