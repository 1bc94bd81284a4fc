package com.seglamater.hivemind.agent.compose;

/**
 * The program of a command could not be started because it is not there: not on PATH, or no
 * executable file at the path given. Told apart from a missing working directory, which Java
 * reports the same way ("Cannot run program").
 */
public class ProgramNotFoundException extends ComposeException {

    private final String program;

    public ProgramNotFoundException(String program, String message, Throwable cause) {
        super(message, cause);
        this.program = program;
    }

    /** The program as the command names it ({@code docker}, {@code /usr/bin/docker}). */
    public String program() {
        return program;
    }
}
