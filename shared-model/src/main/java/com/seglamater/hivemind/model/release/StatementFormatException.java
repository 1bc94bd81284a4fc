package com.seglamater.hivemind.model.release;

/** The bytes are not a well-formed release statement; the message says precisely why. */
public final class StatementFormatException extends Exception {

    public StatementFormatException(String message) {
        super(message);
    }
}
