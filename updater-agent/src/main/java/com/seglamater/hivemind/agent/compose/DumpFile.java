package com.seglamater.hivemind.agent.compose;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a database dump looks like from outside: {@code pg_dump --format=custom} starts every
 * archive with the bytes {@code PGDMP}. Checked after a dump (an empty or foreign file is not a
 * backup) and before a restore (pg_restore must not be fed an arbitrary file).
 */
public final class DumpFile {

    public static final String MAGIC = "PGDMP";
    private static final byte[] MAGIC_BYTES = MAGIC.getBytes(StandardCharsets.US_ASCII);

    private DumpFile() {
    }

    /** Why {@code file} is not a usable dump, or empty when it starts like one. */
    public static Optional<String> problem(Path file) {
        if (!Files.exists(file)) {
            return Optional.of(file + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            return Optional.of(file + " is not a regular file");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(MAGIC_BYTES.length);
        } catch (IOException e) {
            return Optional.of(file + " cannot be read: " + e.getMessage());
        }
        if (head.length == 0) {
            return Optional.of(file + " is empty");
        }
        if (!Arrays.equals(head, MAGIC_BYTES)) {
            return Optional.of(file + " is not a PostgreSQL custom-format dump (it does not start with " + MAGIC + ")");
        }
        return Optional.empty();
    }
}
