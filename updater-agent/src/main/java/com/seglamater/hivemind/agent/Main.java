package com.seglamater.hivemind.agent;

import com.seglamater.hivemind.cli.CliConventions;
import com.seglamater.hivemind.model.logging.Logging;
import com.seglamater.hivemind.agent.cli.AgentBusyException;
import com.seglamater.hivemind.agent.cli.AgentFactory;
import com.seglamater.hivemind.agent.cli.BackupCommand;
import com.seglamater.hivemind.agent.cli.ChannelCommand;
import com.seglamater.hivemind.agent.cli.CheckCommand;
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

import java.io.PrintStream;
import java.nio.file.FileSystemException;
import java.util.Map;
import java.util.Optional;

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
        return CliConventions.apply(cli, PROGRAM, ctx.out(), ctx.err(), Main::classify);
    }

    private static final CliConventions.Program PROGRAM = new CliConventions.Program(NAME, ExitCode.descriptions(),
            ExitCode.USAGE, ExitCode.INTERNAL);

    /** The agent's failures besides its {@code CommandFailedException}s, which CliConventions prints itself. */
    private static Optional<CliConventions.Outcome> classify(Exception e) {
        return Optional.ofNullable(switch (e) {
            // "VARIABLE: problem": the one line that names what to fix.
            case ConfigException config -> new CliConventions.Outcome(ExitCode.USAGE, config.getMessage());
            case AgentBusyException busy -> new CliConventions.Outcome(ExitCode.BUSY, busy.getMessage());
            case StateException state -> new CliConventions.Outcome(ExitCode.FAILED, state.getMessage());
            case FileSystemException io -> new CliConventions.Outcome(ExitCode.FAILED, CliConventions.cannotAccess(io));
            default -> null;
        });
    }
}
