package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.ops.OperationResult;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exit codes of {@code hivemind-updater}. They are API: systemd units, cron jobs and scripts
 * branch on them, and every command prints them in its {@code --help}.
 */
public final class ExitCode {

    /** Done, including "up to date", "no release yet" and "waiting for approval". */
    public static final int OK = 0;
    /** The operation ran and failed: update rolled back, statement rejected, backup or restore failed. */
    public static final int FAILED = 1;
    /** Bad option or argument, or a bad configuration value (the message names the variable). */
    public static final int USAGE = 2;
    /** Another agent holds the lock and no daemon answers to take the request, or an update is running. */
    public static final int BUSY = 3;
    /** The server or the release host could not be reached. */
    public static final int UNREACHABLE = 4;
    /** A bug: an unexpected exception (stack trace with {@code --debug}). */
    public static final int INTERNAL = 5;

    private ExitCode() {
    }

    /** The one mapping from an operation's outcome to the process's exit code. */
    public static int of(OperationResult result) {
        return switch (result.code()) {
            case BUSY -> ExitCode.BUSY;
            case UNREACHABLE -> ExitCode.UNREACHABLE;
            // The daemon could not read what this CLI sent, or broke its contract: a bug either way.
            case BAD_REQUEST, INTERNAL_ERROR -> ExitCode.INTERNAL;
            default -> result.success() ? OK : FAILED;
        };
    }

    /** The list printed in every command's help footer. */
    public static Map<String, String> descriptions() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "success (also: up to date, no release yet, waiting for approval)");
        codes.put("1", "operation failed: update rolled back, statement rejected, backup or restore failed");
        codes.put("2", "usage or configuration error: bad option or argument, bad variable value");
        codes.put("3", "busy: another updater holds the agent lock and no daemon answers, or an update is running");
        codes.put("4", "unreachable: the server or the release host");
        codes.put("5", "internal error");
        return codes;
    }
}
