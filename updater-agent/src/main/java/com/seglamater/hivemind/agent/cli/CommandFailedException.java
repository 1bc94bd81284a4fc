package com.seglamater.hivemind.agent.cli;

/**
 * A command failed for a reason the operator can act on. {@link #exitCode()} is one of
 * {@link ExitCode}; the message is printed as one line, without a stack trace.
 */
public final class CommandFailedException extends Exception {

    private final int exitCode;

    public CommandFailedException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CommandFailedException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static CommandFailedException usage(String message) {
        return new CommandFailedException(ExitCode.USAGE, message);
    }
}
