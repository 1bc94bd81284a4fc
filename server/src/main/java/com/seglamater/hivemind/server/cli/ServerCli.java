package com.seglamater.hivemind.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The command line of {@code hivemind-server}: without a command it serves (see {@link Serve}),
 * with one it manages accounts ({@code users}) or checks the audit log ({@code audit}). Every
 * command has {@code --help} and {@code --version} and lists its exit codes in its help;
 * {@code help COMMAND} shows a command's help.
 */
public final class ServerCli {

    /** Returned by the root command when the server started: the process keeps running. */
    public static final int RUNNING = Integer.MIN_VALUE;
    public static final int START_FAILED = 1;
    public static final int USAGE = 2;
    static final String PROGRAM = "hivemind-server";

    private ServerCli() {
    }

    /** Starts the server with the configuration file given (if any); returns an exit code or {@link #RUNNING}. */
    @FunctionalInterface
    public interface Serve {
        int serve(Optional<String> envFile);
    }

    /** For callers that run commands only: asked to serve, it refuses. */
    static final Serve NOT_SERVING = envFile -> {
        throw new CommandFailure(USAGE, "a command is required here (users, audit)");
    };

    /** The version {@code --version} prints: the jar's. */
    public static final class Version implements CommandLine.IVersionProvider {
        static Supplier<String> source = () -> "dev";

        @Override
        public String[] getVersion() {
            return new String[] {PROGRAM + " " + source.get()};
        }
    }

    /** Whether {@code args} ask for a command (or help) rather than for the server to run. */
    public static boolean isCommand(String[] args) {
        if (args.length == 0) {
            return false;
        }
        return switch (args[0]) {
            case "users", "audit", "help", "-h", "--help", "-V", "--version" -> true;
            default -> false;
        };
    }

    /**
     * Runs the command line and returns the exit code, or {@link #RUNNING} when the server now
     * runs. {@code version}: what {@code --version} prints after the program's name.
     */
    public static int run(String[] args, Map<String, String> env, InputStream stdin, PrintWriter out, PrintWriter err,
                          UsersCli.Prompt prompt, Clock clock, String version, Serve serve) {
        Version.source = () -> version;
        if (args.length == 0) {
            // What the root command does without arguments, without building the command line: the
            // server's start (issue 15) would spend 0.1-0.3 s on picocli's models of every command.
            try {
                return serve.serve(Optional.empty());
            } catch (RuntimeException e) {
                int code = Commands.failed(e, new Commands.Group(PROGRAM, START_FAILED), err);
                err.flush();
                return code;
            }
        }
        CommandLine root = new CommandLine(new Root(serve));
        root.addSubcommand("help", new CommandLine.HelpCommand());
        root.addSubcommand("users", UsersCli.commandLine(env, stdin, out, err, prompt, clock));
        root.addSubcommand("audit", AuditCli.commandLine(env, out));
        Commands.configure(root, out, err, USAGE, new Commands.Group(PROGRAM, START_FAILED), Map.of(
                "users", new Commands.Group(UsersCli.PROGRAM, UsersCli.DATABASE),
                "audit", new Commands.Group(AuditCli.PROGRAM, AuditCli.DATABASE)));
        return Commands.executeAll(root, args, out, err);
    }

    @Command(name = PROGRAM, mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = {"The Hivemind server: web UI, JSON API, /health and the admin socket for the updater.",
                    "Without a command it runs until stopped (SIGTERM); its settings come from the environment "
                            + "and --env-file (docs/operators.md, compose/.env.example)."},
            synopsisSubcommandLabel = "[COMMAND]",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:stopped (SIGTERM) or help shown",
                    "1:the server could not start (an address in use, the database unreachable or in use)",
                    "2:configuration or usage error (one line naming the setting)"},
            footerHeading = "%nCommands' own exit codes are in their help: hivemind-server help users%n")
    static final class Root implements Callable<Integer> {

        @Option(names = "--env-file", paramLabel = "FILE",
                description = "Read settings from FILE (KEY=VALUE lines, as compose's .env); the environment wins.")
        String envFile;

        private final Serve serve;

        Root(Serve serve) {
            this.serve = serve;
        }

        @Override
        public Integer call() {
            return serve.serve(Optional.ofNullable(envFile));
        }
    }
}
