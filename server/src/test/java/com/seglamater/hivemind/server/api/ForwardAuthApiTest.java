package com.seglamater.hivemind.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Forward-auth SSO against the running server (issue 5). The test client connects from
 * 127.0.0.1: to {@link #server} it is the trusted proxy (127.0.0.1/32), to {@link #elsewhere}
 * (which trusts only 10.0.0.0/8) it is any other peer. A client given a cookie of "the proxy's
 * own" behaves like a browser behind a forward-auth proxy; one without cookies like a script.
 */
class ForwardAuthApiTest {

    private static final String LOGIN = "https://auth.example.com/if/flow/hivemind/";
    private static final String LOGOUT = "https://auth.example.com/outpost.goauthentik.io/sign_out";
    private static final String API_KEY = "break-glass-key-0123456789abcdefghijkl";
    private static final String PUBLIC_URL = "https://hivemind.example.org";

    private static TestServer server;
    private static TestServer elsewhere;
    private static TestServer closed;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("HIVEMIND_FORWARD_AUTH", "true", "HIVEMIND_PUBLIC_URL", PUBLIC_URL,
                "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS", "127.0.0.1/32",
                "HIVEMIND_FORWARD_AUTH_LOGIN_URL", LOGIN,
                "HIVEMIND_FORWARD_AUTH_LOGOUT_URL", LOGOUT,
                "ADMIN_API_KEY", API_KEY);
        elsewhere = TestServer.start("HIVEMIND_FORWARD_AUTH", "true", "HIVEMIND_PUBLIC_URL", PUBLIC_URL,
                "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS", "10.0.0.0/8");
        closed = TestServer.start("HIVEMIND_FORWARD_AUTH", "true", "HIVEMIND_PUBLIC_URL", PUBLIC_URL,
                "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS", "127.0.0.1/32",
                "HIVEMIND_DEFAULT_ROLE", "none");
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestServer s : new TestServer[] {server, elsewhere, closed}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** The identity headers the Authentik outpost would add. */
    private static String[] as(String user, String groups, String... more) {
        List<String> headers = new ArrayList<>(List.of("X-Authentik-Username", user, "X-Authentik-Groups", groups));
        headers.addAll(List.of(more));
        return headers.toArray(String[]::new);
    }

    /** A browser behind the proxy: it keeps cookies, and carries the proxy's own. */
    private static ApiClient browser(TestServer on) {
        ApiClient client = on.client();
        client.cookies().put("authentik_proxy_x", "proxy-session");
        return client;
    }

    private static Map<String, Object> account(TestServer on, String username) throws Exception {
        List<Map<String, Object>> rows = Rows.query(on, "SELECT * FROM users WHERE lower(username) = lower(?)", username);
        assertThat(rows).as("account " + username).hasSize(1);
        return rows.getFirst();
    }

    private static long count(TestServer on, String sql, Object... params) throws Exception {
        return ((Number) Rows.query(on, sql, params).getFirst().get("n")).longValue();
    }

    /** How many sessions the account has in the database. */
    private static long sessionsOf(TestServer on, String username) throws Exception {
        return count(on, "SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = ?",
                username);
    }

    private static List<TestServer.AuditRow> auditFor(TestServer on, String action, String target) throws Exception {
        return on.audit(action).stream().filter(r -> target.equals(r.target())).toList();
    }

    // ---- provisioning and roles ----

    @Test
    void aTrustedPeerProvisionsTheUserWithTheRoleOfItsGroups() throws Exception {
        ApiClient.Response me = server.client().get("/api/v1/me", as("fa_alice", "staff|hivemind-admin",
                "X-Authentik-Email", "alice@example.com", "X-Authentik-Name", "Alice Liddell"));

        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json().path("username").asText()).isEqualTo("fa_alice");
        assertThat(me.json().path("role").asText()).isEqualTo("admin");
        assertThat(me.json().path("source").asText()).isEqualTo("sso");
        assertThat(me.json().path("authenticatedBy").asText()).isEqualTo("forward_auth");
        Map<String, Object> row = account(server, "fa_alice");
        assertThat(row.get("role")).isEqualTo("admin");
        assertThat(row.get("source")).isEqualTo("sso");
        assertThat(row.get("email")).isEqualTo("alice@example.com");
        assertThat(row.get("display_name")).isEqualTo("Alice Liddell");
        assertThat(row.get("password_hash")).isNull();
        List<TestServer.AuditRow> provisioned = auditFor(server, "user.provisioned", "fa_alice");
        assertThat(provisioned).hasSize(1);
        assertThat(provisioned.getFirst().details().path("role").asText()).isEqualTo("admin");
    }

    @Test
    void theUserGroupGivesUserAndNoGroupGivesTheDefaultRole() throws Exception {
        assertThat(server.client().get("/api/v1/me", as("fa_ulla", "hivemind-user")).json().path("role").asText())
                .isEqualTo("user");
        assertThat(server.client().get("/api/v1/me", as("fa_vic", "staff")).json().path("role").asText())
                .isEqualTo("viewer");
        // Compared exactly: a look-alike group grants nothing.
        assertThat(server.client().get("/api/v1/me", as("fa_eve", "Hivemind-Admin|hivemind-admins")).json()
                .path("role").asText()).isEqualTo("viewer");
    }

    @Test
    void aGroupChangeBetweenTwoRequestsChangesTheRoleAtOnceAndIsAudited() throws Exception {
        ApiClient browser = browser(server);
        assertThat(browser.get("/api/v1/me", as("fa_bob", "hivemind-user")).json().path("role").asText())
                .isEqualTo("user");
        assertThat(browser.get("/api/v1/users", as("fa_bob", "hivemind-user")).status()).isEqualTo(403);

        ApiClient.Response promoted = browser.get("/api/v1/users", as("fa_bob", "hivemind-user|hivemind-admin"));
        assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
        assertThat(account(server, "fa_bob").get("role")).isEqualTo("admin");

        ApiClient.Response demoted = browser.get("/api/v1/users", as("fa_bob", ""));
        assertThat(demoted.status()).as(demoted.toString()).isEqualTo(403);
        assertThat(account(server, "fa_bob").get("role")).isEqualTo("viewer");

        List<TestServer.AuditRow> changes = auditFor(server, "user.role_changed", "fa_bob");
        assertThat(changes).extracting(r -> r.details().path("from").asText() + ">" + r.details().path("to").asText())
                .containsExactly("user>admin", "admin>viewer");
        assertThat(changes).allSatisfy(r -> assertThat(r.details().path("reason").asText()).isEqualTo("groups"));
    }

    @Test
    void requestsThatChangeNothingWriteNothing() throws Exception {
        String[] headers = as("fa_quiet", "hivemind-user", "X-Authentik-Email", "quiet@example.com");
        ApiClient browser = browser(server);
        assertThat(browser.get("/api/v1/me", headers).status()).isEqualTo(200);
        Object updated = account(server, "fa_quiet").get("updated_at");
        long audit = count(server, "SELECT count(*) AS n FROM audit_log WHERE target = ?", "fa_quiet");

        for (int i = 0; i < 5; i++) {
            assertThat(browser.get("/api/v1/me", headers).status()).isEqualTo(200);
        }

        assertThat(account(server, "fa_quiet").get("updated_at")).isEqualTo(updated);
        assertThat(count(server, "SELECT count(*) AS n FROM audit_log WHERE target = ?", "fa_quiet")).isEqualTo(audit);
        assertThat(sessionsOf(server, "fa_quiet")).isEqualTo(1);
    }

    @Test
    void emailAndDisplayNameFollowTheHeaders() throws Exception {
        server.client().get("/api/v1/me", as("fa_jose", "hivemind-user", "X-Authentik-Email", "jose@example.com"));
        ApiClient.Response me = server.client().get("/api/v1/me", as("fa_jose", "hivemind-user",
                "X-Authentik-Email", "jose.nunez@example.com", "X-Authentik-Name", "Jose Nunez"));

        assertThat(me.json().path("displayName").asText()).isEqualTo("Jose Nunez");
        Map<String, Object> row = account(server, "fa_jose");
        assertThat(row.get("email")).isEqualTo("jose.nunez@example.com");
        assertThat(row.get("display_name")).isEqualTo("Jose Nunez");
        assertThat(auditFor(server, "user.updated", "fa_jose")).hasSize(1);

        // Absent headers leave the stored values alone.
        server.client().get("/api/v1/me", as("fa_jose", "hivemind-user"));
        assertThat(account(server, "fa_jose").get("email")).isEqualTo("jose.nunez@example.com");
    }

    @Test
    void aNameWithBytesBeyondAsciiIsNotStoredGarbled() throws Exception {
        // An IdP sends "José" as UTF-8 bytes (rawGet writes each char below 256 as one byte);
        // the server reads header values as ASCII, so the value is left out rather than mangled.
        String utf8AsBytes = new String("José Núñez".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        ApiClient.Response me = rawGet(server.port(), "/api/v1/me", "X-Authentik-Username: fa_nonascii",
                "X-Authentik-Groups: hivemind-user", "X-Authentik-Name: " + utf8AsBytes);

        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(account(server, "fa_nonascii").get("display_name")).isNull();
    }

    @Test
    void aLocalAccountOfTheSameNameIsLinkedOnce() throws Exception {
        server.createUser("fa_carol", "viewer");
        ApiClient.Response me = server.client().get("/api/v1/me", as("fa_carol", "hivemind-user"));

        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json().path("username").asText()).isEqualTo("fa_carol");
        assertThat(me.json().path("role").asText()).isEqualTo("user");
        assertThat(account(server, "fa_carol").get("source")).isEqualTo("sso");
        assertThat(account(server, "fa_carol").get("password_hash")).as("the identity provider owns it now").isNull();
        server.client().get("/api/v1/me", as("fa_carol", "hivemind-user"));
        assertThat(auditFor(server, "user.linked", "fa_carol")).hasSize(1);
    }

    @Test
    void aScriptsRequestThatChangesNothingReadsNothing() throws Exception {
        // Issue 15: the proxy's user, read a moment ago, is remembered (RecentCredentials): with the
        // database cut off, the same request is still answered; a new name cannot be and gets 503.
        for (int i = 0; i < 3; i++) {
            assertThat(server.client().get("/api/v1/me", as("fa_script", "hivemind-user")).status()).isEqualTo(200);
        }
        try {
            server.database().cutOff();
            assertThat(server.client().get("/api/v1/me", as("fa_script", "hivemind-user")).status()).isEqualTo(200);
            assertThat(server.client().get("/api/v1/me", as("fa_never_seen", "hivemind-user")).status()).isEqualTo(503);
        } finally {
            server.database().restore();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (server.client().get("/health").status() != 200 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        // A change of groups is seen on the next request all the same.
        assertThat(server.client().get("/api/v1/me", as("fa_script", "hivemind-admin")).json().path("role").asText())
                .isEqualTo("admin");
    }

    @Test
    void anAdminCannotSetAPasswordOnAnSsoAccount() throws Exception {
        assertThat(server.client().get("/api/v1/me", as("fa_nopass", "hivemind-user")).status()).isEqualTo(200);
        ApiClient.Response reset = server.client().post("/api/v1/users/fa_nopass/password",
                "{\"newPassword\":\"a-long-enough-password-1\"}", "Authorization", "Bearer " + API_KEY);

        assertThat(reset.status()).as(reset.toString()).isEqualTo(409);
        assertThat(reset.error()).isEqualTo("no_local_password");
        assertThat(account(server, "fa_nopass").get("password_hash")).isNull();
    }

    @Test
    void aResetRacingAnSsoLinkNeverLeavesAPasswordOnTheSsoAccount() throws Exception {
        // Issue 13: the reset checked "local" on an unlocked read and wrote later, so a link that
        // committed in between left a password on an SSO account. The link below holds the row
        // while the reset runs; the reset must see what the link committed.
        server.createUser("fa_racer", "user");
        try (java.sql.Connection link = server.database().connect()) {
            link.setAutoCommit(false);
            try (java.sql.Statement st = link.createStatement()) {
                st.execute("SELECT id FROM users WHERE username = 'fa_racer' FOR UPDATE");
                st.execute("UPDATE users SET source = 'sso', password_hash = NULL WHERE username = 'fa_racer'");
            }
            java.util.concurrent.CompletableFuture<ApiClient.Response> reset = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> server.client().post("/api/v1/users/fa_racer/password",
                            "{\"newPassword\":\"a-long-enough-password-2\"}", "Authorization", "Bearer " + API_KEY));
            awaitBlockedOnTheRow(server);
            link.commit();
            ApiClient.Response response = reset.get(30, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(response.status()).as(response.toString()).isEqualTo(409);
            assertThat(response.error()).isEqualTo("no_local_password");
        }
        assertThat(account(server, "fa_racer").get("source")).isEqualTo("sso");
        assertThat(account(server, "fa_racer").get("password_hash")).isNull();
    }

    /** Waits (bounded) until a statement of the server waits for a row lock. */
    private static void awaitBlockedOnTheRow(TestServer server) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        try (java.sql.Connection watch = server.database().connect();
             java.sql.PreparedStatement blocked = watch.prepareStatement("SELECT count(*) FROM pg_stat_activity "
                     + "WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            while (System.nanoTime() < deadline) {
                try (java.sql.ResultSet rows = blocked.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("the reset never waited for the row the link holds");
    }

    @Test
    void aNameDifferingOnlyInCaseFromAnAccountsIsRefusedAndChangesNothing() throws Exception {
        // Issue 12: "FA_Hana" was mapped onto fa_hana's account. An IdP that tells case apart may
        // hold the two for two people; the second would act in, and leave tokens in, the first's account.
        ApiClient hana = browser(server);
        assertThat(hana.get("/api/v1/me", as("fa_hana", "hivemind-admin")).status()).isEqualTo(200);
        assertThat(sessionsOf(server, "fa_hana")).isEqualTo(1);

        ApiClient.Response other = hana.get("/api/v1/me", as("FA_Hana", ""));

        assertThat(other.status()).as(other.toString()).isEqualTo(403);
        assertThat(other.error()).isEqualTo("sso_identity_invalid");
        assertThat(other.json().path("message").asText()).contains("'FA_Hana'").contains("differs only in case");
        assertThat(account(server, "fa_hana").get("role")).as("no demotion by the other spelling's groups")
                .isEqualTo("admin");
        assertThat(sessionsOf(server, "fa_hana")).as("the browser's session of the other spelling ended").isZero();
        assertThat(auditFor(server, "sso.identity_invalid", "FA_Hana")).hasSize(1);
        assertThat(server.client().get("/api/v1/me", as("fa_hana", "hivemind-admin")).status()).isEqualTo(200);
    }

    @Test
    void aNameDifferingOnlyInCaseRevokesNothingWhenItIsInNoGroup() throws Exception {
        assertThat(closed.client().get("/api/v1/me", as("fa_ines", "hivemind-user")).status()).isEqualTo(200);
        ApiClient ines = browser(closed);
        assertThat(ines.get("/api/v1/me", as("fa_ines", "hivemind-user")).status()).isEqualTo(200);

        ApiClient.Response other = closed.client().get("/api/v1/me", as("Fa_Ines", "staff"));

        assertThat(other.status()).isEqualTo(403);
        assertThat(account(closed, "fa_ines").get("role")).isEqualTo("user");
        assertThat(sessionsOf(closed, "fa_ines")).isEqualTo(1);
        assertThat(auditFor(closed, "sso.access_revoked", "fa_ines")).isEmpty();
    }

    @Test
    void aLocalAccountSpeltOtherwiseIsNotLinked() throws Exception {
        server.createUser("fa_Kim", "admin");

        ApiClient.Response me = server.client().get("/api/v1/me", as("fa_kim", "hivemind-user"));

        assertThat(me.status()).as(me.toString()).isEqualTo(403);
        assertThat(me.error()).isEqualTo("sso_identity_invalid");
        assertThat(account(server, "fa_Kim").get("source")).isEqualTo("local");
        assertThat(account(server, "fa_Kim").get("role")).isEqualTo("admin");
    }

    @Test
    void aGroupListedThreeHundredTimesCountsOnce() {
        // Issue 12: refused as "257 groups" though docs/sso.md says each group counts once.
        ApiClient.Response me = server.client().get("/api/v1/me",
                as("fa_repeat", "hivemind-admin|".repeat(300) + "staff"));

        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json().path("role").asText()).isEqualTo("admin");
    }

    @Test
    void aDisabledAccountIsRefusedAndNotReenabled() throws Exception {
        server.client().get("/api/v1/me", as("fa_dora", "hivemind-user"));
        server.sql("UPDATE users SET disabled = true WHERE username = 'fa_dora'");

        ApiClient.Response me = server.client().get("/api/v1/me", as("fa_dora", "hivemind-admin"));

        assertThat(me.status()).isEqualTo(403);
        assertThat(me.error()).isEqualTo("account_disabled");
        assertThat(account(server, "fa_dora").get("disabled")).isEqualTo(true);
        assertThat(account(server, "fa_dora").get("role")).as("not promoted while disabled").isEqualTo("user");
    }

    @Test
    void anIdentityHivemindCannotAcceptIsRefusedNamingTheHeader() throws Exception {
        ApiClient.Response spaced = server.client().get("/api/v1/me", as("fa bad", "hivemind-user"));
        assertThat(spaced.status()).isEqualTo(403);
        assertThat(spaced.error()).isEqualTo("sso_identity_invalid");
        assertThat(spaced.json().path("message").asText()).contains("X-Authentik-Username");

        String huge = "g|".repeat(5000);
        ApiClient.Response tooMany = server.client().get("/api/v1/me", as("fa_big", huge));
        assertThat(tooMany.status()).isEqualTo(403);
        assertThat(tooMany.json().path("message").asText()).contains("X-Authentik-Groups");
        assertThat(Rows.query(server, "SELECT 1 FROM users WHERE username IN ('fa bad', 'fa_big')")).isEmpty();

        ApiClient.Response email = server.client().get("/api/v1/me", as("fa_mail", "hivemind-user",
                "X-Authentik-Email", "not an address"));
        assertThat(email.error()).isEqualTo("sso_identity_invalid");
        assertThat(email.json().path("message").asText()).contains("X-Authentik-Email");
        assertThat(server.audit("sso.identity_invalid")).isNotEmpty();
    }

    @Test
    void aUserHeaderSentTwiceIsRefused() throws Exception {
        // Two values could mean two users: never pick one.
        ApiClient.Response twice = rawGet(server.port(), "/api/v1/me",
                "X-Authentik-Username: fa_one", "X-Authentik-Username: hivemind-admin-user", "X-Authentik-Groups: hivemind-user");
        assertThat(twice.status()).isEqualTo(403);
        assertThat(twice.body()).contains("sso_identity_invalid").contains("sent 2 times");
    }

    @Test
    void aGroupsHeaderSentTwiceIsRefusedSoAClientCannotAddALine() throws Exception {
        // A proxy that appends its line to one the client sent must not grant what the client wrote.
        ApiClient.Response me = rawGet(server.port(), "/api/v1/me",
                "X-Authentik-Username: fa_lines", "X-Authentik-Groups: hivemind-user", "x-authentik-groups: hivemind-admin");
        assertThat(me.status()).as(me.toString()).isEqualTo(403);
        assertThat(me.body()).contains("sso_identity_invalid").contains("X-Authentik-Groups");
        assertThat(Rows.query(server, "SELECT 1 FROM users WHERE username = 'fa_lines'")).isEmpty();
    }

    // ---- untrusted peers ----

    @Test
    void forgedHeadersFromAnUntrustedPeerAreIgnoredAndAudited() throws Exception {
        ApiClient.Response me = elsewhere.client().get("/api/v1/me", as("fa_mallory", "hivemind-admin",
                "X-Forwarded-For", "10.1.2.3"));

        assertThat(me.status()).isEqualTo(401);
        assertThat(me.error()).isEqualTo("unauthenticated");
        assertThat(Rows.query(elsewhere, "SELECT 1 FROM users WHERE username = 'fa_mallory'")).isEmpty();
        List<TestServer.AuditRow> attempts = elsewhere.audit("sso.untrusted_peer");
        assertThat(attempts).isNotEmpty();
        TestServer.AuditRow attempt = attempts.getLast();
        assertThat(attempt.actor()).isEqualTo("anonymous");
        assertThat(attempt.outcome()).isEqualTo("denied");
        assertThat(attempt.details().path("peer").asText()).isEqualTo("127.0.0.1");
        assertThat(attempt.details().path("headers").asText()).contains("X-Authentik-Username")
                .contains("X-Authentik-Groups");
    }

    @Test
    void aSessionNeedsTheProxyToKeepNamingItsUser() throws Exception {
        ApiClient browser = browser(server);
        assertThat(browser.get("/api/v1/me", as("fa_sess", "hivemind-user")).status()).isEqualTo(200);
        assertThat(browser.cookie("hivemind_session")).isNotNull();

        ApiClient.Response bare = browser.get("/api/v1/me");

        assertThat(bare.status()).as("no user header from the proxy: nobody").isEqualTo(401);
    }

    @Test
    void anUntrustedPeerGetsNothingFromAValidSessionCookieOrForgedHeaders() throws Exception {
        ApiClient browser = browser(server);
        assertThat(browser.get("/api/v1/me", as("fa_peer", "hivemind-admin")).status()).isEqualTo(200);
        String cookie = "Cookie: hivemind_session=" + browser.cookie("hivemind_session");
        int before = server.audit("sso.untrusted_peer").size();

        // The same server, the same headers and cookie, but from 127.0.0.2: not the proxy.
        ApiClient.Response direct = rawGet(InetAddress.getByName("127.0.0.2"), server.port(), "/api/v1/me",
                cookie, "X-Authentik-Username: fa_peer", "X-Authentik-Groups: hivemind-admin");

        assertThat(direct.status()).as(direct.toString()).isEqualTo(401);
        List<TestServer.AuditRow> attempts = server.audit("sso.untrusted_peer");
        assertThat(attempts).hasSize(before + 1);
        assertThat(attempts.getLast().details().path("peer").asText()).isEqualTo("127.0.0.2");
    }

    @Test
    void basicAuthorizationFromTheProxyIsIgnoredButNotFromAnyoneElse() throws Exception {
        // oauth2-proxy and Authentik can pass the user's basic credentials on: not Hivemind's business.
        ApiClient.Response proxied = server.client().get("/api/v1/me", as("fa_basic", "hivemind-user",
                "Authorization", "Basic ZmFfYmFzaWM6c2VjcmV0"));
        assertThat(proxied.status()).as(proxied.toString()).isEqualTo(200);
        assertThat(proxied.json().path("username").asText()).isEqualTo("fa_basic");

        ApiClient.Response direct = rawGet(InetAddress.getByName("127.0.0.2"), server.port(), "/api/v1/me",
                "Authorization: Basic ZmFfYmFzaWM6c2VjcmV0", "X-Authentik-Username: fa_basic");
        assertThat(direct.status()).isEqualTo(401);
        assertThat(direct.body()).contains("must be: Bearer <token>");

        ApiClient.Response badBearer = server.client().get("/api/v1/me", as("fa_basic", "hivemind-user",
                "Authorization", "Bearer not-a-real-credential-at-all-00000000"));
        assertThat(badBearer.status()).as("a Bearer stays strict, even from the proxy").isEqualTo(401);
        for (String malformed : new String[] {"Authorization: Bearer", "Authorization: bearer\tsomething"}) {
            ApiClient.Response strict = rawGet(server.port(), "/api/v1/me", malformed,
                    "X-Authentik-Username: fa_basic", "X-Authentik-Groups: hivemind-user");
            assertThat(strict.status()).as(malformed).isEqualTo(401);
        }
    }

    // ---- sessions ----

    @Test
    void aBrowserGetsOneSessionAndCanChangeStateWithItsCsrfToken() throws Exception {
        ApiClient browser = browser(server);
        ApiClient.Response first = browser.get("/api/v1/me", as("fa_tess", "hivemind-user"));
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.setCookie("hivemind_session")).isPresent();
        assertThat(first.json().path("authenticatedBy").asText()).isEqualTo("session");
        assertThat(first.json().path("csrfToken").asText()).isEqualTo(browser.cookie("hivemind_csrf"));

        ApiClient.Response token = browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"ci\"}",
                as("fa_tess", "hivemind-user"));
        assertThat(token.status()).as(token.toString()).isEqualTo(201);

        ApiClient.Response sessions = browser.get("/api/v1/sessions", as("fa_tess", "hivemind-user"));
        assertThat(sessions.json().path("items")).hasSize(1);
        assertThat(sessions.json().path("items").get(0).path("origin").asText()).isEqualTo("forward_auth");
        List<TestServer.AuditRow> signIns = auditFor(server, "auth.sign_in", "fa_tess");
        assertThat(signIns).hasSize(1);
        assertThat(signIns.getFirst().details().path("method").asText()).isEqualTo("forward_auth");
    }

    @Test
    void aCookielessClientGetsNoSessionAndCannotChangeState() throws Exception {
        ApiClient script = server.client();
        for (int i = 0; i < 3; i++) {
            assertThat(script.get("/api/v1/me", as("fa_script", "hivemind-user")).status()).isEqualTo(200);
        }
        assertThat(sessionsOf(server, "fa_script")).isZero();

        ApiClient.Response post = script.post("/api/v1/tokens", "{\"name\":\"x\"}", as("fa_script", "hivemind-user"));

        assertThat(post.status()).isEqualTo(403);
        assertThat(post.error()).isEqualTo("csrf_failed");
        assertThat(count(server, "SELECT count(*) AS n FROM api_tokens t JOIN users u ON u.id = t.user_id "
                + "WHERE u.username = 'fa_script'")).isZero();
    }

    @Test
    void aClientThatSendsCookiesButNeverKeepsOursGetsABoundedNumberOfSessions() throws Exception {
        for (int i = 0; i < 15; i++) {
            ApiClient forgetful = server.client();
            forgetful.cookies().put("_oauth2_proxy", "copied-by-a-script");
            assertThat(forgetful.get("/api/v1/me", as("fa_forgetful", "hivemind-user")).status()).isEqualTo(200);
        }
        assertThat(sessionsOf(server, "fa_forgetful")).isEqualTo(10);
        assertThat(auditFor(server, "auth.sign_in", "fa_forgetful")).hasSize(10);
    }

    @Test
    void anErrorAnswerStillCarriesTheSessionItsRequestMade() throws Exception {
        ApiClient browser = browser(server);
        ApiClient.Response forbidden = browser.get("/api/v1/users", as("fa_firstforbidden", "hivemind-user"));

        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.setCookie("hivemind_session")).isPresent();
        assertThat(browser.get("/api/v1/me", as("fa_firstforbidden", "hivemind-user")).status()).isEqualTo(200);
        assertThat(sessionsOf(server, "fa_firstforbidden")).as("the second request used the first's session").isEqualTo(1);
    }

    @Test
    void signOutThroughTheProxyWithoutASessionStillNamesTheLogoutUrl() throws Exception {
        ApiClient browser = browser(server);
        browser.get("/api/v1/me", as("fa_ended", "hivemind-user"));
        server.sql("DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = 'fa_ended')");

        ApiClient.Response out = browser.deleteWithCsrf("/api/v1/session", as("fa_ended", "hivemind-user"));

        assertThat(out.status()).as(out.toString()).isEqualTo(200);
        assertThat(out.json().path("logoutUrl").asText()).isEqualTo(LOGOUT);
        assertThat(out.setCookie("hivemind_session")).as("the stale cookie is cleared").isPresent();
    }

    @Test
    void aStateChangingRequestWithoutASessionMakesNone() throws Exception {
        ApiClient browser = browser(server);
        ApiClient.Response post = browser.post("/api/v1/tokens", "{\"name\":\"x\"}", as("fa_postfirst", "hivemind-user"));

        assertThat(post.status()).isEqualTo(403);
        assertThat(post.error()).isEqualTo("csrf_failed");
        assertThat(post.setCookie("hivemind_session")).isEmpty();
        assertThat(sessionsOf(server, "fa_postfirst")).isZero();
    }

    @Test
    void whenTheProxyNamesAnotherUserTheSessionEnds() throws Exception {
        ApiClient shared = browser(server);
        assertThat(shared.get("/api/v1/me", as("fa_first", "hivemind-admin")).status()).isEqualTo(200);
        String firstSession = shared.cookie("hivemind_session");

        ApiClient.Response me = shared.get("/api/v1/me", as("fa_second", "hivemind-user"));

        assertThat(me.json().path("username").asText()).isEqualTo("fa_second");
        assertThat(me.json().path("role").asText()).isEqualTo("user");
        assertThat(shared.cookie("hivemind_session")).isNotEqualTo(firstSession);
        assertThat(sessionsOf(server, "fa_first")).as("the first user's session is gone").isZero();
        List<TestServer.AuditRow> ended = auditFor(server, "auth.session_ended", "fa_first");
        assertThat(ended).hasSize(1);
        assertThat(ended.getFirst().details().path("reason").asText()).isEqualTo("identity_changed");
        assertThat(ended.getFirst().details().path("proxyUser").asText()).isEqualTo("fa_second");

        // The old cookie, replayed with the second user's headers, does not act as the first user.
        ApiClient replay = server.client();
        replay.cookies().put("hivemind_session", firstSession);
        assertThat(replay.get("/api/v1/me", as("fa_second", "hivemind-user")).json().path("username").asText())
                .isEqualTo("fa_second");
    }

    // ---- sign-in, sign-out, break glass ----

    @Test
    void localSignInIsRefusedAndPointsToTheLoginUrl() throws Exception {
        server.createUser("fa_local", "admin");

        ApiClient.Response signIn = server.client().post("/api/v1/session",
                TestServer.credentials("fa_local", TestServer.PASSWORD));

        assertThat(signIn.status()).isEqualTo(403);
        assertThat(signIn.error()).isEqualTo("local_sign_in_disabled");
        assertThat(signIn.json().path("loginUrl").asText()).isEqualTo(LOGIN);
        assertThat(signIn.json().path("message").asText()).contains("single sign-on").contains(LOGIN);
        assertThat(signIn.setCookie("hivemind_session")).isEmpty();
    }

    @Test
    void passwordChangeIsRefusedWhileForwardAuthIsOn() throws Exception {
        ApiClient browser = browser(server);
        browser.get("/api/v1/me", as("fa_pw", "hivemind-user"));
        ApiClient.Response change = browser.putWithCsrf("/api/v1/me/password",
                "{\"currentPassword\":\"x\",\"newPassword\":\"another long passphrase\"}", as("fa_pw", "hivemind-user"));
        assertThat(change.status()).isEqualTo(409);
        assertThat(change.error()).isEqualTo("local_sign_in_disabled");
    }

    @Test
    void theApiSaysHowToSignIn() {
        JsonNode methods = server.client().get("/api/v1/auth").json();
        assertThat(methods.path("password").asBoolean(true)).isFalse();
        assertThat(methods.path("forwardAuth").asBoolean()).isTrue();
        assertThat(methods.path("loginUrl").asText()).isEqualTo(LOGIN);
        assertThat(methods.path("logoutUrl").asText()).isEqualTo(LOGOUT);

        ApiClient.Response anonymous = server.client().get("/api/v1/me");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().path("loginUrl").asText()).isEqualTo(LOGIN);
    }

    @Test
    void signOutEndsTheSessionAndHandsOutTheLogoutUrl() throws Exception {
        ApiClient browser = browser(server);
        browser.get("/api/v1/me", as("fa_out", "hivemind-user"));

        ApiClient.Response out = browser.deleteWithCsrf("/api/v1/session", as("fa_out", "hivemind-user"));

        assertThat(out.status()).as(out.toString()).isEqualTo(200);
        assertThat(out.json().path("logoutUrl").asText()).isEqualTo(LOGOUT);
        assertThat(sessionsOf(server, "fa_out")).isZero();
        assertThat(auditFor(server, "auth.sign_out", "fa_out")).hasSize(1);
    }

    @Test
    void theAdminApiKeyAndApiTokensStillWork() throws Exception {
        ApiClient.Response users = server.client().get("/api/v1/users", "Authorization", "Bearer " + API_KEY);
        assertThat(users.status()).as(users.toString()).isEqualTo(200);

        // Identity headers on a bearer request change nothing: the bearer decides.
        ApiClient.Response keyWithHeaders = server.client().get("/api/v1/me", as("fa_ghost", "hivemind-admin",
                "Authorization", "Bearer " + API_KEY));
        assertThat(keyWithHeaders.json().path("username").asText()).isEqualTo("api-key");
        assertThat(Rows.query(server, "SELECT 1 FROM users WHERE username = 'fa_ghost'")).isEmpty();

        ApiClient browser = browser(server);
        browser.get("/api/v1/me", as("fa_tok", "hivemind-user"));
        String token = browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"script\"}", as("fa_tok", "hivemind-user"))
                .json().path("token").asText();
        ApiClient.Response script = server.client().get("/api/v1/me", "Authorization", "Bearer " + token);
        assertThat(script.json().path("username").asText()).isEqualTo("fa_tok");
        assertThat(script.json().path("authenticatedBy").asText()).isEqualTo("token");
    }

    @Test
    void anAdminCannotOverrideTheRoleGroupsGive() throws Exception {
        server.client().get("/api/v1/me", as("fa_grp", "hivemind-user"));
        ApiClient.Response patch = server.client().patch("/api/v1/users/fa_grp", "{\"role\":\"admin\"}",
                "Authorization", "Bearer " + API_KEY);
        assertThat(patch.status()).isEqualTo(409);
        assertThat(patch.error()).isEqualTo("role_from_groups");
        assertThat(patch.json().path("message").asText()).contains("hivemind-admin");
        assertThat(account(server, "fa_grp").get("role")).isEqualTo("user");

        // Disabling stays an admin's call.
        ApiClient.Response disable = server.client().patch("/api/v1/users/fa_grp", "{\"disabled\":true}",
                "Authorization", "Bearer " + API_KEY);
        assertThat(disable.status()).as(disable.toString()).isEqualTo(200);
    }

    // ---- default role none ----

    @Test
    void withDefaultRoleNoneAUserInNoGroupIsDeniedWithTheGroupsNamed() throws Exception {
        ApiClient.Response me = closed.client().get("/api/v1/me", as("fa_nobody", "staff"));

        assertThat(me.status()).isEqualTo(403);
        assertThat(me.error()).isEqualTo("access_denied");
        assertThat(me.json().path("message").asText()).contains("hivemind-admin").contains("hivemind-user");
        assertThat(me.json().path("grantingGroups")).extracting(JsonNode::asText)
                .containsExactly("hivemind-admin", "hivemind-user");
        assertThat(Rows.query(closed, "SELECT 1 FROM users WHERE username = 'fa_nobody'")).isEmpty();
        assertThat(closed.audit("sso.access_denied")).anySatisfy(r -> assertThat(r.target()).isEqualTo("fa_nobody"));

        assertThat(closed.client().get("/api/v1/me", as("fa_member", "hivemind-user")).status()).isEqualTo(200);
    }

    @Test
    void anAccountThatLosesItsGroupsLosesItsTokensAndSessionsToo() throws Exception {
        ApiClient browser = browser(closed);
        assertThat(browser.get("/api/v1/me", as("fa_leaver", "hivemind-admin")).status()).isEqualTo(200);
        String token = browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"script\"}", as("fa_leaver", "hivemind-admin"))
                .json().path("token").asText();
        assertThat(closed.client().get("/api/v1/users", "Authorization", "Bearer " + token).status()).isEqualTo(200);

        ApiClient.Response denied = browser.get("/api/v1/me", as("fa_leaver", "staff"));

        assertThat(denied.error()).isEqualTo("access_denied");
        assertThat(closed.client().get("/api/v1/users", "Authorization", "Bearer " + token).status())
                .as("the token no longer works").isEqualTo(401);
        assertThat(account(closed, "fa_leaver").get("role")).isEqualTo("viewer");
        assertThat(sessionsOf(closed, "fa_leaver")).isZero();
        List<TestServer.AuditRow> revoked = auditFor(closed, "sso.access_revoked", "fa_leaver");
        assertThat(revoked).hasSize(1);
        assertThat(revoked.getFirst().details().path("from").asText()).isEqualTo("admin");
        assertThat(revoked.getFirst().details().path("tokensRevoked").asInt()).isEqualTo(1);

        // Further refused requests write nothing more.
        browser.get("/api/v1/me", as("fa_leaver", "staff"));
        assertThat(auditFor(closed, "sso.access_revoked", "fa_leaver")).hasSize(1);
        // Back in a group: access again, as the groups say.
        assertThat(browser.get("/api/v1/me", as("fa_leaver", "hivemind-user")).json().path("role").asText())
                .isEqualTo("user");
    }

    @Test
    void aMissingGroupsHeaderDeniesButRevokesNothing() throws Exception {
        // A proxy that drops the header (a route without it) must not cost anyone their tokens.
        ApiClient browser = browser(closed);
        assertThat(browser.get("/api/v1/me", as("fa_nogroups", "hivemind-user")).status()).isEqualTo(200);
        String token = browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"script\"}", as("fa_nogroups", "hivemind-user"))
                .json().path("token").asText();

        ApiClient.Response denied = closed.client().get("/api/v1/me", "X-Authentik-Username", "fa_nogroups");

        assertThat(denied.error()).isEqualTo("access_denied");
        assertThat(closed.client().get("/api/v1/me", "Authorization", "Bearer " + token).status()).isEqualTo(200);
        assertThat(account(closed, "fa_nogroups").get("role")).isEqualTo("user");
        assertThat(auditFor(closed, "sso.access_revoked", "fa_nogroups")).isEmpty();
    }

    @Test
    void theLastAdminLosingAllGroupsIsFlaggedToo() throws Exception {
        TestServer alone = TestServer.start("HIVEMIND_FORWARD_AUTH", "true", "HIVEMIND_PUBLIC_URL", PUBLIC_URL,
                "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS", "127.0.0.1/32", "HIVEMIND_DEFAULT_ROLE", "none");
        try (alone) {
            assertThat(alone.client().get("/api/v1/me", as("fa_soleadmin", "hivemind-admin")).status()).isEqualTo(200);

            assertThat(alone.client().get("/api/v1/me", as("fa_soleadmin", "staff")).error()).isEqualTo("access_denied");

            List<TestServer.AuditRow> changes = auditFor(alone, "user.role_changed", "fa_soleadmin");
            assertThat(changes).hasSize(1);
            assertThat(changes.getFirst().details().path("to").asText()).isEqualTo("viewer");
            assertThat(changes.getFirst().details().path("lastAdmin").asBoolean()).isTrue();
            assertThat(auditFor(alone, "sso.access_revoked", "fa_soleadmin")).hasSize(1);
        }
    }

    @Test
    void aDisabledUserDoesNotLeaveTheBrowsersSessionOfSomeoneElse() throws Exception {
        server.client().get("/api/v1/me", as("fa_gone", "hivemind-user"));
        server.sql("UPDATE users SET disabled = true WHERE username = 'fa_gone'");
        ApiClient shared = browser(server);
        assertThat(shared.get("/api/v1/me", as("fa_keeper", "hivemind-user")).status()).isEqualTo(200);

        assertThat(shared.get("/api/v1/me", as("fa_gone", "hivemind-user")).error()).isEqualTo("account_disabled");

        assertThat(sessionsOf(server, "fa_keeper")).isZero();
    }

    @Test
    void aRefusedUserDoesNotLeaveTheBrowsersSessionOfSomeoneElse() throws Exception {
        ApiClient shared = browser(closed);
        assertThat(shared.get("/api/v1/me", as("fa_owner", "hivemind-user")).status()).isEqualTo(200);

        assertThat(shared.get("/api/v1/me", as("fa_stranger", "staff")).error()).isEqualTo("access_denied");

        assertThat(sessionsOf(closed, "fa_owner")).isZero();
    }

    @Test
    void theLastAdminLeavingTheAdminGroupIsDemotedAndFlagged() throws Exception {
        assertThat(closed.client().get("/api/v1/me", as("fa_onlyadmin", "hivemind-admin")).status()).isEqualTo(200);
        assertThat(count(closed, "SELECT count(*) AS n FROM users WHERE role = 'admin' AND NOT disabled")).isEqualTo(1);

        assertThat(closed.client().get("/api/v1/me", as("fa_onlyadmin", "hivemind-user")).json().path("role").asText())
                .isEqualTo("user");

        List<TestServer.AuditRow> changes = auditFor(closed, "user.role_changed", "fa_onlyadmin");
        assertThat(changes).hasSize(1);
        assertThat(changes.getFirst().details().path("lastAdmin").asBoolean()).isTrue();
    }

    @Test
    void theAccessDeniedPageNamesTheGroups() {
        ApiClient.Response page = closed.client().page("/", as("fa_page", "staff"));
        assertThat(page.status()).isEqualTo(403);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("Access denied").contains("<code>hivemind-admin</code>: admin")
                .contains("<code>hivemind-user</code>: user");
    }

    /** A GET written by hand, for what java.net.http cannot send (a header twice). */
    static ApiClient.Response rawGet(int port, String path, String... headerLines) throws Exception {
        return rawGet(InetAddress.getByName("127.0.0.1"), port, path, headerLines);
    }

    /** The same, from the local address {@code from} (any of 127.0.0.0/8 works on Linux). */
    static ApiClient.Response rawGet(InetAddress from, int port, String path, String... headerLines) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(InetAddress.getByName("127.0.0.1"), port, from, 0)) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n");
            for (String line : headerLines) {
                request.append(line).append("\r\n");
            }
            socket.getOutputStream().write(request.append("\r\n").toString()
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            java.io.InputStream in = socket.getInputStream();
            java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
            while (!head.toString(java.nio.charset.StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            String headers = head.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(headers.substring(9, 12));
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)")
                    .matcher(headers);
            String body = length.find()
                    ? new String(in.readNBytes(Integer.parseInt(length.group(1))), java.nio.charset.StandardCharsets.UTF_8)
                    : "";
            return new ApiClient.Response(status, null, body, null);
        }
    }
}
