package com.seglamater.hivemind.agent.backup;

/** A database backup or restore failed; the message says what and where, for the operator. */
public class BackupException extends Exception {

    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
