package com.seglamater.hivemind.agent.compose;

import java.util.List;

/**
 * A command ran to its end and exited non-zero. The message is the command in short and the
 * stderr lines that say why ({@code docker compose exec hivemind-db psql … failed (exit 1):
 * service "hivemind-db" is not running}); callers that expect a particular failure read
 * {@link #stderrTail()}.
 */
public class CommandFailedException extends ComposeException {

    private final String command;
    private final int exitCode;
    private final List<String> stderrTail;

    /**
     * @param command    the command as messages show it ({@link Invocation#display()})
     * @param stderrTail the last lines of its stderr, environment values masked
     */
    public CommandFailedException(String command, int exitCode, List<String> stderrTail) {
        super(command + " failed (exit " + exitCode + ")" + StderrCause.suffix(stderrTail));
        this.command = command;
        this.exitCode = exitCode;
        this.stderrTail = List.copyOf(stderrTail);
    }

    /** The command as messages show it: long arguments abbreviated. */
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
