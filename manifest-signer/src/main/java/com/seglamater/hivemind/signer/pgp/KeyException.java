package com.seglamater.hivemind.signer.pgp;

/** A secret key cannot be used: wrong passphrase, no usable signing key, damaged file. */
public final class KeyException extends Exception {

    public KeyException(String message) {
        super(message);
    }

    public KeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
