package com.seglamater.hivemind.server.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.server.TestServer;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forward-auth SSO end to end: the real Caddy from Debian runs the Authentik Caddyfile exactly as
 * docs/sso.md gives it (only host names and ports changed), in front of the real server, with a
 * stand-in for the Authentik outpost. A browser-like client signs in through Caddy; the same
 * headers sent straight to the server from an untrusted address get nothing; headers a client
 * forges through Caddy do not count.
 */
class CaddyForwardAuthE2ETest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A test-only route that answers with the request headers the server received. */
    private static final String ECHO = "/test/headers";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    private static int caddyPort;
    private static OutpostStandIn outpost;
    private static TestServer server;
    private static CaddyProcess caddy;

    @BeforeAll
    static void start() throws Exception {
        Path binary = Programs.require("caddy", "caddy");
        caddyPort = CaddyProcess.freePort();
        outpost = OutpostStandIn.start();
        server = TestServer.start(CaddyForwardAuthE2ETest::echoRoute,
                "HIVEMIND_FORWARD_AUTH", "true",
                "HIVEMIND_PUBLIC_URL", base(),
                "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS", "127.0.0.1/32",
                "HIVEMIND_FORWARD_AUTH_LOGOUT_URL", base() + OutpostStandIn.SIGN_OUT_PATH);
        caddy = CaddyProcess.start(binary, dir, CaddyProcess.TEST_OPTIONS + caddyfileFromDocs(), caddyPort);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (caddy != null) {
                caddy.close();
            }
        } finally {
            try {
                if (outpost != null) {
                    outpost.close();
                }
            } finally {
                if (server != null) {
                    server.close();
                }
            }
        }
    }

    /** The docs' Authentik Caddyfile with only the addresses changed; each change must find its text. */
    private static String caddyfileFromDocs() {
        String text = SsoDoc.under("caddyfile", "Authentik (Caddy)").text();
        text = replace(text, "hivemind.example.org {", "http://127.0.0.1:" + caddyPort + " {");
        text = replace(text, "http://authentik-outpost:9000", "http://127.0.0.1:" + outpost.port());
        text = replace(text, "reverse_proxy 127.0.0.1:8585", "reverse_proxy 127.0.0.1:" + server.port());
        return text;
    }

    private static String replace(String text, String from, String to) {
        assertThat(text).as("the docs' Authentik Caddyfile").contains(from);
        return text.replace(from, to);
    }

    private static void echoRoute(HttpRouting.Builder routing) {
        routing.get(ECHO, (req, res) -> {
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (Header header : req.headers()) {
                headers.put(header.name(), header.allValues());
            }
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(JSON.writeValueAsString(headers));
        });
    }

    private static String base() {
        return "http://127.0.0.1:" + caddyPort;
    }

    // ---- through Caddy ----

    @Test
    void aBrowserIsSentToSignInAndComesBackAsTheProvisionedUserWithItsGroupsRole() throws Exception {
        outpost.put(new OutpostStandIn.Person("alice", "alice@example.org", "Alice Example",
                List.of("staff", "hivemind-admin"), true));
        outpost.signInNext("alice");
        int signIns = outpost.signIns();
        Browser browser = new Browser();

        HttpResponse<String> me = browser.get("/api/v1/me");

        assertThat(outpost.signIns()).as("went through the outpost's sign-in").isEqualTo(signIns + 1);
        assertThat(me.uri()).isEqualTo(URI.create(base() + "/api/v1/me"));
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        JsonNode json = JSON.readTree(me.body());
        assertThat(json.path("username").asText()).isEqualTo("alice");
        assertThat(json.path("role").asText()).isEqualTo("admin");
        assertThat(json.path("source").asText()).isEqualTo("sso");
        assertThat(json.path("email").asText()).isEqualTo("alice@example.org");
        assertThat(json.path("displayName").asText()).isEqualTo("Alice Example");

        Map<String, Object> row = user("alice").orElseThrow();
        assertThat(row).containsEntry("role", "admin").containsEntry("source", "sso")
                .containsEntry("email", "alice@example.org");
        assertThat(row.get("password_hash")).isNull();
        assertThat(server.audit("user.provisioned")).anyMatch(r -> "alice".equals(r.target()));
        assertThat(server.audit("auth.sign_in")).anyMatch(r -> "alice".equals(r.target())
                && "success".equals(r.outcome()) && "forward_auth".equals(r.details().path("method").asText()));
        assertThat(browser.cookie("hivemind_session")).as("the browser got a Hivemind session").isPresent();
    }

    @Test
    void aGroupChangeAtTheOutpostChangesTheRoleOnTheNextRequest() throws Exception {
        Browser browser = signedIn(new OutpostStandIn.Person("bob", "bob@example.org", "Bob",
                List.of("hivemind-user"), true));
        assertThat(role(browser)).isEqualTo("user");
        long changes = server.audit("user.role_changed").size();
        Object updated = user("bob").orElseThrow().get("updated_at");

        assertThat(role(browser)).as("nothing changed").isEqualTo("user");
        assertThat(server.audit("user.role_changed")).hasSize((int) changes);
        assertThat(user("bob").orElseThrow().get("updated_at")).as("no write when nothing changed").isEqualTo(updated);

        outpost.put(outpost.person("bob").withGroups(List.of("hivemind-admin")));
        assertThat(role(browser)).isEqualTo("admin");
        assertThat(user("bob").orElseThrow()).containsEntry("role", "admin");
        assertThat(server.audit("user.role_changed")).anyMatch(r -> "bob".equals(r.target())
                && "user".equals(r.details().path("from").asText()) && "admin".equals(r.details().path("to").asText()));

        outpost.put(outpost.person("bob").withGroups(List.of()));
        assertThat(role(browser)).as("in neither group: the default role").isEqualTo("viewer");
    }

    @Test
    void aGroupsHeaderTheClientForgesThroughCaddyDoesNotCount() throws Exception {
        Browser browser = signedIn(new OutpostStandIn.Person("carol", "carol@example.org", "Carol",
                List.of("hivemind-user"), true));

        HttpResponse<String> me = browser.get("/api/v1/me", "X-Authentik-Groups", "hivemind-admin",
                "X-Authentik-Username", "alice");
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        JsonNode json = JSON.readTree(me.body());
        assertThat(json.path("username").asText()).isEqualTo("carol");
        assertThat(json.path("role").asText()).isEqualTo("user");
        assertThat(user("carol").orElseThrow()).containsEntry("role", "user");

        Map<String, List<String>> received = echo(browser, "X-Authentik-Groups", "hivemind-admin");
        assertThat(received.get("X-Authentik-Groups")).containsExactly("hivemind-user");
    }

    @Test
    void whenTheOutpostSendsNoGroupsHeaderAForgedOneStillDoesNotCount() throws Exception {
        Browser browser = signedIn(new OutpostStandIn.Person("dave", "dave@example.org", "Dave",
                List.of(), true).withoutGroupsHeader());

        HttpResponse<String> me = browser.get("/api/v1/me", "X-Authentik-Groups", "hivemind-admin");
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(JSON.readTree(me.body()).path("role").asText()).isEqualTo("viewer");
        assertThat(user("dave").orElseThrow()).containsEntry("role", "viewer");

        // What Caddy 2.6 passes on instead is the placeholder's text (a newer one passes nothing);
        // the client's value never.
        Map<String, List<String>> received = echo(browser, "X-Authentik-Groups", "hivemind-admin");
        assertThat(String.valueOf(received.get("X-Authentik-Groups"))).doesNotContain("hivemind-admin");
    }

    @Test
    void identityHeadersTheCaddyfileDoesNotCopyNeverReachTheServer() throws Exception {
        Browser browser = signedIn(new OutpostStandIn.Person("edna", "edna@example.org", "Edna",
                List.of("hivemind-user"), true));

        Map<String, List<String>> received = echo(browser, "X-Authentik-Uid", "forged",
                "X-Authentik-Meta-App", "forged", "x-authentik-jwt", "forged");

        assertThat(received).doesNotContainKeys("X-Authentik-Uid", "X-Authentik-Meta-App", "X-Authentik-Jwt");
        assertThat(received.get("X-Authentik-Username")).containsExactly("edna");
    }

    @Test
    void someoneElseSigningInInTheSameBrowserEndsTheFirstPersonsSession() throws Exception {
        Browser browser = signedIn(new OutpostStandIn.Person("erin", "erin@example.org", "Erin",
                List.of("hivemind-admin"), true));
        String erinsSession = browser.cookie("hivemind_session").orElseThrow();
        outpost.put(new OutpostStandIn.Person("frank", "frank@example.org", "Frank", List.of("hivemind-user"), true));
        outpost.signInNext("frank");

        // Erin signs out at the outpost only; Frank signs in on the same browser, which still holds Erin's cookie.
        browser.get(OutpostStandIn.SIGN_OUT_PATH);
        HttpResponse<String> me = browser.get("/api/v1/me");

        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        JsonNode json = JSON.readTree(me.body());
        assertThat(json.path("username").asText()).isEqualTo("frank");
        assertThat(json.path("role").asText()).isEqualTo("user");
        assertThat(browser.cookie("hivemind_session")).isPresent().get().isNotEqualTo(erinsSession);
        assertThat(sessions("erin")).as("Erin's session was ended").isZero();
        assertThat(server.audit("auth.session_ended")).anyMatch(r -> "erin".equals(r.target())
                && "identity_changed".equals(r.details().path("reason").asText()));
    }

    @Test
    void signingOutEndsTheSessionAndSendsTheBrowserToTheOutpostsSignOut() throws Exception {
        Browser browser = signedIn(new OutpostStandIn.Person("grace", "grace@example.org", "Grace",
                List.of("hivemind-user"), true));
        assertThat(sessions("grace")).isEqualTo(1);

        HttpResponse<String> out = browser.send("DELETE", "/api/v1/session",
                "X-CSRF-Token", browser.cookie("hivemind_csrf").orElseThrow());

        assertThat(out.statusCode()).as(out.body()).isEqualTo(200);
        assertThat(JSON.readTree(out.body()).path("logoutUrl").asText()).isEqualTo(base() + OutpostStandIn.SIGN_OUT_PATH);
        assertThat(sessions("grace")).isZero();
    }

    // ---- around Caddy ----

    @Test
    void identityHeadersSentStraightToTheServerFromAnUntrustedAddressGetNothing() throws Exception {
        int untrusted = server.audit("sso.untrusted_peer").size();

        // The server listens on 127.0.0.1 and trusts 127.0.0.1/32; this client connects from 127.0.0.2.
        RawResponse response = RawResponse.send("127.0.0.2", server.port(), "/api/v1/me",
                "X-Authentik-Username", "mallory", "X-Authentik-Email", "mallory@example.org",
                "X-Authentik-Groups", "hivemind-admin");

        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("unauthenticated");
        assertThat(user("mallory")).as("not provisioned").isEmpty();
        List<TestServer.AuditRow> rows = server.audit("sso.untrusted_peer");
        assertThat(rows).hasSizeGreaterThan(untrusted);
        TestServer.AuditRow row = rows.getLast();
        assertThat(row.clientIp()).isEqualTo("127.0.0.2");
        assertThat(row.outcome()).isEqualTo("denied");
        assertThat(row.details().path("peer").asText()).isEqualTo("127.0.0.2");
        assertThat(row.details().path("headers").asText()).contains("X-Authentik-Username", "X-Authentik-Groups");
        assertThat(row.details().toString()).as("names, never values").doesNotContain("mallory");
    }

    @Test
    void aStolenSessionCookieFromAnUntrustedAddressGetsNothingEither() throws Exception {
        Browser browser = signedIn(new OutpostStandIn.Person("heidi", "heidi@example.org", "Heidi",
                List.of("hivemind-admin"), true));
        String session = browser.cookie("hivemind_session").orElseThrow();

        RawResponse response = RawResponse.send("127.0.0.2", server.port(), "/api/v1/me",
                "Cookie", "hivemind_session=" + session, "X-Authentik-Username", "heidi",
                "X-Authentik-Groups", "hivemind-admin");

        assertThat(response.status()).as(response.body()).isEqualTo(401);
    }

    /** The control for the two tests above: the same raw request from the trusted address is believed. */
    @Test
    void theSameHeadersFromTheTrustedAddressAreBelieved() throws Exception {
        RawResponse response = RawResponse.send("127.0.0.1", server.port(), "/api/v1/me",
                "X-Authentik-Username", "ivan", "X-Authentik-Email", "ivan@example.org",
                "X-Authentik-Groups", "hivemind-user");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("username").asText()).isEqualTo("ivan");
        assertThat(user("ivan")).isPresent();
    }

    // ---- helpers ----

    /** A new browser that has signed in at the outpost as {@code person}. */
    private static Browser signedIn(OutpostStandIn.Person person) throws Exception {
        outpost.put(person);
        outpost.signInNext(person.username());
        Browser browser = new Browser();
        HttpResponse<String> me = browser.get("/api/v1/me");
        assertThat(me.statusCode()).as(me.body() + "\ncaddy log:\n" + caddy.log()).isEqualTo(200);
        assertThat(JSON.readTree(me.body()).path("username").asText()).isEqualTo(person.username());
        return browser;
    }

    private static String role(Browser browser) throws Exception {
        HttpResponse<String> me = browser.get("/api/v1/me");
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        return JSON.readTree(me.body()).path("role").asText();
    }

    private static Map<String, List<String>> echo(Browser browser, String... headers) throws Exception {
        HttpResponse<String> response = browser.get(ECHO, headers);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Map<String, List<String>> received = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        JSON.readTree(response.body()).properties().forEach(e -> received.put(e.getKey(),
                e.getValue().valueStream().map(JsonNode::asText).toList()));
        return received;
    }

    private static Optional<Map<String, Object>> user(String username) throws Exception {
        try (Connection c = server.database().connect();
             PreparedStatement query = c.prepareStatement("SELECT * FROM users WHERE lower(username) = lower(?)")) {
            query.setString(1, username);
            try (ResultSet rs = query.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Map<String, Object> row = new LinkedHashMap<>();
                for (int col = 1; col <= rs.getMetaData().getColumnCount(); col++) {
                    row.put(rs.getMetaData().getColumnLabel(col), rs.getObject(col));
                }
                return Optional.of(row);
            }
        }
    }

    private static long sessions(String username) throws Exception {
        try (Connection c = server.database().connect(); PreparedStatement query = c.prepareStatement(
                "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE lower(u.username) = lower(?)")) {
            query.setString(1, username);
            try (ResultSet rs = query.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A browser talking to Caddy: keeps cookies, follows redirects. */
    private static final class Browser {
        private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        private final HttpClient client = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .version(HttpClient.Version.HTTP_1_1) // as browsers speak plain http: no h2c upgrade
                .connectTimeout(Duration.ofSeconds(5))
                .build();

        HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
            return send("GET", path, headers);
        }

        HttpResponse<String> send(String method, String path, String... headers) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(TIMEOUT)
                    .method(method, HttpRequest.BodyPublishers.noBody());
            for (int i = 0; i < headers.length; i += 2) {
                request.header(headers[i], headers[i + 1]);
            }
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        Optional<String> cookie(String name) {
            return cookies.getCookieStore().getCookies().stream()
                    .filter(c -> c.getName().equals(name) && !c.getValue().isEmpty())
                    .map(HttpCookie::getValue).findFirst();
        }
    }

    /**
     * One HTTP/1.1 request over a socket bound to {@code from} (any 127.x address works on Linux),
     * so the server sees that address as the TCP peer.
     */
    private record RawResponse(int status, String body) {
        static RawResponse send(String from, int port, String path, String... headers) throws IOException {
            try (Socket socket = new Socket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                socket.setSoTimeout((int) TIMEOUT.toMillis());
                StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\n")
                        .append("Host: 127.0.0.1:").append(port).append("\r\n")
                        .append("Connection: close\r\n");
                for (int i = 0; i < headers.length; i += 2) {
                    request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
                }
                OutputStream out = socket.getOutputStream();
                out.write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return read(socket.getInputStream());
            }
        }

        /** Reads one response: the head, then a Content-Length or chunked body (the server may keep the connection open). */
        private static RawResponse read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed in the response head: " + head);
                }
                head.write(b);
            }
            List<String> lines = head.toString(StandardCharsets.ISO_8859_1).lines().toList();
            int status = Integer.parseInt(lines.getFirst().split(" ", 3)[1]);
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String line : lines.subList(1, lines.size())) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if ("chunked".equalsIgnoreCase(headers.get("Transfer-Encoding"))) {
                for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
                    body.write(in.readNBytes(size));
                    in.readNBytes(2);
                }
            } else if (headers.containsKey("Content-Length")) {
                body.write(in.readNBytes(Integer.parseInt(headers.get("Content-Length"))));
            }
            return new RawResponse(status, body.toString(StandardCharsets.UTF_8));
        }

        private static int chunkSize(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                line.append((char) b);
            }
            return Integer.parseInt(line.toString().split(";")[0].strip(), 16);
        }
    }
}
