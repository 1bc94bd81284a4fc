package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.cli.CliFailure;

/**
 * A command failed for a reason the user can act on. {@link #exitCode()} is one of
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

    /**
     * {@code target} could not be written. The message names the file the user asked for and the
     * reason in words, never the temporary file the write went through.
     */
    public static CommandFailedException cannotWrite(java.nio.file.Path target, java.io.IOException e) {
        String why;
        if (e instanceof java.nio.file.AccessDeniedException) {
            why = "permission denied";
        } else if (e instanceof java.nio.file.NoSuchFileException) {
            java.nio.file.Path dir = target.toAbsolutePath().getParent();
            why = "directory " + dir + " does not exist";
        } else if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            why = f.getReason();
        } else {
            why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        return new CommandFailedException(ExitCode.INPUT, "cannot write " + target + ": " + why, e);
    }

    /** An output option must name a file: not a directory, not a path without a file name. */
    public static void requireFilePath(java.nio.file.Path path, String option) throws CommandFailedException {
        if (path.getFileName() == null || path.toAbsolutePath().getParent() == null) {
            throw usage(option + " " + path + " does not name a file");
        }
        if (java.nio.file.Files.isDirectory(path)) {
            throw usage(option + " " + path + " is a directory; give a file name");
        }
    }
}
