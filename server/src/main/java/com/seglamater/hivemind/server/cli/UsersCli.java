package com.seglamater.hivemind.server.cli;

import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.db.Database;
import com.seglamater.hivemind.server.db.Sql;
import com.seglamater.hivemind.server.identity.AccountException;
import com.seglamater.hivemind.server.identity.Accounts;
import com.seglamater.hivemind.server.identity.Actor;
import com.seglamater.hivemind.server.identity.PasswordHasher;
import com.seglamater.hivemind.server.identity.PasswordPolicy;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.identity.SessionStore;
import com.seglamater.hivemind.server.identity.TokenStore;
import com.seglamater.hivemind.server.identity.User;
import com.seglamater.hivemind.server.identity.UserFields;
import com.seglamater.hivemind.server.identity.UserStore;
import io.helidon.dbclient.DbClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code hivemind-server users create}: makes a local account without the UI or the API, so
 * that the first admin can exist before anyone can sign in. It uses the configured database
 * (or the embedded one) and runs the migrations first, so it works on a fresh install. While a
 * server runs on the embedded database, it works through that server's PostgreSQL, as the
 * server's own role ({@link Database#openBesideServer}), so the server need not stop.
 * <p>
 * Exit codes: 0 created; 1 the database could not be used; 2 usage or configuration error;
 * 3 the username is taken; 4 the password was refused (policy, mismatch, unreadable file).
 */
public final class UsersCli {

    public static final int OK = 0;
    public static final int DATABASE = 1;
    public static final int USAGE = 2;
    public static final int TAKEN = 3;
    public static final int PASSWORD = 4;
    static final int MAX_PASSWORD_FILE = 4_096;
    /** The option that sets each field {@link UserFields} checks. */
    private static final Map<String, String> OPTIONS = Map.of("username", "--username", "email", "--email",
            "displayName", "--display-name");

    /** Asks for a password without echo; empty when there is no terminal to ask on. */
    public interface Prompt {
        Optional<char[]> read(String question);

        static Prompt console() {
            return question -> Optional.ofNullable(System.console()).map(c -> c.readPassword("%s", question));
        }
    }

    private final Map<String, String> env;
    private final InputStream stdin;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Prompt prompt;
    private final Clock clock;

    UsersCli(Map<String, String> env, InputStream stdin, PrintWriter out, PrintWriter err, Prompt prompt, Clock clock) {
        this.env = env;
        this.stdin = stdin;
        this.out = out;
        this.err = err;
        this.prompt = prompt;
        this.clock = clock;
    }

    /** Runs {@code users …} (the arguments after {@code hivemind-server}) and returns the exit code. */
    public static int run(String[] args, Map<String, String> env, InputStream stdin, PrintWriter out, PrintWriter err,
                          Prompt prompt, Clock clock) {
        return ServerCli.run(args, env, stdin, out, err, prompt, clock, "dev", ServerCli.NOT_SERVING);
    }

    /** The {@code users} command with its subcommands, for {@link ServerCli} and {@link #run}. */
    static CommandLine commandLine(Map<String, String> env, InputStream stdin, PrintWriter out, PrintWriter err,
                                   Prompt prompt, Clock clock) {
        UsersCli cli = new UsersCli(env, stdin, out, err, prompt, clock);
        // An exception not of ours is most likely the database: exit 1 says "could not be used".
        return new CommandLine(new Users()).addSubcommand("create", cli.new Create())
                .addSubcommand("list", new UsersList(env, out));
    }

    static final String PROGRAM = "hivemind-server users";

