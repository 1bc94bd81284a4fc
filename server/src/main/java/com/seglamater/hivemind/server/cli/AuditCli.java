package com.seglamater.hivemind.server.cli;

import com.seglamater.hivemind.server.audit.AuditChain;
import com.seglamater.hivemind.server.audit.AuditVerifier;
import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.db.Database;
import com.seglamater.hivemind.server.db.Sql;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code hivemind-server audit verify}: checks the audit log's hash chain (see
 * {@link AuditChain}) against the configured (or embedded) database, as {@code users create}
 * finds it. It never migrates or writes: a database without the chain is reported, not changed.
 * <p>
 * Exit codes: 0 the chain is intact (the head is printed, to be kept elsewhere); 1 the chain is
 * broken (one line naming the first bad or missing entry); 2 usage or configuration error; 3 the
 * database could not be used (unreachable, the embedded one in use, or no chain yet).
 */
public final class AuditCli {

    public static final int INTACT = 0;
    public static final int BROKEN = 1;
    public static final int USAGE = 2;
    public static final int DATABASE = 3;
    static final String PROGRAM = "hivemind-server audit";

    private final Map<String, String> env;
    private final PrintWriter out;

    private AuditCli(Map<String, String> env, PrintWriter out) {
        this.env = env;
        this.out = out;
    }

    /** Runs {@code audit …} (the arguments after {@code hivemind-server}) and returns the exit code. */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        return ServerCli.run(args, env, InputStream.nullInputStream(), out, err, question -> Optional.empty(),
                Clock.systemUTC(), "dev", ServerCli.NOT_SERVING);
    }

    /** The {@code audit} command with its subcommands, for {@link ServerCli} and {@link #run}. */
    static CommandLine commandLine(Map<String, String> env, PrintWriter out) {
        AuditCli cli = new AuditCli(env, out);
        return new CommandLine(new Audit()).addSubcommand("verify", cli.new Verify());
    }

    @Command(name = "audit", mixinStandardHelpOptions = true, versionProvider = ServerCli.Version.class,
            description = "Check the audit log (see docs/operators.md).", synopsisSubcommandLabel = "COMMAND",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the chain is intact", "1:the chain is broken", "2:usage or configuration error",
                    "3:the database could not be used"})
    static final class Audit implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing command (verify)");
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = ServerCli.Version.class,
            description = {"Check the audit log's hash chain: every entry, in order, against the one before it, "
                    + "and the last against the chain head. On success, print the head (ID:HASH): keep it "
                    + "elsewhere and pass it with --head later, which detects a rewrite even when every later "
                    + "hash was recomputed."},
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the chain is intact", "1:the chain is broken (the first bad entry is named)",
                    "2:usage or configuration error", "3:the database could not be used"})
    final class Verify implements Callable<Integer> {

        @Option(names = "--head", paramLabel = "ID:HASH",
                description = "A head printed by an earlier run: entry ID must still have this hash.")
        String head;

        @Option(names = "--env-file", paramLabel = "FILE", description = "Configuration file, as for the server.")
        String envFile;

        @Override
        public Integer call() {
            Optional<AuditChain.Recorded> recorded = Optional.ofNullable(head).map(text -> AuditChain.Recorded.parse(text)
                    .orElseThrow(() -> new CommandFailure(USAGE, "--head must be ID:HASH as printed by audit verify "
                            + "(a positive entry id, a colon, 64 hex digits)")));
            AuditChain.Verification verification = verify(config(), recorded);
            return switch (verification) {
                case AuditChain.Intact intact -> {
                    out.println("audit log intact: " + intact.entries() + " entries"
                            + recorded.map(r -> ", entry " + r.id() + " as recorded").orElse(""));
                    if (intact.headId() > 0) {
                        out.println("head: " + intact.head());
                    }
                    yield INTACT;
                }
                case AuditChain.Broken broken -> throw new CommandFailure(BROKEN, "the audit log's hash chain is broken"
                        + (broken.entryId() > 0 ? " at entry " + broken.entryId() : "") + ": " + broken.reason());
            };
        }

        private ServerConfig config() {
            return Commands.config(PROGRAM + " verify", envFile, env, USAGE);
        }

        private AuditChain.Verification verify(ServerConfig config, Optional<AuditChain.Recorded> recorded) {
            try (Database database = Database.open(config.database())) {
                return AuditVerifier.verify(database.dataSource(), recorded);
            } catch (AuditVerifier.NoChainException e) {
                throw new CommandFailure(DATABASE, e.getMessage());
            } catch (IOException | SQLException e) {
                throw new CommandFailure(DATABASE, "cannot use the database: " + Commands.rootMessage(e));
            } catch (RuntimeException e) {
                if (Sql.unavailable(e)) {
                    throw new CommandFailure(DATABASE, "the database is unreachable: " + Commands.rootMessage(e));
                }
                throw e;
            }
        }
    }

}
