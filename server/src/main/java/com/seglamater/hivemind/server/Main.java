package com.seglamater.hivemind.server;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.model.config.Environment;
import com.seglamater.hivemind.model.logging.Logging;
import com.seglamater.hivemind.model.version.JarVersion;
import com.seglamater.hivemind.server.cli.ServerCli;
import com.seglamater.hivemind.server.cli.UsersCli;
import com.seglamater.hivemind.server.config.ServerConfig;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Entry point of hivemind-server: {@code java -jar hivemind-server.jar [--env-file FILE]}
 * serves; {@code … users create|list} manages accounts and {@code … audit verify} checks the
 * audit log's hash chain ({@link ServerCli}: every command has {@code --help} with its exit codes).
 * Exit codes: 2 for a configuration error (one line on stderr naming the variable; this
 * includes a token file whose directory cannot be created or written),
 * 1 when the server cannot start: a listener's address is taken (one line on stderr naming the
 * variable and the address), the database cannot be reached or the embedded one is in use (in
 * the log). A running server exits on SIGTERM.
 */
public final class Main {

    static final int EXIT_CONFIG = 2;
    static final int EXIT_START_FAILED = 1;
    static final String PROGRAM = "hivemind-server";

    /**
     * Libraries that are chatty at INFO: the JDBC driver, the embedded database's process output,
     * and the pool, which logs an unreachable database as SEVERE in its own words (the CLI says
     * it in its one error line). Held here: java.util.logging keeps loggers weakly, with their
     * level. Filled only after {@link Logging#init}, which must run before any logger exists.
     */
    private static List<Logger> quieted = List.of();

    private Main() {
    }

    private static void quietLibraries(boolean cli) {
        quieted = List.of(Logger.getLogger("io.zonky.test.db.postgres.embedded"), Logger.getLogger("org.postgresql"),
                Logger.getLogger("com.zaxxer.hikari"));
        quieted.get(0).setLevel(Level.WARNING);
        quieted.get(1).setLevel(Level.WARNING);
        if (cli) {
            quieted.get(2).setLevel(Level.OFF);
        }
    }

    public static void main(String[] args) {
        boolean command = ServerCli.isCommand(args);
        if (command) {
            Logging.initForCli();
        } else {
            Logging.init();
        }
        quietLibraries(command);
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = ServerCli.run(args, System.getenv(), System.in, out, err, UsersCli.Prompt.console(),
                Clock.systemUTC(), version(), envFile -> serve(envFile, System.getenv()));
        if (code != ServerCli.RUNNING) {
            System.exit(code);
        }
    }

    /** Starts the server; {@link ServerCli#RUNNING} once it runs (until SIGTERM), else the exit code. */
    private static int serve(Optional<String> envFile, Map<String, String> env) {
        ServerConfig config;
        try {
            config = configure(envFile.map(file -> new String[] {"--env-file", file}).orElse(new String[0]), env);
            if (config.logDir().isPresent()) {
                Logging.toFiles(config.logDir().get(), PROGRAM, ServerConfig.LOG_DIR);
            }
        } catch (ConfigException e) {
            return reportConfigError(e, System.err);
        }
        HivemindServer server;
        try {
            server = HivemindServer.start(config, version());
        } catch (ConfigException e) {
            return reportConfigError(e, System.err);
        } catch (CannotListenException e) {
            return reportCannotListen(e, System.err);
        } catch (Exception e) {
            Logger.getLogger(Main.class.getName()).log(Level.SEVERE, "start-up failed", e);
            return EXIT_START_FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "hivemind-shutdown"));
        return ServerCli.RUNNING;
    }

    static ServerConfig configure(String[] args, Map<String, String> processEnv) throws ConfigException {
        return ServerConfig.from(Environment.load("hivemind-server", args, processEnv));
    }

    static int reportConfigError(ConfigException e, PrintStream err) {
        err.println(PROGRAM + ": " + e.getMessage());
        return EXIT_CONFIG;
    }

    /**
     * One line, like a configuration error, but exit 1, not 2: the configuration may be right and
     * the address busy only for now (the previous process still stopping), which a restart retries.
     */
    static int reportCannotListen(CannotListenException e, PrintStream err) {
        err.println(PROGRAM + ": " + e.getMessage());
        return EXIT_START_FAILED;
    }

    static String version() {
        return JarVersion.of(Main.class);
    }
}
