package com.seglamater.hivemind.signer;

import com.seglamater.hivemind.model.version.JarVersion;
import com.seglamater.hivemind.signer.cli.CommandFailedException;
import com.seglamater.hivemind.signer.cli.Context;
import com.seglamater.hivemind.signer.cli.ExitCode;
import com.seglamater.hivemind.signer.cli.ExportCommand;
import com.seglamater.hivemind.signer.cli.KeygenCommand;
import com.seglamater.hivemind.signer.cli.KeyringAddCommand;
import com.seglamater.hivemind.signer.cli.KeyringCommand;
import com.seglamater.hivemind.signer.cli.KeyringListCommand;
import com.seglamater.hivemind.signer.cli.KeyringRemoveCommand;
import com.seglamater.hivemind.signer.cli.KeyringRevokeCommand;
import com.seglamater.hivemind.signer.cli.PromoteCommand;
import com.seglamater.hivemind.signer.cli.PublishCommand;
import com.seglamater.hivemind.signer.cli.RefreshCommand;
import com.seglamater.hivemind.signer.cli.SignCommand;
import com.seglamater.hivemind.signer.cli.StatusCommand;
import com.seglamater.hivemind.signer.cli.Terminal;
import com.seglamater.hivemind.signer.cli.VerifyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.io.OutputStreamWriter;

/** {@code manifest-signer}: the release team's CLI. Wires the commands by hand and maps failures to exit codes. */
public final class Main {

    static final String NAME = "manifest-signer";

    @Command(name = NAME, mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Keys, keyring, signatures and the release tree of Hivemind (see docs/release-team.md).",
            synopsisSubcommandLabel = "COMMAND")
    static final class Root implements Runnable {

        @Option(names = "--debug", scope = ScopeType.INHERIT,
                description = "Print the stack trace of an error (never includes passphrases).")
        boolean debug;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {NAME + " " + JarVersion.of(Main.class)};
        }
    }

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, Clock.systemUTC(), System.getenv(), Terminal.system(), args));
    }

    /** Runs one command line with no console (what tests and scripts without a terminal get). */
    public static int run(PrintStream out, PrintStream err, Clock clock, Map<String, String> env, String... args) {
        return run(out, err, clock, env, Optional.empty(), args);
    }

    public static int run(PrintStream out, PrintStream err, Clock clock, Map<String, String> env,
                          Optional<Terminal> terminal, String... args) {
        Context ctx = new Context(out, err, clock, env, terminal);
        CommandLine cli = commandLine(ctx);
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static CommandLine commandLine(Context ctx) {
        CommandLine keyring = new CommandLine(new KeyringCommand())
                .addSubcommand(new KeyringAddCommand(ctx))
                .addSubcommand(new KeyringListCommand(ctx))
                .addSubcommand(new KeyringRemoveCommand(ctx))
                .addSubcommand(new KeyringRevokeCommand(ctx));
        CommandLine cli = new CommandLine(new Root())
                .addSubcommand(new KeygenCommand(ctx))
                .addSubcommand(new ExportCommand(ctx))
                .addSubcommand(keyring)
                .addSubcommand(new SignCommand(ctx))
                .addSubcommand(new VerifyCommand(ctx))
                .addSubcommand(new PublishCommand(ctx))
                .addSubcommand(new PromoteCommand(ctx))
                .addSubcommand(new RefreshCommand(ctx))
                .addSubcommand(new StatusCommand(ctx));
        cli.setOut(new PrintWriter(new OutputStreamWriter(ctx.out(), StandardCharsets.UTF_8), true));
        cli.setErr(new PrintWriter(new OutputStreamWriter(ctx.err(), StandardCharsets.UTF_8), true));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
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
        if (e instanceof CommandFailedException failure) {
            err.println(NAME + ": " + failure.getMessage());
            if (debug(parseResult)) {
                e.printStackTrace(err);
            }
            err.flush();
            return failure.exitCode();
        }
        if (e instanceof java.nio.file.FileSystemException io) {
            // A file problem no command anticipated is still the user's to fix, not a bug.
            err.println(NAME + ": cannot access " + io.getFile() + ": "
                    + (io.getReason() != null ? io.getReason() : io.getClass().getSimpleName()));
            if (debug(parseResult)) {
                e.printStackTrace(err);
            }
            err.flush();
            return ExitCode.INPUT;
        }
        err.println(NAME + ": internal error: " + e + (debug(parseResult) ? "" : " (run with --debug for details)"));
        if (debug(parseResult)) {
            e.printStackTrace(err);
        }
        err.flush();
        return ExitCode.INTERNAL;
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
