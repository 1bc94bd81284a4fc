package com.seglamater.hivemind.server;

import com.seglamater.hivemind.server.admin.AdminService;
import com.seglamater.hivemind.server.admin.AdminSocket;
import com.seglamater.hivemind.server.admin.AdminToken;
import com.seglamater.hivemind.server.admin.Drain;
import com.seglamater.hivemind.server.config.ConfigException;
import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.db.Database;
import com.seglamater.hivemind.server.db.Migrations;
import com.seglamater.hivemind.server.health.DatabaseCheck;
import com.seglamater.hivemind.server.health.HealthService;
import com.seglamater.hivemind.server.web.NotFound;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

import java.io.IOException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * A running Hivemind server: admin token, database (pool, embedded server, migrations)
 * and the web server with its main listener and the {@code admin} socket, wired by hand. {@link #close()} stops them in reverse order and is idempotent,
 * so the shutdown hook and tests can both call it.
 */
public final class HivemindServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HivemindServer.class.getName());

    /** How long in-flight requests get to finish once the server stops accepting. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final Database database;
    private final WebServer webServer;
    private boolean closed;

    private HivemindServer(Database database, WebServer webServer) {
        this.database = database;
        this.webServer = webServer;
    }

    public static HivemindServer start(ServerConfig config, String version)
            throws ConfigException, IOException, SQLException {
        return start(config, version, routing -> { });
    }

    /** {@code extraRoutes} go on the main listener before the catch-all 404 (a seam for tests). */
    static HivemindServer start(ServerConfig config, String version, Consumer<HttpRouting.Builder> extraRoutes)
            throws ConfigException, IOException, SQLException {
        LOG.info(() -> "starting Hivemind " + version + " with " + config);
        // Before anything listens: the admin socket never runs with a token the agent cannot read.
        AdminToken token = AdminToken.generate(new SecureRandom());
        token.writeTo(config.adminTokenFile());
        LOG.info(() -> "admin token written to " + config.adminTokenFile().toAbsolutePath());
        Database database = Database.open(config);
        try {
            String schemaVersion = Migrations.migrate(database.dataSource());
            Drain drain = new Drain();
            HealthService health = new HealthService(version, new DatabaseCheck(database.dataSource()), schemaVersion,
                    drain::draining);
            AdminService admin = new AdminService(health, drain);
            WebServer webServer = WebServer.builder()
                    .host(config.bind().host())
                    .port(config.bind().port())
                    .shutdownHook(false)
                    .shutdownGracePeriod(SHUTDOWN_GRACE)
                    .routing(routing -> {
                        routing.addFilter(drain.counter());
                        extraRoutes.accept(routing);
                        routing(routing, health);
                    })
                    .putSocket(AdminSocket.NAME, socket -> socket
                            .host(config.adminBind().host())
                            .port(config.adminBind().port()))
                    .routing(AdminSocket.NAME, routing -> AdminSocket.routing(routing, token, admin))
                    .build()
                    .start();
            LOG.info(() -> "Hivemind is listening on " + config.bind().host() + ":" + webServer.port()
                    + "; admin socket on " + config.adminBind().host() + ":" + webServer.port(AdminSocket.NAME));
            return new HivemindServer(database, webServer);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** The routes of the main listener; the catch-all 404 stays last. */
    static void routing(HttpRouting.Builder routing, HealthService health) {
        routing.register("/health", health)
                .any(new NotFound());
    }

    public int port() {
        return webServer.port();
    }

    public int adminPort() {
        return webServer.port(AdminSocket.NAME);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.info("stopping: no new connections; in-flight requests get " + SHUTDOWN_GRACE.toSeconds() + " s");
        webServer.stop();
        database.close();
        LOG.info("stopped");
    }
}
