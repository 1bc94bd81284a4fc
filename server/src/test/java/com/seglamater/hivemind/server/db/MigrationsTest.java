package com.seglamater.hivemind.server.db;

import com.seglamater.hivemind.server.testing.TestDatabase;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Flyway is skipped only on the history it last validated, with the same migrations: every
 * other history gets the full migrate and validate. On the machine's PostgreSQL.
 */
class MigrationsTest {

    private TestDatabase database;
    private PGSimpleDataSource source;

    @BeforeEach
    void create() throws Exception {
        database = TestDatabase.create();
        source = new PGSimpleDataSource();
        source.setUrl(database.jdbcUrl());
        source.setUser(TestDatabase.ADMIN_USER);
    }

    @AfterEach
    void drop() throws Exception {
        database.close();
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private String latestVersion() throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT version FROM flyway_schema_history WHERE version IS NOT NULL "
                     + "ORDER BY installed_rank DESC LIMIT 1")) {
            r.next();
            return r.getString(1);
        }
    }

    @Test
    void skipsFlywayOnTheHistoryItLastValidatedWithTheSameMigrations() throws Exception {
        Migrations.Outcome first = Migrations.run(source);
        assertThat(first.flywayRan()).isTrue();
        assertThat(first.version()).isEqualTo(latestVersion());

        Migrations.Outcome second = Migrations.run(source);
        assertThat(second).isEqualTo(new Migrations.Outcome(first.version(), false));
        assertThat(Migrations.run(source).flywayRan()).as("the shortcut leaves the stamp as it was").isFalse();
    }

    @Test
    void runsFlywayWhenMigrationsArePendingAndStampsTheResult() throws Exception {
        Flyway.configure().dataSource(source).locations("classpath:db/migration").target("5").load().migrate();
        // An older release's valid stamp, made with its own (fewer) migrations when it left the
        // schema at 5: this release's bundle differs and has more to apply.
        try (var c = source.getConnection()) {
            MigrationStamp.stamp(c, "an older release's bundle", "5");
            assertThat(MigrationStamp.verifiedVersion(c, "an older release's bundle")).as("valid for that release").hasValue("5");
        }
        Migrations.Outcome upgraded = Migrations.run(source);
        assertThat(upgraded.flywayRan()).isTrue();
        assertThat(upgraded.version()).isEqualTo(latestVersion()).isNotEqualTo("5");
        assertThat(Migrations.run(source).flywayRan()).isFalse();
    }

    @Test
    void runsFlywayWhenTheHistoryChangedSinceItsStamp() throws Exception {
        Migrations.run(source);
        // An edited checksum is what an edited migration looks like to Flyway: it must fail, not be skipped.
        sql("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE installed_rank = 2");
        assertThatThrownBy(() -> Migrations.run(source)).isInstanceOf(FlywayException.class)
                .hasMessageContaining("checksum");
    }

    @Test
    void runsFlywayWhenAFailedMigrationIsRecorded() throws Exception {
        Migrations.run(source);
        sql("UPDATE flyway_schema_history SET success = false WHERE installed_rank = (SELECT max(installed_rank) "
                + "FROM flyway_schema_history)");
        assertThatThrownBy(() -> Migrations.run(source)).isInstanceOf(FlywayException.class);
    }

    @Test
    void aHistoryWithAFailedRowIsNeverVouchedFor() throws Exception {
        Migrations.run(source);
        String latest = latestVersion();
        // Another server's failed migration, recorded before this one computes its stamp.
        sql("UPDATE flyway_schema_history SET success = false WHERE installed_rank = (SELECT max(installed_rank) "
                + "FROM flyway_schema_history)");
        try (var c = source.getConnection()) {
            MigrationStamp.stamp(c, "this bundle", latest);
            assertThat(MigrationStamp.verifiedVersion(c, "this bundle")).isEmpty();
        }
    }

    @Test
    void runsFlywayWhenTheStampIsMissingOrForged() throws Exception {
        Migrations.run(source);
        sql("COMMENT ON TABLE flyway_schema_history IS NULL");
        assertThat(Migrations.run(source).flywayRan()).isTrue();

        String stamp;
        try (Connection c = database.connect(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT obj_description('flyway_schema_history'::regclass, 'pg_class')")) {
            r.next();
            stamp = r.getString(1);
        }
        // The version is part of what the digest covers: a stamp naming another version is no stamp.
        sql("COMMENT ON TABLE flyway_schema_history IS '" + stamp.replace(" version " + latestVersion() + " ", " version 99 ")
                + "'");
        Migrations.Outcome outcome = Migrations.run(source);
        assertThat(outcome.flywayRan()).isTrue();
        assertThat(outcome.version()).isEqualTo(latestVersion());
    }

    @Test
    void runsFlywayWhenARowWasRemoved() throws Exception {
        Migrations.run(source);
        sql("DELETE FROM flyway_schema_history WHERE installed_rank = (SELECT max(installed_rank) FROM flyway_schema_history)");
        // Flyway sees the last migration as pending again and applies it, which fails on the objects it made.
        assertThatThrownBy(() -> Migrations.run(source)).isInstanceOf(FlywayException.class);
    }

    @Test
    void theBundleFingerprintCoversTheMigrationsOnTheClassPath() {
        assertThat(MigrationStamp.bundleFingerprint()).get().asString().hasSize(64);
        assertThat(MigrationStamp.stamp("a", "b", "7")).isNotEqualTo(MigrationStamp.stamp("a", "c", "7"))
                .isNotEqualTo(MigrationStamp.stamp("b", "b", "7")).isNotEqualTo(MigrationStamp.stamp("a", "b", "8"));
    }
}
