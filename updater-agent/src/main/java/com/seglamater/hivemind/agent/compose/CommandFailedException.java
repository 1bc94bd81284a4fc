package com.seglamater.hivemind.agent.compose;

import java.util.List;

/** A command ran to its end and exited non-zero; callers that expect a particular failure read its stderr. */
public class CommandFailedException extends ComposeException {

    private final String command;
    private final int exitCode;
    private final List<String> stderrTail;

    public CommandFailedException(String command, int exitCode, List<String> stderrTail) {
        super(command + " failed with exit code " + exitCode + ProcessRunner.quote(stderrTail));
        this.command = command;
        this.exitCode = exitCode;
        this.stderrTail = List.copyOf(stderrTail);
    }

    public String command() {
        return command;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The last lines of its stderr, oldest first, environment values masked. */
    public List<String> stderrTail() {
        return stderrTail;
    }
}
