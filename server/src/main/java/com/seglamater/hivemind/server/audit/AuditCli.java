package com.seglamater.hivemind.server.audit;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.model.config.Environment;
import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.db.Database;
import com.seglamater.hivemind.server.db.Sql;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /** A failure with its exit code and the one line the operator sees. */
    static final class Failure extends RuntimeException {
        final int code;

        Failure(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private final Map<String, String> env;
    private final PrintWriter out;

    private AuditCli(Map<String, String> env, PrintWriter out) {
        this.env = env;
        this.out = out;
    }

    /** Runs {@code audit …} (the arguments after {@code hivemind-server}) and returns the exit code. */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        AuditCli cli = new AuditCli(env, out);
        CommandLine commandLine = new CommandLine(new Audit())
                .addSubcommand("verify", cli.new Verify())
                .setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    if (e instanceof Failure f) {
                        err.println(PROGRAM + ": " + f.getMessage());
                        return f.code;
                    }
                    err.println(PROGRAM + ": " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage().replaceAll("\\s+", " ")));
                    return DATABASE;
                });
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            err.println(PROGRAM + ": " + e.getMessage());
            e.getCommandLine().usage(err);
            return USAGE;
        });
        int code = commandLine.execute(Arrays.copyOfRange(args, 1, args.length));
        out.flush();
        err.flush();
        return code;
    }

    @Command(name = "hivemind-server audit", mixinStandardHelpOptions = true,
            description = "Check the audit log (see docs/operators.md).", synopsisSubcommandLabel = "COMMAND")
    static final class Audit implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing command (verify)");
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
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
                    .orElseThrow(() -> new Failure(USAGE, "--head must be ID:HASH as printed by audit verify "
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
                case AuditChain.Broken broken -> throw new Failure(BROKEN, "the audit log's hash chain is broken"
                        + (broken.entryId() > 0 ? " at entry " + broken.entryId() : "") + ": " + broken.reason());
            };
        }

        private ServerConfig config() {
            List<String> args = new ArrayList<>();
            if (envFile != null) {
                args.add("--env-file");
                args.add(envFile);
            }
            try {
                return ServerConfig.from(Environment.load(PROGRAM + " verify", args.toArray(String[]::new), env));
            } catch (ConfigException e) {
                throw new Failure(USAGE, e.getMessage());
            }
        }

        private AuditChain.Verification verify(ServerConfig config, Optional<AuditChain.Recorded> recorded) {
            try (Database database = Database.open(config)) {
                return AuditVerifier.verify(database.dataSource(), recorded);
            } catch (AuditVerifier.NoChainException e) {
                throw new Failure(DATABASE, e.getMessage());
            } catch (IOException | SQLException e) {
                throw new Failure(DATABASE, "cannot use the database: " + oneLine(e));
            } catch (RuntimeException e) {
                if (Sql.unavailable(e)) {
                    throw new Failure(DATABASE, "the database is unreachable: " + oneLine(rootCause(e)));
                }
                throw e;
            }
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static String oneLine(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replaceAll("\\s+", " ");
    }
}
