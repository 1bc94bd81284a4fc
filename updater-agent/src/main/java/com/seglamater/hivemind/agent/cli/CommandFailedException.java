package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.cli.CliFailure;

/**
 * A command failed for a reason the operator can act on. {@link #exitCode()} is one of
 * {@link ExitCode}; the message is printed as one line, without a stack trace.
 */
public final class CommandFailedException extends CliFailure {

    public CommandFailedException(int exitCode, String message) {
        super(exitCode, message, null);
    }

    public CommandFailedException(int exitCode, String message, Throwable cause) {
        super(exitCode, message, cause);
    }

    public static CommandFailedException usage(String message) {
        return new CommandFailedException(ExitCode.USAGE, message);
    }
}
