package com.seglamater.hivemind.server.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Start-up's shortcut past Flyway on a schema that is already up to date (issue 15: Flyway's own
 * start costs 0.3–0.8 s even when there is nothing to do, most of the server's start).
 * <p>
 * Whether Flyway would do anything depends only on three things: Flyway with its configuration
 * (this jar's classes), the migrations it resolves ({@value #LOCATION} on the class path), and the
 * rows of its schema history table. After Flyway has migrated and validated successfully, the
 * server stamps the history table, as a {@code COMMENT ON TABLE}, with a SHA-256 over (1) the
 * {@linkplain #bundleFingerprint fingerprint} of Flyway's version, {@link Migrations}' class (its
 * configuration) and every resource under {@value #LOCATION}, names and bytes, (2) a digest of
 * every history row (rank, version, description, type, script, checksum, success), and (3) the
 * schema version Flyway reported. At the next start, one query reads the comment and digests the
 * history again: only when the stamp computed now equals the stored one, so that the same
 * migrations meet the same history that a full Flyway run has already found valid and complete,
 * does the server skip Flyway and take the version from the stamp. Anything else (a migration
 * added or edited, another Flyway, a row added, removed or changed by anyone, a failed row, no
 * stamp, a stamp it cannot read, a class path it cannot list) means the full migrate and
 * validate, as before.
 * <p>
 * Limits, on purpose: like Flyway's own validation, the stamp says nothing about the schema's
 * objects themselves (a table dropped by hand goes unnoticed by both). Two servers of different
 * versions migrating one database at the same moment are not supported anyway; should it happen,
 * a stamp could certify a history row written by the other server after this one's Flyway
 * finished, which is a migration newer than this server's, and Flyway ignores those by default
 * ({@code ignoreMigrationPatterns=*:future}), so its outcome is the same. A backup restored with
 * {@code pg_dump}/{@code psql} carries the comment with the rows it certifies.
 */
final class MigrationStamp {

    /** Where Flyway finds the migrations ({@link Migrations}). */
    static final String LOCATION = "db/migration";
    static final String TABLE = "flyway_schema_history";
    private static final String PREFIX = "hivemind: migrated and validated by Flyway, schema version ";

    private MigrationStamp() {
    }

    /**
     * The fingerprint of what Flyway would resolve and how, or empty when the class path cannot be
     * listed (then there is no shortcut).
     */
    static Optional<String> bundleFingerprint() {
        ClassLoader loader = MigrationStamp.class.getClassLoader();
        MessageDigest digest = sha256();
        try {
            update(digest, "flyway", read(loader, "org/flywaydb/core/internal/version.txt"));
            update(digest, "flyway-postgresql",
                    read(loader, "META-INF/maven/org.flywaydb/flyway-database-postgresql/pom.properties"));
            update(digest, "configuration", read(loader, Migrations.class.getName().replace('.', '/') + ".class"));
            Map<String, byte[]> files = new TreeMap<>();
            for (URL url : Collections.list(loader.getResources(LOCATION))) {
                if (!list(url, files)) {
                    return Optional.empty();
                }
            }
            if (files.isEmpty()) {
                return Optional.empty();
            }
            files.forEach((name, bytes) -> update(digest, name, bytes));
        } catch (IOException | UncheckedIOException | URISyntaxException e) {
            return Optional.empty();
        }
        return Optional.of(HexFormat.of().formatHex(digest.digest()));
    }

    /**
     * Adds every file under the location at {@code url} to {@code files}, by its name below the
     * location; false for a kind of URL it cannot list, or a name already there from another class
     * path entry (Flyway, not this shortcut, should have its say about such duplicates).
     */
    private static boolean list(URL url, Map<String, byte[]> files) throws IOException, URISyntaxException {
        switch (url.getProtocol()) {
            case "file" -> {
                Path root = Paths.get(url.toURI());
                try (Stream<Path> walk = Files.walk(root)) {
                    for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                        if (files.putIfAbsent(root.relativize(file).toString().replace('\\', '/'),
                                Files.readAllBytes(file)) != null) {
                            return false;
                        }
                    }
                }
                return true;
            }
            case "jar" -> {
                JarURLConnection connection = (JarURLConnection) url.openConnection();
                connection.setUseCaches(false);
                String prefix = LOCATION + "/";
                try (JarFile jar = connection.getJarFile()) {
                    for (JarEntry entry : Collections.list(jar.entries())) {
                        if (!entry.isDirectory() && entry.getName().startsWith(prefix)) {
                            try (InputStream in = jar.getInputStream(entry)) {
                                if (files.putIfAbsent(entry.getName().substring(prefix.length()), in.readAllBytes()) != null) {
                                    return false;
                                }
                            }
                        }
                    }
                }
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /**
     * The schema version, when the history table carries the stamp that these migrations and its
     * rows call for now; empty otherwise (the full Flyway run is then due).
     */
    static Optional<String> verifiedVersion(Connection c, String fingerprint) throws SQLException {
        Optional<History> history = history(c);
        if (history.isEmpty() || history.get().comment() == null || !history.get().comment().startsWith(PREFIX)) {
            return Optional.empty();
        }
        String rest = history.get().comment().substring(PREFIX.length());
        int space = rest.indexOf(' ');
        if (space <= 0) {
            return Optional.empty();
        }
        String version = rest.substring(0, space);
        // Belt and braces beyond the digest: a failed row, or a newest version other than the
        // stamped one (a row another server wrote after the stamp was computed), means Flyway.
        if (!history.get().allSucceeded() || !version.equals(history.get().newestVersion())) {
            return Optional.empty();
        }
        return history.get().comment().equals(stamp(fingerprint, history.get().rows(), version))
                ? Optional.of(version) : Optional.empty();
    }

    /** Stamps the history table after a successful Flyway run that left the schema at {@code version}. */
    static void stamp(Connection c, String fingerprint, String version) throws SQLException {
        Optional<History> history = history(c);
        if (history.isEmpty()) {
            throw new SQLException("no " + TABLE + " in the current schema after migrating");
        }
        if (!history.get().allSucceeded() || !version.equals(history.get().newestVersion())) {
            return; // not a state to vouch for: the next start runs Flyway, which says what is wrong
        }
        try (Statement s = c.createStatement()) {
            // COMMENT takes no bind parameters; the stamp is made of our prefix, a version and hex.
            s.execute("COMMENT ON TABLE " + history.get().table() + " IS '"
                    + stamp(fingerprint, history.get().rows(), version).replace("'", "''") + "'");
        }
    }

    /**
     * @param rows          the digest of every row
     * @param allSucceeded  no row records a failed migration
     * @param newestVersion the version of the last successful versioned migration (null: none)
     */
    private record History(String table, String comment, String rows, boolean allSucceeded, String newestVersion) {
    }

    /** The history table of the current schema (where Flyway keeps it), its comment and its rows' digest. */
    private static Optional<History> history(Connection c) throws SQLException {
        String table;
        String comment;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT t::text, obj_description(t, 'pg_class') FROM to_regclass(quote_ident(current_schema()) || '.' || ?) t")) {
            s.setString(1, TABLE);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next() || r.getString(1) == null) {
                    return Optional.empty();
                }
                table = r.getString(1);
                comment = r.getString(2);
            }
        }
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT encode(sha256(convert_to(coalesce(string_agg(concat_ws(' | ', installed_rank,"
                     + " quote_nullable(version), quote_nullable(description), quote_nullable(type), quote_nullable(script),"
                     + " quote_nullable(checksum), success), E'\\n' ORDER BY installed_rank), ''), 'UTF8')), 'hex'),"
                     + " coalesce(bool_and(success), true),"
                     + " (array_agg(version ORDER BY installed_rank DESC) FILTER (WHERE version IS NOT NULL AND success))[1]"
                     + " FROM " + table)) {
            r.next();
            return Optional.of(new History(table, comment, r.getString(1), r.getBoolean(2), r.getString(3)));
        }
    }

    static String stamp(String fingerprint, String rows, String version) {
        MessageDigest digest = sha256();
        update(digest, "bundle", fingerprint.getBytes(StandardCharsets.UTF_8));
        update(digest, "history", rows.getBytes(StandardCharsets.UTF_8));
        update(digest, "version", version.getBytes(StandardCharsets.UTF_8));
        return PREFIX + version + " " + HexFormat.of().formatHex(digest.digest());
    }

    private static byte[] read(ClassLoader loader, String resource) throws IOException {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in == null ? new byte[0] : in.readAllBytes();
        }
    }

    /** Length-prefixed, so that no two different inputs digest alike. */
    private static void update(MessageDigest digest, String name, byte[] bytes) {
        byte[] label = name.getBytes(StandardCharsets.UTF_8);
        digest.update(Integer.toString(label.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(label);
        digest.update(Long.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
