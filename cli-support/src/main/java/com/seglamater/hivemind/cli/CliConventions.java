package com.seglamater.hivemind.cli;

import picocli.CommandLine;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How every command-line program of Hivemind reports, so that they behave alike: output and
 * errors in UTF-8; the program's exit codes at the end of every command's help; a usage error as
 * one line that points to {@code --help}; any other failure as one line {@code PROGRAM: message}
 * with its exit code ({@link CliFailure}, or the program's {@link Classifier}), an unexpected
 * exception as an internal error, and a stack trace only with {@code --debug}. The exit codes
 * and which failure gets which stay each program's own: they are its API.
 */
public final class CliConventions {

    /**
     * @param name      what every error line starts with, e.g. {@code manifest-signer}
     * @param exitCodes code and meaning, in the order the help lists them
     * @param usage     the exit code of a usage error
     * @param internal  the exit code of an unexpected exception, a bug
     */
    public record Program(String name, Map<String, String> exitCodes, int usage, int internal) {
        public Program {
            exitCodes = Collections.unmodifiableMap(new LinkedHashMap<>(exitCodes));
        }
    }

    /** What a failure means to the user: the exit code and the line after {@code PROGRAM: }. */
    public record Outcome(int exitCode, String message) {
    }

    /** A program's exceptions other than {@link CliFailure}s that it expects; empty for a bug. */
    @FunctionalInterface
    public interface Classifier {
        Optional<Outcome> classify(Exception e);
    }

    private CliConventions() {
    }

    /** Sets {@code cli} and all its subcommands up as the class comment says, and returns it. */
    public static CommandLine apply(CommandLine cli, Program program, PrintStream out, PrintStream err,
                                    Classifier classifier) {
        cli.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cli.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> failed(program, classifier, e, cmd, parsed));
        cli.setParameterExceptionHandler((e, args) -> usageError(program, e));
        cli.setUsageHelpLongOptionsMaxWidth(30);
        addExitCodes(cli, program.exitCodes());
        return cli;
    }

    /** The line for a file problem no command anticipated: {@code cannot access FILE: reason}. */
    public static String cannotAccess(FileSystemException e) {
        return "cannot access " + e.getFile() + ": "
                + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName());
    }

    private static void addExitCodes(CommandLine cli, Map<String, String> exitCodes) {
        cli.getCommandSpec().usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(exitCodes);
        cli.getSubcommands().values().forEach(sub -> addExitCodes(sub, exitCodes));
    }

    private static int failed(Program program, Classifier classifier, Exception e, CommandLine cmd,
                              CommandLine.ParseResult parsed) {
        boolean debug = debug(parsed);
        Outcome outcome = e instanceof CliFailure failure
                ? new Outcome(failure.exitCode(), failure.getMessage())
                : classifier.classify(e).orElseGet(() -> new Outcome(program.internal(),
                        "internal error: " + e + (debug ? "" : " (run with --debug for details)")));
        PrintWriter err = cmd.getErr();
        err.println(program.name() + ": " + outcome.message());
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return outcome.exitCode();
    }

    private static int usageError(Program program, CommandLine.ParameterException e) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(program.name() + ": " + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName()
                + " --help')");
        err.flush();
        return program.usage();
    }

    /** Whether {@code --debug} was given, to the program or to any command on the line. */
    private static boolean debug(CommandLine.ParseResult result) {
        for (CommandLine.ParseResult r = result; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }
}
