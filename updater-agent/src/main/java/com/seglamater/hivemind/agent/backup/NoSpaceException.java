package com.seglamater.hivemind.agent.backup;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The backup directory has no room for a dump: refused before dumping ({@link Backups#ensureRoom}),
 * or the disk filled up while dumping. Nothing was left behind in the directory.
 */
public final class NoSpaceException extends BackupException {

    private final Path directory;
    private final long usable;

    NoSpaceException(Path directory, long usable, String message) {
        super(message);
        this.directory = Objects.requireNonNull(directory, "directory");
        this.usable = usable;
    }

    NoSpaceException(Path directory, long usable, String message, Throwable cause) {
        super(message, cause);
        this.directory = Objects.requireNonNull(directory, "directory");
        this.usable = usable;
    }

    /** The backup directory. */
    public Path directory() {
        return directory;
    }

    /** Bytes free there when the failure was seen; -1 when it could not be measured. */
    public long usable() {
        return usable;
    }
}
