package com.seglamater.hivemind.model.files;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Secrets and state kept in files (the admin-socket token, the embedded database's password,
 * the updater's state): written with {@link AtomicFile}, 0600 from the temp file's creation,
 * so they are never readable by others, not even briefly, and never half written.
 */
public final class PrivateFile {

    private PrivateFile() {
    }

    /** The directory must exist. */
    public static void write(Path file, byte[] content) throws IOException {
        AtomicFile.write(file, content, AtomicFile.OWNER_ONLY);
    }
}
