package com.seglamater.hivemind.server.api;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rate limiting over HTTP, with small limits so a test can use them up: the API per client IP
 * (429, Retry-After, one audit entry per trip, /health exempt, keyed by the real client IP
 * and not by headers an untrusted peer sends), and sign-in per IP and per account name.
 * One server per configuration; each test uses its own client addresses (sent as
 * X-Forwarded-For from the trusted loopback peer) and accounts, so buckets are not shared.
 * The limiters run on the server's clock, which stands still unless a test moves it
 * ({@link TestServer}): no budget refills while a test spends it, however slowly it runs.
 */
class RateLimitApiTest {

    /** 5 API requests a minute per client; one token back every 12 s. */
    private static TestServer api;
    /** 3 sign-in attempts per IP and 2 per account in 10 minutes; API unlimited. */
    private static TestServer signIn;
    /** As {@link #api} but 127.0.0.1 is not a trusted proxy. */
    private static TestServer untrusted;

    @BeforeAll
    static void start() throws Exception {
        api = TestServer.start("HIVEMIND_RATE_LIMIT_API", "5/1m");
        signIn = TestServer.start("HIVEMIND_RATE_LIMIT_SIGNIN", "3/10m",
                "HIVEMIND_RATE_LIMIT_SIGNIN_ACCOUNT", "2/10m");
        untrusted = TestServer.start("HIVEMIND_RATE_LIMIT_API", "5/1m", "HIVEMIND_TRUSTED_PROXIES", "10.0.0.0/8");
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestServer s : new TestServer[] {api, signIn, untrusted}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static final String XFF = "X-Forwarded-For";

    private static void assertLimited(ApiClient.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(429);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(response.error()).isEqualTo("rate_limited");
        assertThat(response.json().path("message").asText()).isNotBlank();
        String retryAfter = response.headers().firstValue("Retry-After").orElseThrow();
        assertThat(retryAfter).as("whole seconds").matches("[0-9]+");
        assertThat(Long.parseLong(retryAfter)).isBetween(1L, 600L);
    }

    private static List<TestServer.AuditRow> trips(TestServer server, String target) throws Exception {
        return server.audit("rate_limit.tripped").stream().filter(r -> target.equals(r.target())).toList();
    }

    private static long sessionsOf(TestServer server, String username) throws SQLException {
        try (Connection c = server.database().connect(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = ?")) {
            s.setString(1, username);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static ApiClient.Response attempt(TestServer server, ApiClient client, String username, String password,
                                              String ip) {
        return client.post("/api/v1/session", TestServer.credentials(username, password), XFF, ip);
    }

    // ---- the API limit ----

    @Test
    void theSixthApiRequestInAMinuteIs429WithRetryAfterAndOneAuditEntryPerTrip() throws Exception {
        String ip = "203.0.113.10";
        ApiClient client = api.client();
        for (int i = 1; i <= 5; i++) {
            // Unauthenticated requests cost quota too: the limit comes before authentication.
            assertThat(client.get("/api/v1/me", XFF, ip).status()).as("request " + i).isEqualTo(401);
        }
        for (int i = 6; i <= 10; i++) {
            assertLimited(client.get("/api/v1/me", XFF, ip));
        }
        List<TestServer.AuditRow> trips = trips(api, "api:" + ip);
        assertThat(trips).as("one entry for the burst of five refusals").hasSize(1);
        TestServer.AuditRow trip = trips.getFirst();
        assertThat(trip.outcome()).isEqualTo("denied");
        assertThat(trip.clientIp()).isEqualTo(ip);
        assertThat(trip.details().path("limit").asText()).isEqualTo("api");
        assertThat(trip.details().path("retryAfterSeconds").asLong()).isPositive();
    }

    @Test
    void aRefusedRequestDoesNothing() throws Exception {
        String ip = "203.0.113.12";
        api.createUser("rl_admin", "admin");
        ApiClient admin = api.client();
        assertThat(attempt(api, admin, "rl_admin", TestServer.PASSWORD, ip).status()).isEqualTo(200);
        for (int i = 2; i <= 5; i++) {
            assertThat(admin.get("/api/v1/me", XFF, ip).status()).isEqualTo(200);
        }
        ApiClient.Response refused = admin.postWithCsrf("/api/v1/users", "{\"username\":\"rl_never\",\"role\":\"user\","
                + "\"password\":\"" + TestServer.PASSWORD + "\"}", XFF, ip);
        assertLimited(refused);
        assertThat(api.audit("user.created")).noneMatch(r -> "rl_never".equals(r.target()));
        try (Connection c = api.database().connect();
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM users WHERE username = 'rl_never'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the user was not created").isZero();
        }
    }

    @Test
    void healthIsNeverLimited() throws Exception {
        String ip = "203.0.113.11";
        ApiClient client = api.client();
        for (int i = 1; i <= 5; i++) {
            client.get("/api/v1/me", XFF, ip);
        }
        assertLimited(client.get("/api/v1/me", XFF, ip));
        for (int i = 0; i < 20; i++) {
            ApiClient.Response health = client.get("/health", XFF, ip);
            assertThat(health.status()).as("health " + i).isEqualTo(200);
            assertThat(health.headers().firstValue("Retry-After")).isEmpty();
        }
        assertLimited(client.get("/api/v1/me", XFF, ip));
    }

    @Test
    void clientsBehindTheTrustedProxyHaveTheirOwnBuckets() throws Exception {
        String first = "203.0.113.20";
        String second = "203.0.113.21";
        ApiClient client = api.client();
        for (int i = 1; i <= 5; i++) {
            client.get("/api/v1/me", XFF, first);
        }
        assertLimited(client.get("/api/v1/me", XFF, first));
        // Same TCP peer (the proxy, 127.0.0.1), another client: a full budget of its own.
        for (int i = 1; i <= 5; i++) {
            assertThat(client.get("/api/v1/me", XFF, "198.51.100.99, " + second).status()).as("request " + i).isEqualTo(401);
        }
        assertLimited(client.get("/api/v1/me", XFF, second));
        assertLimited(client.get("/api/v1/me", XFF, first));
        assertThat(trips(api, "api:" + first)).hasSize(1);
        assertThat(trips(api, "api:" + second)).hasSize(1);
    }

    @Test
    void anUntrustedPeerCannotEscapeTheLimitByVaryingForwardingHeaders() throws Exception {
        ApiClient client = untrusted.client();
        for (int i = 1; i <= 5; i++) {
            assertThat(client.get("/api/v1/me", XFF, "203.0.113." + i, "X-Real-IP", "198.51.100." + i).status())
                    .as("request " + i).isEqualTo(401);
        }
        for (int i = 6; i <= 9; i++) {
            assertLimited(client.get("/api/v1/me", XFF, "203.0.113." + i, "X-Real-IP", "198.51.100." + i));
        }
        assertLimited(client.get("/api/v1/me"));
        List<TestServer.AuditRow> trips = untrusted.audit("rate_limit.tripped");
        assertThat(trips).hasSize(1);
        assertThat(trips.getFirst().target()).isEqualTo("api:127.0.0.1");
        assertThat(trips.getFirst().clientIp()).isEqualTo("127.0.0.1");
    }

    // ---- sign-in limits ----

    @Test
    void theFourthSignInFromOneIpIs429EvenWithTheRightPasswordAndMakesNoSession() throws Exception {
        String ip = "198.51.100.20";
        signIn.createUser("bf_user", "user");
        ApiClient attacker = signIn.client();
        // Three accounts, one guess each: only the per-IP limit can stop the fourth.
        for (String name : List.of("bf_guess1", "bf_guess2", "bf_guess3")) {
            assertThat(attempt(signIn, attacker, name, "guess", ip).status()).isEqualTo(401);
        }
        ApiClient.Response right = attempt(signIn, attacker, "bf_user", TestServer.PASSWORD, ip);
        assertLimited(right);
        assertThat(right.setCookie("hivemind_session")).isEmpty();
        assertThat(attacker.cookie("hivemind_session")).isNull();
        assertLimited(attempt(signIn, attacker, "bf_user", TestServer.PASSWORD, ip));
        assertThat(sessionsOf(signIn, "bf_user")).as("no session created").isZero();
        assertThat(signIn.audit("auth.sign_in")).noneMatch(r -> "bf_user".equals(r.target()));
        List<TestServer.AuditRow> trips = trips(signIn, "sign-in:" + ip);
        assertThat(trips).hasSize(1);
        assertThat(trips.getFirst().details().path("limit").asText()).isEqualTo("sign-in");

        // The account is not locked: from another address the right password works.
        ApiClient owner = signIn.client();
        assertThat(attempt(signIn, owner, "bf_user", TestServer.PASSWORD, "198.51.100.21").status()).isEqualTo(200);
        assertThat(sessionsOf(signIn, "bf_user")).isEqualTo(1);
    }

    @Test
    void failuresForOneAccountFromManyAddressesAreLimitedWhileOtherAccountsAreNot() throws Exception {
        signIn.createUser("pa_victim", "user");
        signIn.createUser("pa_other", "user");
        ApiClient attacker = signIn.client();
        assertThat(attempt(signIn, attacker, "pa_victim", "guess 1", "198.51.100.31").status()).isEqualTo(401);
        assertThat(attempt(signIn, attacker, "pa_victim", "guess 2", "198.51.100.32").status()).isEqualTo(401);
        // A third address, and even the right password: the account's failure budget is spent.
        ApiClient.Response right = attempt(signIn, attacker, "pa_victim", TestServer.PASSWORD, "198.51.100.33");
        assertLimited(right);
        assertThat(right.setCookie("hivemind_session")).isEmpty();
        assertLimited(attempt(signIn, attacker, "pa_victim", "guess 3", "198.51.100.34"));
        assertLimited(attempt(signIn, attacker, "PA_Victim", TestServer.PASSWORD, "198.51.100.38"));
        assertThat(sessionsOf(signIn, "pa_victim")).isZero();
        assertThat(signIn.audit("auth.sign_in").stream()
                .filter(r -> "pa_victim".equals(r.target()) && r.outcome().equals("failure")).count())
                .as("only the two checked attempts were tried and audited as failures").isEqualTo(2);
        List<TestServer.AuditRow> trips = trips(signIn, "account:pa_victim");
        assertThat(trips).hasSize(1);
        assertThat(trips.getFirst().details().path("limit").asText()).isEqualTo("sign-in per account");

        ApiClient other = signIn.client();
        assertThat(attempt(signIn, other, "pa_other", "typo", "198.51.100.35").status()).isEqualTo(401);
        assertThat(attempt(signIn, other, "pa_other", TestServer.PASSWORD, "198.51.100.36").status()).isEqualTo(200);
        assertThat(sessionsOf(signIn, "pa_other")).isEqualTo(1);
    }

    @Test
    void anUnknownAccountIsLimitedExactlyLikeAKnownOne() throws Exception {
        signIn.createUser("en_known", "user");
        ApiClient client = signIn.client();
        ApiClient.Response[] known = new ApiClient.Response[3];
        ApiClient.Response[] unknown = new ApiClient.Response[3];
        for (int i = 0; i < 3; i++) {
            known[i] = attempt(signIn, client, "en_known", "guess", "198.51.100." + (41 + i));
            unknown[i] = attempt(signIn, client, "en_ghost", "guess", "198.51.100." + (51 + i));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(unknown[i].status()).as("attempt " + (i + 1)).isEqualTo(known[i].status());
            assertThat(unknown[i].error()).isEqualTo(known[i].error());
            assertThat(digitless(unknown[i].json().path("message").asText()))
                    .isEqualTo(digitless(known[i].json().path("message").asText()));
            assertThat(unknown[i].headers().firstValue("Retry-After").isPresent())
                    .isEqualTo(known[i].headers().firstValue("Retry-After").isPresent());
        }
        assertThat(known[0].status()).isEqualTo(401);
        assertThat(known[1].status()).isEqualTo(401);
        assertLimited(known[2]);
        assertLimited(unknown[2]);
        assertThat(trips(signIn, "account:en_ghost")).hasSize(1);
    }

    private static String digitless(String text) {
        return text.replaceAll("[0-9]+", "N");
    }
}
