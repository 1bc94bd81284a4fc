package com.seglamater.hivemind.server.cli;

/** A command-line failure: its exit code and the one line the operator sees (no stack trace). */
public final class CommandFailure extends RuntimeException {

    private final int code;

    public CommandFailure(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