    @Command(name = "users", mixinStandardHelpOptions = true, versionProvider = ServerCli.Version.class,
            description = "Manage accounts from the command line (see docs/operators.md).",
            synopsisSubcommandLabel = "COMMAND",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:done", "1:the database could not be used", "2:usage or configuration error",
                    "3:the username is taken (create)", "4:the password was refused (create)"})
    static final class Users implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            throw new CommandLine.ParameterException(spec.commandLine(), "missing command (create, list)");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = ServerCli.Version.class,
            description = "Create a local account; the password comes from --password-file or a prompt.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:created", "1:the database could not be used", "2:usage or configuration error",
                    "3:the username is taken", "4:the password was refused"})
    final class Create implements Callable<Integer> {

        @Option(names = "--username", required = true, description = "Account name (letters, digits, . _ @ + -).")
        String username;

        @Option(names = "--role", description = "admin, user or viewer (default: HIVEMIND_DEFAULT_ROLE).")
        String role;

        @Option(names = "--email", description = "Email address.")
        String email;

        @Option(names = "--display-name", description = "Name shown in the UI.")
        String displayName;

        @Option(names = "--password-file", paramLabel = "FILE",
                description = "Read the password from FILE (one line; - for standard input) instead of prompting.")
        String passwordFile;

        @Option(names = "--env-file", paramLabel = "FILE", description = "Configuration file, as for the server.")
        String envFile;

        @Override
        public Integer call() throws Exception {
            Optional<Role> named = role == null ? Optional.empty()
                    : Optional.of(Role.parse(role).orElseThrow(() -> new CommandFailure(USAGE, "--role must be admin, user or viewer")));
            Accounts.NewAccount check = new Accounts.NewAccount(username, Optional.ofNullable(email),
                    Optional.ofNullable(displayName), named, "");
            UserFields.newAccountProblem(username, check.email(), check.displayName())
                    .ifPresent(p -> fail(USAGE, OPTIONS.get(p.field()) + " " + p.message()));
            ServerConfig config = config();
            if (named.isEmpty() && config.defaultRole().isEmpty()) {
                fail(USAGE, "--role is required: HIVEMIND_DEFAULT_ROLE is none");
            }
            String password = password();
            PasswordPolicy.problem(password).ifPresent(p -> fail(PASSWORD, p));
            User created = create(config, new Accounts.NewAccount(username, check.email(), check.displayName(), named,
                    password));
            // Say where: without HIVEMIND_DB_URL, another working directory means another embedded database.
            out.println("created " + created.role().text() + " '" + created.username() + "' in "
                    + (config.dbUrl().isPresent() ? "the database of " + ServerConfig.DB_URL
                    : "the embedded database in " + config.dataDir().resolve("postgres").toAbsolutePath().normalize()));
            return OK;
        }

        private ServerConfig config() {
            return Commands.config("hivemind-server users create", envFile, env, USAGE);
        }

        private String password() throws IOException {
            if (passwordFile == null) {
                char[] first = prompt.read("Password for " + username + ": ").orElseThrow(() -> new CommandFailure(USAGE,
                        "no terminal to ask for the password on; use --password-file FILE (or - for standard input)"));
                char[] again = prompt.read("Repeat the password: ").orElse(null);
                if (again == null) {
                    Arrays.fill(first, '\0');
                    throw new CommandFailure(PASSWORD, "the password was not repeated");
                }
                try {
                    if (!Arrays.equals(first, again)) {
                        throw new CommandFailure(PASSWORD, "the two passwords differ");
                    }
                    return new String(first);
                } finally {
                    Arrays.fill(first, '\0');
                    Arrays.fill(again, '\0');
                }
            }
            byte[] bytes;
            try (InputStream in = passwordFile.equals("-") ? stdin : Files.newInputStream(Path.of(passwordFile))) {
                bytes = in.readNBytes(MAX_PASSWORD_FILE + 1);
            } catch (NoSuchFileException e) {
                throw new CommandFailure(PASSWORD, "--password-file: '" + passwordFile + "' does not exist");
            } catch (IOException e) {
                throw new CommandFailure(PASSWORD, "--password-file: cannot read '" + passwordFile + "': " + e.getMessage());
            }
            if (bytes.length > MAX_PASSWORD_FILE) {
                throw new CommandFailure(PASSWORD, "--password-file: more than " + MAX_PASSWORD_FILE + " bytes; it must hold one line");
            }
            return oneLine(bytes);
        }

        private User create(ServerConfig config, Accounts.NewAccount account) {
            try (Database database = Database.openBesideServer(config.database())) {
                database.migrate();
                return accounts(database, config).create(Actor.commandLine(), account);
            } catch (AccountException e) {
                throw switch (e.reason()) {
                    case USERNAME_TAKEN -> new CommandFailure(TAKEN, "the username '" + account.username() + "' is taken");
                    case WEAK_PASSWORD -> new CommandFailure(PASSWORD, e.getMessage());
                    default -> new CommandFailure(USAGE, e.field().map(OPTIONS::get).map(o -> o + " ").orElse("")
                            + e.getMessage());
                };
            } catch (IOException | java.sql.SQLException e) {
                throw new CommandFailure(DATABASE, "cannot use the database: " + e.getMessage());
            } catch (RuntimeException e) {
                if (Sql.unavailable(e)) {
                    String cause = Commands.rootMessage(e);
                    throw new CommandFailure(DATABASE, "the database is unreachable" + (cause.isEmpty() ? "" : ": " + cause));
                }
                throw e;
            }
        }
    }

    /** The accounts core over the CLI's own connection, as the server wires it (without forward auth). */
    private Accounts accounts(Database database, ServerConfig config) {
        DbClient db = database.client();
        return new Accounts(db, new UserStore(db), new SessionStore(db, new SecureRandom(), config.sessions().idleTimeout(),
                config.sessions().maxAge()), new TokenStore(db, new SecureRandom()), PasswordHasher.standard(),
                new AuditLog(db, clock), clock, config.defaultRole(), Optional.empty());
    }

    /** The file's text without one trailing line break; more than one line is refused, as is invalid UTF-8. */
    static String oneLine(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CommandFailure(PASSWORD, "--password-file: not valid UTF-8");
        }
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
            throw new CommandFailure(PASSWORD, "--password-file: the password is empty");
        }
        if (text.contains("\n") || text.contains("\r")) {
            throw new CommandFailure(PASSWORD, "--password-file: it must hold one line");
        }
        return text;
    }

    private static void fail(int code, String message) {
        throw new CommandFailure(code, message);
    }
}
