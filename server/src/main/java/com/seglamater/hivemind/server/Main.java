package com.seglamater.hivemind.server;

import com.seglamater.hivemind.server.config.ConfigException;
import com.seglamater.hivemind.server.config.Environment;
import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.logging.Logging;

import java.io.PrintStream;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Entry point of hivemind-server: {@code java -jar hivemind-server.jar [--env-file FILE]}.
 * Exit codes: 2 for a configuration error (one line on stderr naming the variable; this
 * includes a token file whose directory cannot be created),
 * 1 when the server cannot start (database, port); a running server exits on SIGTERM.
 */
public final class Main {

    static final int EXIT_CONFIG = 2;
    static final int EXIT_START_FAILED = 1;
    static final String PROGRAM = "hivemind-server";

    private Main() {
    }

    public static void main(String[] args) {
        Logging.init();
        ServerConfig config;
        try {
            config = configure(args, System.getenv());
        } catch (ConfigException e) {
            System.exit(reportConfigError(e, System.err));
            return;
        }
        HivemindServer server;
        try {
            server = HivemindServer.start(config, version());
        } catch (ConfigException e) {
            System.exit(reportConfigError(e, System.err));
            return;
        } catch (Exception e) {
            Logger.getLogger(Main.class.getName()).log(Level.SEVERE, "start-up failed", e);
            System.exit(EXIT_START_FAILED);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "hivemind-shutdown"));
    }

    static ServerConfig configure(String[] args, Map<String, String> processEnv) throws ConfigException {
        return ServerConfig.from(Environment.load(args, processEnv));
    }

    static int reportConfigError(ConfigException e, PrintStream err) {
        err.println(PROGRAM + ": " + e.getMessage());
        return EXIT_CONFIG;
    }

    /** The jar manifest's Implementation-Version, or "dev" when run from classes. */
    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null || version.isBlank() ? "dev" : version;
    }
}
