package com.seglamater.hivemind.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The schema version the server's migrations reach: the highest {@code V<n>__*.sql} in the module's sources. */
public final class Schema {

    private static final Path MIGRATIONS = Path.of("src", "main", "resources", "db", "migration");
    private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.+\\.sql");

    private Schema() {
    }

    public static String latestVersion() {
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            return Integer.toString(files.map(f -> VERSIONED.matcher(f.getFileName().toString()))
                    .filter(Matcher::matches).mapToInt(m -> Integer.parseInt(m.group(1))).max()
                    .orElseThrow(() -> new AssertionError("no migrations in " + MIGRATIONS.toAbsolutePath())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many migrations there are (all apply on an empty database). */
    public static long count() {
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            return files.filter(f -> VERSIONED.matcher(f.getFileName().toString()).matches()).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
