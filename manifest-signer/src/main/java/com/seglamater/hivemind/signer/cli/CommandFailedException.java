package com.seglamater.hivemind.signer.cli;

/**
 * A command failed for a reason the user can act on. {@link #exitCode()} is one of
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

    public static CommandFailedException input(String message) {
        return new CommandFailedException(ExitCode.INPUT, message);
    }

    public static CommandFailedException verification(String message) {
        return new CommandFailedException(ExitCode.VERIFICATION, message);
    }

    public static CommandFailedException refused(String message) {
        return new CommandFailedException(ExitCode.REFUSED, message);
    }

    public static CommandFailedException keyUnusable(String message) {
        return new CommandFailedException(ExitCode.KEY_UNUSABLE, message);
    }
}
