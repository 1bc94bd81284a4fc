package com.seglamater.hivemind.server;

import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.db.Database;
import com.seglamater.hivemind.server.db.Migrations;
import com.seglamater.hivemind.server.health.DatabaseCheck;
import com.seglamater.hivemind.server.health.HealthService;
import com.seglamater.hivemind.server.web.NotFound;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * A running Hivemind server: database (pool, embedded server, migrations) and the web
 * server, wired by hand. {@link #close()} stops them in reverse order and is idempotent,
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

    public static HivemindServer start(ServerConfig config, String version) throws IOException, SQLException {
        LOG.info(() -> "starting Hivemind " + version + " with " + config);
        Database database = Database.open(config);
        try {
            String schemaVersion = Migrations.migrate(database.dataSource());
            HealthService health = new HealthService(version, new DatabaseCheck(database.dataSource()), schemaVersion);
            WebServer webServer = WebServer.builder()
                    .host(config.bind().host())
                    .port(config.bind().port())
                    .shutdownHook(false)
                    .shutdownGracePeriod(SHUTDOWN_GRACE)
                    .routing(routing -> routing(routing, health))
                    .build()
                    .start();
            LOG.info(() -> "Hivemind is listening on " + config.bind().host() + ":" + webServer.port());
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
