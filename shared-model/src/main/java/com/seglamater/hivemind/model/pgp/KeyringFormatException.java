package com.seglamater.hivemind.model.pgp;

/** Input that should be OpenPGP keys or signatures is not; the message says what was found instead. */
public final class KeyringFormatException extends Exception {

    public KeyringFormatException(String message) {
        super(message);
    }

    public KeyringFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
