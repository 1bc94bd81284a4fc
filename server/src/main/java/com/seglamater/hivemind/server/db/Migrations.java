package com.seglamater.hivemind.server.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Applies the Flyway migrations in {@code db/migration} on the classpath, at start-up only; on a
 * schema that a previous start left migrated and validated by these very migrations, with its
 * history unchanged since, it skips Flyway ({@link MigrationStamp} says why that is safe).
 */
public final class Migrations {

    private static final Logger LOG = Logger.getLogger(Migrations.class.getName());

    private Migrations() {
    }

    /** What {@link #run} did: the schema's version afterwards, and whether Flyway ran. */
    record Outcome(String version, boolean flywayRan) {
    }

    /** Migrates the schema and returns its version afterwards (for /health). */
    public static String migrate(DataSource dataSource) {
        return run(dataSource).version();
    }

    /**
     * As {@link #migrate(DataSource)}, with the fingerprint of the bundled migrations from
     * {@link #fingerprintInBackground()}, begun before the database was opened.
     */
    public static String migrate(DataSource dataSource, Future<Optional<String>> fingerprint) {
        return run(dataSource, fingerprint).version();
    }

    /**
     * Starts reading and hashing the bundled migrations on a thread of its own: pure work on the
     * class path (0.05 s or so at a cold start), done while the database connects (issue 15).
     */
    public static Future<Optional<String>> fingerprintInBackground() {
        return CompletableFuture.supplyAsync(MigrationStamp::bundleFingerprint, task -> {
            Thread thread = new Thread(task, "hivemind-migrations-fingerprint");
            thread.setDaemon(true);
            thread.start();
        });
    }

    static Outcome run(DataSource dataSource) {
        return run(dataSource, CompletableFuture.completedFuture(MigrationStamp.bundleFingerprint()));
    }

    static Outcome run(DataSource dataSource, Future<Optional<String>> pending) {
        Optional<String> fingerprint;
        try {
            fingerprint = pending.get();
        } catch (ExecutionException e) {
            fingerprint = Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fingerprint = Optional.empty();
        }
        if (fingerprint.isPresent()) {
            try (Connection c = dataSource.getConnection()) {
                Optional<String> verified = MigrationStamp.verifiedVersion(c, fingerprint.get());
                if (verified.isPresent()) {
                    LOG.info(() -> "database schema at version " + verified.get() + " (up to date: the same migrations "
                            + "and schema history that Flyway last validated, so Flyway was not run)");
                    return new Outcome(verified.get(), false);
                }
            } catch (SQLException e) {
                // Flyway, next, meets the same database and reports what is wrong in its own words.
                LOG.log(Level.FINE, "cannot read the schema history's stamp; running Flyway", e);
            }
        } else {
            LOG.fine("cannot list the migrations on the class path; running Flyway");
        }
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:" + MigrationStamp.LOCATION)
                .load()
                .migrate();
        String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
        LOG.info(() -> "database schema at version " + version + " (" + result.migrationsExecuted + " migration(s) applied now)");
        if (fingerprint.isPresent() && version != null) {
            try (Connection c = dataSource.getConnection()) {
                MigrationStamp.stamp(c, fingerprint.get(), version);
            } catch (SQLException e) {
                LOG.warning(() -> "cannot stamp the schema history (" + e.getMessage() + "): the next start runs Flyway "
                        + "in full again, which is slower but as safe");
            }
        }
        return new Outcome(version, true);
    }
}
