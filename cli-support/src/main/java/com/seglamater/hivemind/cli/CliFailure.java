package com.seglamater.hivemind.cli;

/**
 * A command failed for a reason the user can act on. {@link #exitCode()} is one of the program's
 * documented exit codes; the message is printed as one line after the program's name, without a
 * stack trace unless {@code --debug} is given ({@link CliConventions}). Each program subclasses it
 * with factories for its own exit codes.
 */
public abstract class CliFailure extends Exception {

    private final int exitCode;

    protected CliFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public final int exitCode() {
        return exitCode;
    }
}
