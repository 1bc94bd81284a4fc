package com.seglamater.hivemind.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.identity.PasswordHasher;
import com.seglamater.hivemind.server.testing.ApiClient;
import com.seglamater.hivemind.server.testing.MutableClock;
import com.seglamater.hivemind.server.testing.TestDatabase;
import com.seglamater.hivemind.server.web.http1.Http1Timeouts;
import io.helidon.webserver.http.HttpRouting;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A Hivemind server started in-process for a test class, on free ports, against its own
 * fresh database on the machine's PostgreSQL, with a {@link MutableClock}. Rate limits are
 * off unless the test sets them, so that tests of other features never trip them.
 * Test accounts are made straight in the database with cheap Argon2id parameters (the
 * server upgrades such hashes at first sign-in, which sign-in tests rely on).
 */
public final class TestServer implements AutoCloseable {

    /** A password that passes the policy; test accounts get it unless a test says otherwise. */
    public static final String PASSWORD = "correct horse battery staple";
    private static final PasswordHasher CHEAP = new PasswordHasher(new PasswordHasher.Params(64, 1, 1),
            new SecureRandom(), 4);

    private final TestDatabase database;
    private final HivemindServer server;
    private final MutableClock clock;
    private final Path dir;

    private TestServer(TestDatabase database, HivemindServer server, MutableClock clock, Path dir) {
        this.database = database;
        this.server = server;
        this.clock = clock;
        this.dir = dir;
    }

    public static TestServer start(String... env) throws Exception {
        return start(routing -> { }, env);
    }

    /** {@code env}: variable, value pairs on top of the test defaults. */
    public static TestServer start(Consumer<HttpRouting.Builder> extraRoutes, String... env) throws Exception {
        return start(extraRoutes, Http1Timeouts.DEFAULT, env);
    }

    /** With connection timeouts of its own (short ones, for tests of them). */
    public static TestServer start(Http1Timeouts timeouts, String... env) throws Exception {
        return start(routing -> { }, timeouts, env);
    }

    private static TestServer start(Consumer<HttpRouting.Builder> extraRoutes, Http1Timeouts timeouts, String... env)
            throws Exception {
        Path dir = Files.createTempDirectory("hivemind-test-");
        TestDatabase database = TestDatabase.create();
        Map<String, String> vars = new HashMap<>(Map.of(
                "HIVEMIND_BIND", "127.0.0.1:0",
                "HIVEMIND_ADMIN_BIND", "127.0.0.1:0",
                "HIVEMIND_ADMIN_TOKEN_FILE", dir.resolve("admin.token").toString(),
                "HIVEMIND_DB_URL", database.jdbcUrl(),
                "HIVEMIND_DB_USER", TestDatabase.ADMIN_USER,
                "HIVEMIND_DATA_DIR", dir.resolve("data").toString(),
                "HIVEMIND_RATE_LIMIT_API", "off",
                "HIVEMIND_RATE_LIMIT_SIGNIN", "off",
                "HIVEMIND_RATE_LIMIT_SIGNIN_ACCOUNT", "off"));
        for (int i = 0; i < env.length; i += 2) {
            vars.put(env[i], env[i + 1]);
        }
        MutableClock clock = MutableClock.startingNow();
        try {
            HivemindServer server = HivemindServer.start(ServerConfig.from(vars), "9.9.9-test", clock, extraRoutes,
                    timeouts);
            return new TestServer(database, server, clock, dir);
        } catch (Exception | Error e) {
            database.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    public int adminPort() {
        return server.adminPort();
    }

    public MutableClock clock() {
        return clock;
    }

    public TestDatabase database() {
        return database;
    }

    /** {@code HIVEMIND_DATA_DIR}. */
    public Path dataDir() {
        return dir.resolve("data");
    }

    public Path adminTokenFile() {
        return dir.resolve("admin.token");
    }

    public String adminToken() throws Exception {
        return Files.readString(adminTokenFile());
    }

    public ApiClient client() {
        return new ApiClient(port());
    }

    /** A client on the admin socket with the bearer token. */
    public ApiClient agent() throws Exception {
        return new ApiClient(adminPort()).always("Authorization", "Bearer " + adminToken());
    }

    /** Makes a local account with {@link #PASSWORD}. */
    public long createUser(String username, String role) throws Exception {
        return createUser(username, role, PASSWORD);
    }

    public long createUser(String username, String role, String password) throws Exception {
        Timestamp now = Timestamp.from(clock.instant());
        try (Connection c = database.connect(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO users (username, role, source, password_hash, created_at, updated_at) "
                        + "VALUES (?, ?, 'local', ?, ?, ?) RETURNING id")) {
            insert.setString(1, username);
            insert.setString(2, role);
            insert.setString(3, CHEAP.hash(password));
            insert.setTimestamp(4, now);
            insert.setTimestamp(5, now);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A browser signed in as {@code username} (with {@link #PASSWORD}). */
    public ApiClient signIn(String username) {
        return signIn(username, PASSWORD);
    }

    public ApiClient signIn(String username, String password) {
        ApiClient client = client();
        ApiClient.Response response = client.post("/api/v1/session", credentials(username, password));
        if (response.status() != 200) {
            throw new AssertionError("sign-in of " + username + " failed: " + response);
        }
        return client;
    }

    public static String credentials(String username, String password) {
        return "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
    }

    /** Audit rows for {@code action}, oldest first, read straight from the table. */
    public List<AuditRow> audit(String action) throws Exception {
        List<AuditRow> rows = new ArrayList<>();
        try (Connection c = database.connect(); PreparedStatement query = c.prepareStatement(
                "SELECT actor, action, outcome, client_ip, user_agent, target, CAST(details AS text) AS details "
                        + "FROM audit_log WHERE action = ? ORDER BY id")) {
            query.setString(1, action);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.add(new AuditRow(rs.getString("actor"), rs.getString("action"), rs.getString("outcome"),
                            rs.getString("client_ip"), rs.getString("user_agent"), rs.getString("target"),
                            new com.fasterxml.jackson.databind.ObjectMapper().readTree(rs.getString("details"))));
                }
            }
        }
        return rows;
    }

    public record AuditRow(String actor, String action, String outcome, String clientIp, String userAgent,
                           String target, JsonNode details) {
    }

    /** Runs SQL against the test database as its superuser. */
    public void sql(String statement) throws Exception {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            server.close();
        } finally {
            database.close();
        }
    }
}
