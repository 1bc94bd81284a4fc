package com.seglamater.hivemind.signer;

import com.seglamater.hivemind.cli.CliConventions;
import com.seglamater.hivemind.model.version.JarVersion;
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
import java.nio.file.FileSystemException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

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
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return CliConventions.apply(cli, PROGRAM, ctx.out(), ctx.err(), Main::classify);
    }

    private static final CliConventions.Program PROGRAM = new CliConventions.Program(NAME, ExitCode.descriptions(),
            ExitCode.USAGE, ExitCode.INTERNAL);

    /** The signer's failures besides its {@code CommandFailedException}s, which CliConventions prints itself. */
    private static Optional<CliConventions.Outcome> classify(Exception e) {
        // A file problem no command anticipated is still the user's to fix, not a bug.
        return e instanceof FileSystemException io
                ? Optional.of(new CliConventions.Outcome(ExitCode.INPUT, CliConventions.cannotAccess(io)))
                : Optional.empty();
    }
}
