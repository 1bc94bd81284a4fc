package com.seglamater.hivemind.server;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.server.account.AccountPages;
import com.seglamater.hivemind.server.account.AccountService;
import com.seglamater.hivemind.server.account.SelfService;
import com.seglamater.hivemind.server.admin.AdminService;
import com.seglamater.hivemind.server.admin.AdminSocket;
import com.seglamater.hivemind.server.admin.AdminToken;
import com.seglamater.hivemind.server.admin.Drain;
import com.seglamater.hivemind.server.auditlog.AuditPages;
import com.seglamater.hivemind.server.auditlog.AuditService;
import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.dashboard.DashboardPages;
import com.seglamater.hivemind.server.db.Database;
import com.seglamater.hivemind.server.db.Migrations;
import com.seglamater.hivemind.server.health.DatabaseCheck;
import com.seglamater.hivemind.server.health.HealthService;
import com.seglamater.hivemind.server.identity.SessionStore;
import com.seglamater.hivemind.server.net.ClientIpResolver;
import com.seglamater.hivemind.server.origin.HostFilter;
import com.seglamater.hivemind.server.origin.RememberedHosts;
import com.seglamater.hivemind.server.setup.FirstRun;
import com.seglamater.hivemind.server.setup.SetupPages;
import com.seglamater.hivemind.server.ui.Assets;
import com.seglamater.hivemind.server.ui.ErrorPages;
import com.seglamater.hivemind.server.ui.SignInPages;
import com.seglamater.hivemind.server.ui.UiService;
import com.seglamater.hivemind.server.ui.Views;
import com.seglamater.hivemind.server.updates.CommandQueue;
import com.seglamater.hivemind.server.users.UserPages;
import com.seglamater.hivemind.server.users.UsersPages;
import com.seglamater.hivemind.server.users.UsersService;
import com.seglamater.hivemind.server.web.ErrorHandling;
import com.seglamater.hivemind.server.web.HeadRequests;
import com.seglamater.hivemind.server.web.JsonDirectHandler;
import com.seglamater.hivemind.server.web.RequestInfoFilter;
import com.seglamater.hivemind.server.web.RouteTable;
import com.seglamater.hivemind.server.web.SecurityHeaders;
import com.seglamater.hivemind.server.web.http1.Http1Timeouts;
import com.seglamater.hivemind.server.web.http1.Http1Transport;
import io.helidon.dbclient.DbClient;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * A running Hivemind server: database (pool, embedded server, migrations), the stores and
 * services, the web server with its main listener and the {@code admin} socket, and the admin
 * token, wired by hand. {@link #close()} stops them in reverse order and is idempotent, so
 * the shutdown hook and tests can both call it.
 */
public final class HivemindServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HivemindServer.class.getName());

    /** How long in-flight requests get to finish once the server stops accepting. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
    /** Ended sessions are refused at once; this only keeps the table small. */
    static final Duration SESSION_PURGE_INTERVAL = Duration.ofMinutes(15);

    private final Database database;
    private final WebServer webServer;
    private final Http1Transport transport;
    private final CommandQueue commands;
    private final ScheduledExecutorService housekeeping;
    private boolean closed;

    private HivemindServer(Database database, WebServer webServer, Http1Transport transport, CommandQueue commands,
                           ScheduledExecutorService housekeeping) {
        this.database = database;
        this.webServer = webServer;
        this.transport = transport;
        this.commands = commands;
        this.housekeeping = housekeeping;
    }

    /**
     * Opens the database, runs the migrations, starts both listeners and then writes the admin
     * token; a failure on the way closes what was opened and leaves the token file as it was.
     *
     * @throws ConfigException       the token file's directory cannot be created or written
     *                               ({@code HIVEMIND_ADMIN_TOKEN_FILE})
     * @throws CannotListenException a listener cannot bind (its address is taken, not local, or
     *                               forbidden)
     * @throws IOException           otherwise, for example the embedded database is in use
     *                               ({@link com.seglamater.hivemind.server.db.EmbeddedDatabase.InUseException})
     * @throws SQLException          the database cannot be reached
     */
    public static HivemindServer start(ServerConfig config, String version)
            throws ConfigException, IOException, SQLException {
        return start(config, version, Clock.systemUTC(), routing -> { });
    }

    /**
     * {@code clock} is what sessions, tokens and the audit log take as now, and
     * {@code extraRoutes} go on the main listener before the catch-all 404: seams for tests.
     */
    static HivemindServer start(ServerConfig config, String version, Clock clock,
                                Consumer<HttpRouting.Builder> extraRoutes)
            throws ConfigException, IOException, SQLException {
        return start(config, version, clock, extraRoutes, Http1Timeouts.DEFAULT);
    }

    /** {@code timeouts}: the connections' bounds, short in tests of them. */
    static HivemindServer start(ServerConfig config, String version, Clock clock,
                                Consumer<HttpRouting.Builder> extraRoutes, Http1Timeouts timeouts)
            throws ConfigException, IOException, SQLException {
        StartUp steps = new StartUp();
        // Work that needs no database, on the second core while this thread goes on (issue 15).
        Future<Optional<String>> migrationsFingerprint = Migrations.fingerprintInBackground();
        StartUp.warmUp(version);
        LOG.info(() -> "starting Hivemind " + version + " with " + config);
        if (!config.publicOrigins().configured()) {
            LOG.warning(() -> ServerConfig.PUBLIC_URL + " is not set: the server answers requests for any host name, so "
                    + "a web page that a browser on this host opens could reach it by DNS rebinding; set it to the "
                    + "address users open, e.g. " + ServerConfig.PUBLIC_URL + "=https://hivemind.example.org "
                    + "(docs/operators.md)");
        }
        Path tokenFile = config.adminTokenFile();
        // Nothing shared changes before this process owns its resources: the token file belongs to a
        // server that may still be running (a second start by mistake, a restart that races the old
        // process), and its agent would get 401 until that server restarts. So the directory is
        // checked here, without touching the file, and the file is replaced only at the end.
        AdminToken.requireWritableDirectory(tokenFile);
        AdminToken token = AdminToken.generate(new SecureRandom());
        steps.databaseOpening();
        Database database = Database.open(config.database());
        HivemindServer server;
        steps.migrating();
        try {
            String schemaVersion = database.migrate(migrationsFingerprint);
            steps.wiring();
            server = wire(config, version, clock, extraRoutes, database, token, schemaVersion, timeouts);
        } catch (IOException | RuntimeException e) {
            database.close();
            throw e;
        }
        // The database and both listeners are ours now. Until the next line the admin socket answers
        // 401 to the agent, which still holds the previous token; the agent rereads the file on a 401.
        try {
            token.writeTo(tokenFile);
        } catch (ConfigException e) {
            server.close();
            throw e;
        }
        LOG.info(() -> "admin token written to " + tokenFile.toAbsolutePath());
        LOG.info(steps::done);
        return server;
    }

    private static HivemindServer wire(ServerConfig config, String version, Clock clock,
                                       Consumer<HttpRouting.Builder> extraRoutes, Database database, AdminToken token,
                                       String schemaVersion, Http1Timeouts timeouts) throws IOException {
        DbClient db = database.client();
        Drain drain = new Drain(config.drainNotice());
        HealthService health = new HealthService(version, new DatabaseCheck(database.dataSource()), schemaVersion,
                drain::draining);
        IdentityPart identity = IdentityPart.wire(config, db, clock);
        SignInPart signIn = SignInPart.wire(config, db, identity, clock);
        UpdatesPart updates = UpdatesPart.wire(db, identity.audit(), clock);
        Views views = new Views(Assets.load(), signIn.methods(), version);
        FirstRun firstRun = FirstRun.prepare(config.dataDir(), identity.users(), signIn.methods().password(),
                new SecureRandom());
        SelfService self = new SelfService(db, identity.sessions(), identity.tokens(), identity.users(), identity.audit(),
                clock);
        RequestInfoFilter requestInfo = new RequestInfoFilter(new ClientIpResolver(config.trustedProxies()));

        Http1Transport transport = new Http1Transport(timeouts);
        WebServer webServer = transport.configure(WebServer.builder(), WebServer.DEFAULT_SOCKET_NAME)
                .host(config.bind().host())
                .port(config.bind().port())
                .shutdownHook(false)
                .shutdownGracePeriod(SHUTDOWN_GRACE)
                .directHandlers(JsonDirectHandler.all())
                .routing(routing -> {
                    ErrorHandling errors = ErrorHandling.register(routing, new ErrorPages(views));
                    routing.addFilter(new HeadRequests())
                            .addFilter(drain.counter())
                            .addFilter(requestInfo)
                            .addFilter(SecurityHeaders.main(RememberedHosts.of(config.publicOrigins()::httpsHost)))
                            .addFilter(HostFilter.main(config.publicOrigins(), ServerConfig.PUBLIC_URL, clock))
                            .addFilter(signIn.gate());
                    extraRoutes.accept(routing);
                    // One place per route family: the package of each service is the feature's.
                    RouteTable routes = new RouteTable();
                    routes.rules(routing).register("/health", health)
                            .register(new UiService(views), new SignInPages(views, signIn.local()),
                                    new DashboardPages(views, health, updates.store(), updates.requests()))
                            .register("/api/v1", signIn.api(), new AccountService(self))
                            .register(new AccountPages(views, self, signIn.local()))
                            .register(new UsersPages(views, identity.accounts(), identity.users(), config.defaultRole()),
                                    new UserPages(views, identity.accounts(), identity.users(), identity.sessions(), clock))
                            .register(new SetupPages(views, firstRun, identity.accounts()))
                            .register("/api/v1/users", new UsersService(identity.accounts(), identity.users()))
                            .register(new AuditPages(views, identity.audit()))
                            .register("/api/v1/audit", new AuditService(identity.audit(), clock))
                            .register("/api/v1/updates", updates.api())
                            .any(routes.notFound(errors));
                })
                .putSocket(AdminSocket.NAME, socket -> transport.configure(socket, AdminSocket.NAME)
                        .directHandlers(JsonDirectHandler.all())
                        .host(config.adminBind().host())
                        .port(config.adminBind().port()))
                .routing(AdminSocket.NAME, routing -> AdminSocket.routing(routing,
                        HostFilter.admin(config.adminBind(), ServerConfig.ADMIN_BIND, clock), token,
                        new AdminService(health, drain), updates.agent()))
                .build();
        Optional<Throwable> failure = Optional.empty();
        try {
            webServer.start();
        } catch (RuntimeException e) {
            failure = Optional.of(e);
        }
        if (!webServer.isRunning()) {
            // Helidon has closed whatever listener it had opened; the caller closes the database.
            updates.commands().close();
            transport.close();
            throw CannotListenException.diagnose(List.of(
                    new CannotListenException.Listener(ServerConfig.BIND, config.bind()),
                    new CannotListenException.Listener(ServerConfig.ADMIN_BIND, config.adminBind())), failure);
        }
        LOG.info(() -> "Hivemind is listening on " + config.bind().host() + ":" + webServer.port()
                + config.publicOrigins().canonical().map(origin -> " (users open " + origin + ")").orElse("")
                + "; admin socket on " + config.adminBind().host() + ":" + webServer.port(AdminSocket.NAME));
        firstRun.announce(config.publicOrigins().canonical().map(Object::toString)
                .orElse("http://" + reachable(config.bind().host()) + ":" + webServer.port()));

        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "hivemind-housekeeping");
            thread.setDaemon(true);
            return thread;
        });
        housekeeping.scheduleWithFixedDelay(() -> purge(identity.sessions(), clock), 0,
                SESSION_PURGE_INTERVAL.toSeconds(), TimeUnit.SECONDS);
        return new HivemindServer(database, webServer, transport, updates.commands(), housekeeping);
    }

    /** A host a browser can open for the bind address: a wildcard bind is reached on loopback at least. */
    private static String reachable(String host) {
        return switch (host) {
            case "0.0.0.0", "::", "[::]" -> "127.0.0.1";
            default -> host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        };
    }

    private static void purge(SessionStore sessions, Clock clock) {
        try {
            long purged = sessions.purgeEnded(clock.instant());
            if (purged > 0) {
                LOG.fine(() -> "removed " + purged + " ended session(s)");
            }
        } catch (RuntimeException e) {
            LOG.warning(() -> "could not remove ended sessions (will retry): " + e.getMessage());
        }
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
        housekeeping.shutdownNow();
        commands.close();
        webServer.stop();
        transport.close();
        database.close();
        LOG.info("stopped");
    }
}
