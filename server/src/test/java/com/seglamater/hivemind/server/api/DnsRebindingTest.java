package com.seglamater.hivemind.server.api;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.LogCapture;
import com.seglamater.hivemind.server.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DNS rebinding (issue 12). A page a browser on the server's host opened re-points its own
 * name at 127.0.0.1 and talks to the server as that name: to the browser it is same-origin, so
 * {@code Origin} matches {@code Host} and the page may add any header, the forward-auth
 * proxy's identity headers included; the connection comes from 127.0.0.1, the trusted proxy.
 * Raw sockets: Java's HTTP client will not send a {@code Host} of the test's choosing.
 * <p>
 * {@link #server}: forward auth trusting 127.0.0.1/32 (the documented set-up with the proxy on
 * the host) and {@code HIVEMIND_PUBLIC_URL=https://hivemind.example.org}. {@link #open}: no
 * public URL and no forward auth, the default, which keeps answering any host.
 */
class DnsRebindingTest {

    private static final String PUBLIC_URL = "https://hivemind.example.org";
    private static final String API_KEY = "rebinding-test-key-0123456789abcdefghij";

    private static TestServer server;
    private static TestServer open;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("HIVEMIND_FORWARD_AUTH", "true", "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS", "127.0.0.1/32",
                "HIVEMIND_PUBLIC_URL", PUBLIC_URL, "ADMIN_API_KEY", API_KEY);
        open = TestServer.start("ADMIN_API_KEY", API_KEY);
        open.createUser("rb_local", "user");
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestServer s : new TestServer[] {server, open}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static String rebound(int port) {
        return "rebind.evil.example:" + port;
    }

    private static final String[] FORGED_ADMIN = {"X-Authentik-Username: rb_mallory",
            "X-Authentik-Groups: hivemind-admin", "Cookie: authentik_proxy_x=whatever"};

    private static long count(TestServer on, String sql, Object... params) throws Exception {
        return ((Number) Rows.query(on, sql, params).getFirst().get("n")).longValue();
    }

    // ---- the attack ----

    @Test
    void aRebindingPageWithForgedIdentityHeadersGetsNoSessionAndCannotQueueUpdateCommands() throws Exception {
        int port = server.port();
        String host = rebound(port);
        long commandsBefore = count(server, "SELECT count(*) AS n FROM update_commands");

        // Step 1, as the page would: a GET through "the proxy" to get a session and its CSRF token.
        RawHttp.Response me = RawHttp.exchange(port, "GET", "/api/v1/me", host, FORGED_ADMIN);
        // Step 2: queue a command with whatever step 1 handed out.
        List<String> step2 = new ArrayList<>(List.of(FORGED_ADMIN));
        step2.add("Origin: http://" + host);
        sessionCookie(me).ifPresent(cookie -> step2.set(2, "Cookie: authentik_proxy_x=whatever; " + cookie));
        if (me.json() != null && me.json().has("csrfToken")) {
            step2.add("X-CSRF-Token: " + me.json().path("csrfToken").asText());
        }
        RawHttp.Response queued = RawHttp.exchangeJson(port, "POST", "/api/v1/updates/commands", host,
                "{\"kind\":\"rollback\"}", step2.toArray(String[]::new));

        assertThat(me.status()).as(me.toString()).isEqualTo(421);
        assertThat(me.error()).isEqualTo("host_not_allowed");
        assertThat(me.all("Set-Cookie")).as("no session handed out").isEmpty();
        assertThat(queued.status()).as(queued.toString()).isEqualTo(421);
        assertThat(count(server, "SELECT count(*) AS n FROM update_commands")).isEqualTo(commandsBefore);
        assertThat(count(server, "SELECT count(*) AS n FROM users WHERE username = 'rb_mallory'"))
                .as("not even provisioned").isZero();
        assertThat(count(server, "SELECT count(*) AS n FROM sessions")).isZero();
    }

    private static Optional<String> sessionCookie(RawHttp.Response response) {
        return response.all("Set-Cookie").stream().filter(c -> c.startsWith("hivemind_session="))
                .map(c -> c.split(";", 2)[0]).findFirst();
    }

    @Test
    void theRefusalIsJsonNamingTheHostAndWhatToConfigure() {
        RawHttp.Response refused = RawHttp.exchange(server.port(), "GET", "/", "Rebind.Evil.Example");

        assertThat(refused.status()).isEqualTo(421);
        assertThat(refused.header("Content-Type")).contains("application/json");
        assertThat(refused.header("X-Content-Type-Options")).contains("nosniff");
        assertThat(refused.json().path("message").asText()).contains("'Rebind.Evil.Example'")
                .contains("HIVEMIND_PUBLIC_URL");
    }

    @Test
    void theSameRequestsThroughTheConfiguredHostStillWork() throws Exception {
        // Through the real proxy (Host: the public name) the identity headers count as before.
        RawHttp.Response me = RawHttp.exchange(server.port(), "GET", "/api/v1/me", "hivemind.example.org",
                "X-Authentik-Username: rb_alice", "X-Authentik-Groups: hivemind-admin");

        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json().path("role").asText()).isEqualTo("admin");
        assertThat(RawHttp.exchange(server.port(), "GET", "/api/v1/auth", "hivemind.example.org:443").status())
                .as("with the default port written out").isEqualTo(200);
        assertThat(RawHttp.exchange(server.port(), "GET", "/api/v1/auth", "hivemind.example.org:8443").status())
                .as("another port is another origin").isEqualTo(421);
        assertThat(RawHttp.exchange(server.port(), "GET", "/api/v1/auth", "hivemind.example.org.evil.example").status())
                .isEqualTo(421);
    }

    @Test
    void loopbackHostsOnAnyPortKeepWorkingForLocalChecksAndProxies() {
        int port = server.port();
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port, "127.0.0.1:8080",
                "LOCALHOST", "127.0.0.2:" + port)) {
            assertThat(RawHttp.exchange(port, "GET", "/health", host).status()).as(host).isEqualTo(200);
            assertThat(RawHttp.exchange(port, "GET", "/api/v1/auth", host).status()).as(host).isEqualTo(200);
        }
        for (String host : List.of("localhost.", "127.1:" + port, "localhost.evil.example", "0.0.0.0:" + port)) {
            assertThat(RawHttp.exchange(port, "GET", "/api/v1/auth", host).status()).as(host).isEqualTo(421);
        }
    }

    @Test
    void healthAnswersAnyHostForTheAgentsProbeButNothingElseDoes() {
        // The updater probes http://hivemind-server:8585/health in the compose stack.
        RawHttp.Response health = RawHttp.exchange(server.port(), "GET", "/health", "hivemind-server:8585");

        assertThat(health.status()).as(health.toString()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("UP");
        assertThat(RawHttp.exchange(server.port(), "GET", "/api/v1/auth", "hivemind-server:8585").status())
                .isEqualTo(421);
        assertThat(RawHttp.exchange(server.port(), "GET", "/health", rebound(server.port()),
                FORGED_ADMIN).all("Set-Cookie")).isEmpty();
    }

    // ---- Origin against the configured origin ----

    @Test
    void aStateChangingRequestMustComeFromTheConfiguredOriginSchemeIncluded() throws Exception {
        String[] identity = {"X-Authentik-Username: rb_olga", "X-Authentik-Groups: hivemind-admin",
                "Cookie: authentik_proxy_x=whatever"};
        RawHttp.Response me = RawHttp.exchange(server.port(), "GET", "/api/v1/me", "hivemind.example.org", identity);
        String cookie = sessionCookie(me).orElseThrow(() -> new AssertionError("no session: " + me));
        String csrf = me.json().path("csrfToken").asText();

        for (String origin : List.of("http://hivemind.example.org", "https://hivemind.example.org:8443",
                "https://evil.example", "null")) {
            RawHttp.Response refused = RawHttp.exchangeJson(server.port(), "POST", "/api/v1/tokens", "hivemind.example.org",
                    "{\"name\":\"x\"}", identity[0], identity[1], "Cookie: " + cookie, "X-CSRF-Token: " + csrf,
                    "Origin: " + origin);
            assertThat(refused.status()).as(origin + ": " + refused).isEqualTo(403);
            assertThat(refused.error()).isEqualTo("csrf_failed");
        }
        RawHttp.Response created = RawHttp.exchangeJson(server.port(), "POST", "/api/v1/tokens", "hivemind.example.org",
                "{\"name\":\"x\"}", identity[0], identity[1], "Cookie: " + cookie, "X-CSRF-Token: " + csrf,
                "Origin: https://hivemind.example.org");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    // ---- the admin socket ----

    @Test
    void theAdminSocketRefusesForeignHostsEvenWithItsToken() throws Exception {
        String bearer = "Authorization: Bearer " + server.adminToken();
        int port = server.adminPort();

        RawHttp.Response refused = RawHttp.exchange(port, "GET", "/admin/v1/status", rebound(port), bearer);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(421);
        assertThat(refused.error()).isEqualTo("host_not_allowed");
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "hivemind-server:8586")) {
            assertThat(RawHttp.exchange(port, "GET", "/admin/v1/status", host, bearer).status()).as(host).isEqualTo(200);
        }
        assertThat(RawHttp.exchange(port, "GET", "/admin/v1/status", "hivemind.example.org", bearer).status())
                .as("the public name is the main listener's, not the admin socket's").isEqualTo(421);
    }

    // ---- without HIVEMIND_PUBLIC_URL ----

    @Test
    void withoutAPublicUrlAnyHostIsAnsweredAsBeforeSoAnExistingProxySetUpKeepsWorking() {
        // Caddy in front of an installation that predates the variable passes Host: its public name.
        RawHttp.Response signIn = RawHttp.exchangeJson(open.port(), "POST", "/api/v1/session", "hivemind.example.org",
                "{\"username\":\"rb_local\",\"password\":\"" + TestServer.PASSWORD + "\"}",
                "Origin: https://hivemind.example.org", "X-Forwarded-For: 203.0.113.7", "X-Forwarded-Proto: https");

        assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
        assertThat(RawHttp.exchange(open.port(), "GET", "/health", "hivemind.example.org").status()).isEqualTo(200);
    }

    @Test
    void withoutAPublicUrlTheServerWarnsAtStartAndWithItItDoesNot() throws Exception {
        List<LogRecord> records;
        try (LogCapture capture = LogCapture.start()) {
            TestServer.start().close();
            TestServer.start("HIVEMIND_PUBLIC_URL", PUBLIC_URL).close();
            records = capture.records();
        }

        List<String> warnings = records.stream().filter(r -> r.getLevel() == Level.WARNING)
                .map(LogRecord::getMessage).filter(m -> m.contains("HIVEMIND_PUBLIC_URL")).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.getFirst()).startsWith("HIVEMIND_PUBLIC_URL is not set: the server answers requests for any "
                + "host name, so a web page that a browser on this host opens could reach it by DNS rebinding");
        assertThat(records).extracting(LogRecord::getMessage)
                .anySatisfy(m -> assertThat(m).contains("(users open https://hivemind.example.org)"));
    }

    @Test
    void withoutAPublicUrlAnHttpOriginIsRefusedForARequestAProxySaysCameOverHttps() {
        RawHttp.Response refused = RawHttp.exchangeJson(open.port(), "POST", "/api/v1/session", "hivemind.example.org",
                "{\"username\":\"rb_local\",\"password\":\"" + TestServer.PASSWORD + "\"}",
                "Origin: http://hivemind.example.org", "X-Forwarded-Proto: https");

        assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
        assertThat(refused.error()).isEqualTo("csrf_failed");
    }
}
