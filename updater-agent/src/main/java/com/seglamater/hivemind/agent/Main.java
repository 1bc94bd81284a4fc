package com.seglamater.hivemind.agent;

import com.seglamater.hivemind.model.logging.Logging;
import com.seglamater.hivemind.agent.cli.AgentBusyException;
import com.seglamater.hivemind.agent.cli.AgentFactory;
import com.seglamater.hivemind.agent.cli.BackupCommand;
import com.seglamater.hivemind.agent.cli.ChannelCommand;
import com.seglamater.hivemind.agent.cli.CheckCommand;
import com.seglamater.hivemind.agent.cli.CommandFailedException;
import com.seglamater.hivemind.agent.cli.Context;
import com.seglamater.hivemind.agent.cli.ExitCode;
import com.seglamater.hivemind.agent.cli.HandoffCommand;
import com.seglamater.hivemind.agent.cli.RestoreCommand;
import com.seglamater.hivemind.agent.cli.RollbackCommand;
import com.seglamater.hivemind.agent.cli.RootCommand;
import com.seglamater.hivemind.agent.cli.RunCommand;
import com.seglamater.hivemind.agent.cli.StatusCommand;
import com.seglamater.hivemind.agent.state.StateException;
import com.seglamater.hivemind.model.config.ConfigException;
import picocli.CommandLine;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.util.Map;

/** {@code hivemind-updater}: the agent's daemon and CLI. Wires the commands by hand and maps failures to exit codes. */
public final class Main {

    private static final String NAME = RootCommand.NAME;

    private Main() {
    }

    public static void main(String[] args) {
        // The daemon logs its work at INFO on stdout (the container's log); commands print their
        // result on stdout and log only warnings, on stderr.
        if (isDaemon(args)) {
            Logging.init();
        } else {
            Logging.initForCli();
        }
        System.exit(run(System.out, System.err, System.getenv(), new ProductionAgents(), args));
    }

    /** Whether the command is {@code run} or {@code handoff}: the first word that is not an option or its value. */
    static boolean isDaemon(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--env-file")) {
                i++;
            } else if (!args[i].startsWith("-")) {
                return args[i].equals("run") || args[i].equals("handoff");
            }
        }
        return false;
    }

    /** Runs one command line; tests give their own streams, environment and agents. */
    public static int run(PrintStream out, PrintStream err, Map<String, String> env, AgentFactory agents,
                          String... args) {
        Context ctx = new Context(out, err, env, agents);
        int code = commandLine(ctx).execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static CommandLine commandLine(Context ctx) {
        CommandLine cli = new CommandLine(new RootCommand(ctx))
                .addSubcommand(new RunCommand(ctx))
                .addSubcommand(new CheckCommand(ctx))
                .addSubcommand(new StatusCommand(ctx))
                .addSubcommand(new ChannelCommand(ctx))
                .addSubcommand(new RollbackCommand(ctx))
                .addSubcommand(new BackupCommand(ctx))
                .addSubcommand(new RestoreCommand(ctx))
                .addSubcommand(new HandoffCommand(ctx));
        cli.setOut(new PrintWriter(new OutputStreamWriter(ctx.out(), StandardCharsets.UTF_8), true));
        cli.setErr(new PrintWriter(new OutputStreamWriter(ctx.err(), StandardCharsets.UTF_8), true));
        cli.setExecutionExceptionHandler(Main::executionFailed);
        cli.setParameterExceptionHandler(Main::usageError);
        cli.setUsageHelpLongOptionsMaxWidth(30);
        addExitCodes(cli);
        return cli;
    }

    private static void addExitCodes(CommandLine cli) {
        cli.getCommandSpec().usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(ExitCode.descriptions());
        cli.getSubcommands().values().forEach(Main::addExitCodes);
    }

    /** One line on stderr, the exit code of the failure; a stack trace only with {@code --debug}. */
    private static int executionFailed(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        int code;
        String message;
        switch (e) {
            case CommandFailedException failure -> {
                code = failure.exitCode();
                message = failure.getMessage();
            }
            // "VARIABLE: problem": the one line that names what to fix.
            case ConfigException config -> {
                code = ExitCode.USAGE;
                message = config.getMessage();
            }
            case AgentBusyException busy -> {
                code = ExitCode.BUSY;
                message = busy.getMessage();
            }
            case StateException state -> {
                code = ExitCode.FAILED;
                message = state.getMessage();
            }
            case FileSystemException io -> {
                code = ExitCode.FAILED;
                message = "cannot access " + io.getFile() + ": "
                        + (io.getReason() != null ? io.getReason() : io.getClass().getSimpleName());
            }
            default -> {
                code = ExitCode.INTERNAL;
                message = "internal error: " + e + (debug(parseResult) ? "" : " (run with --debug for details)");
            }
        }
        err.println(NAME + ": " + message);
        if (debug(parseResult)) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(NAME + ": " + e.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
        err.flush();
        return ExitCode.USAGE;
    }

    private static boolean debug(CommandLine.ParseResult result) {
        for (CommandLine.ParseResult r = result; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }
}
