package com.seglamater.hivemind.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Personal API tokens ({@code /api/v1/tokens}): shown once and stored hashed, used as
 * {@code Authorization: Bearer} without cookies, last-used time, revocation, expiry on the
 * server's clock, limits, the owner's current role, and every way a bearer can be wrong.
 * The clock moves forward in the expiry test, so every test signs in afresh.
 */
class ApiTokensTest {

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        server.createUser("tk-root", "admin");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aNewTokenIsShownOnceAndListsShowOnlyItsPrefix() throws Exception {
        server.createUser("tk-once", "user");
        ApiClient owner = server.signIn("tk-once");
        int audits = server.audit("token.created").size();

        ApiClient.Response created = owner.postWithCsrf("/api/v1/tokens", "{\"name\":\"  backup script  \"}");

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String token = created.json().path("token").asText();
        assertThat(token).startsWith("hmt_").hasSize(4 + 43).matches("hmt_[A-Za-z0-9_-]{43}");
        JsonNode info = created.json().path("info");
        assertThat(info.path("name").asText()).isEqualTo("backup script");
        assertThat(info.path("prefix").asText()).isEqualTo(token.substring(0, 12));
        assertThat(info.hasNonNull("expiresAt")).isFalse();
        assertThat(info.hasNonNull("lastUsedAt")).isFalse();
        assertThat(info.path("expired").asBoolean()).isFalse();

        ApiClient.Response list = owner.get("/api/v1/tokens");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).doesNotContain(token).doesNotContain(token.substring(12));
        assertThat(list.json().path("items")).hasSize(1);
        assertThat(list.json().path("items").get(0).path("prefix").asText()).isEqualTo(token.substring(0, 12));
        assertThat(list.json().path("items").get(0).path("id").asLong()).isEqualTo(info.path("id").asLong());

        // Stored as its SHA-256 only: the value is nowhere in the row.
        assertThat(Rows.number(server, "SELECT count(*) FROM api_tokens t WHERE t.id = ? AND t.token_hash = sha256(?::bytea)",
                info.path("id").asLong(), token)).isEqualTo(1);
        assertThat(Rows.number(server, "SELECT count(*) FROM api_tokens t WHERE position(? in t::text) > 0",
                token.substring(12))).isZero();
        assertThat(Rows.number(server, "SELECT count(*) FROM audit_log a WHERE position(? in a::text) > 0",
                token.substring(12))).isZero();

        List<TestServer.AuditRow> rows = server.audit("token.created");
        assertThat(rows).hasSize(audits + 1);
        assertThat(rows.get(audits).actor()).isEqualTo("tk-once");
        assertThat(rows.get(audits).details().path("name").asText()).isEqualTo("backup script");
    }

    @Test
    void aBearerTokenAuthenticatesWithoutCookiesAsItsOwner() throws Exception {
        server.createUser("tk-bearer", "viewer");
        String token = newToken(server.signIn("tk-bearer"), "{\"name\":\"cli\"}");
        ApiClient script = server.client().always("Authorization", "Bearer " + token);

        ApiClient.Response me = script.get("/api/v1/me");

        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(script.cookies()).isEmpty();
        assertThat(me.json().path("username").asText()).isEqualTo("tk-bearer");
        assertThat(me.json().path("role").asText()).isEqualTo("viewer");
        assertThat(me.json().path("authenticatedBy").asText()).isEqualTo("token");
        assertThat(me.json().hasNonNull("csrfToken")).isFalse();
        assertThat(me.setCookie("hivemind_session")).isEmpty();
        // The scheme name is case-insensitive (RFC 9110), and a state change needs no CSRF token.
        assertThat(server.client().get("/api/v1/me", "Authorization", "bearer " + token).status()).isEqualTo(200);
        ApiClient.Response another = script.post("/api/v1/tokens", "{\"name\":\"made by a token\"}");
        assertThat(another.status()).as(another.toString()).isEqualTo(201);
    }

    @Test
    void lastUsedAtIsSetWhenTheTokenIsUsed() throws Exception {
        server.createUser("tk-used", "user");
        ApiClient owner = server.signIn("tk-used");
        String token = newToken(owner, "{\"name\":\"used\"}");
        assertThat(owner.get("/api/v1/tokens").json().path("items").get(0).hasNonNull("lastUsedAt")).isFalse();

        server.clock().advance(Duration.ofMinutes(5));
        Instant usedAt = server.clock().instant();
        assertThat(server.client().get("/api/v1/me", "Authorization", "Bearer " + token).status()).isEqualTo(200);

        JsonNode listed = server.signIn("tk-used").get("/api/v1/tokens").json().path("items").get(0);
        assertThat(listed.hasNonNull("lastUsedAt")).isTrue();
        assertThat(Instant.parse(listed.path("lastUsedAt").asText()))
                .isCloseTo(usedAt, org.assertj.core.api.Assertions.within(1, ChronoUnit.MILLIS));
    }

    @Test
    void aRevokedTokenGets401AtOnce() throws Exception {
        server.createUser("tk-revoke", "user");
        ApiClient owner = server.signIn("tk-revoke");
        ApiClient.Response created = owner.postWithCsrf("/api/v1/tokens", "{\"name\":\"to revoke\"}");
        long id = created.json().path("info").path("id").asLong();
        ApiClient script = server.client().always("Authorization", "Bearer " + created.json().path("token").asText());
        assertThat(script.get("/api/v1/me").status()).isEqualTo(200);
        int audits = server.audit("token.revoked").size();

        ApiClient.Response revoked = owner.deleteWithCsrf("/api/v1/tokens/" + id);

        assertThat(revoked.status()).as(revoked.toString()).isEqualTo(204);
        ApiClient.Response refused = script.get("/api/v1/me");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.error()).isEqualTo("unauthenticated");
        assertThat(Rows.number(server, "SELECT count(*) FROM api_tokens WHERE id = ? AND revoked_at IS NOT NULL", id))
                .isEqualTo(1);
        assertThat(owner.get("/api/v1/tokens").json().path("items")).isEmpty();
        assertThat(owner.deleteWithCsrf("/api/v1/tokens/" + id).status()).isEqualTo(404);
        List<TestServer.AuditRow> rows = server.audit("token.revoked");
        assertThat(rows).hasSize(audits + 1);
        assertThat(rows.get(audits).actor()).isEqualTo("tk-revoke");
        assertThat(rows.get(audits).details().path("token").asLong()).isEqualTo(id);
    }

    @Test
    void revokingSomeoneElsesTokenIs404AndTheTokenStillWorks() throws Exception {
        server.createUser("tk-victim", "user");
        server.createUser("tk-meddler", "user");
        ApiClient.Response created = server.signIn("tk-victim").postWithCsrf("/api/v1/tokens", "{\"name\":\"mine\"}");
        long id = created.json().path("info").path("id").asLong();
        String token = created.json().path("token").asText();
        ApiClient meddler = server.signIn("tk-meddler");
        int audits = server.audit("token.revoked").size();

        for (String path : List.of("/api/v1/tokens/" + id, "/api/v1/tokens/" + (id + 1000), "/api/v1/tokens/abc",
                "/api/v1/tokens/-1", "/api/v1/tokens/" + id + "%20OR%201=1")) {
            ApiClient.Response response = meddler.deleteWithCsrf(path);
            assertThat(response.status()).as(path + " → " + response).isEqualTo(404);
            assertThat(response.error()).isEqualTo("not_found");
        }
        // Even an admin cannot revoke another account's token through the self-service route.
        assertThat(server.signIn("tk-root").deleteWithCsrf("/api/v1/tokens/" + id).status()).isEqualTo(404);

        assertThat(Rows.number(server, "SELECT count(*) FROM api_tokens WHERE id = ? AND revoked_at IS NULL", id))
                .isEqualTo(1);
        assertThat(server.client().get("/api/v1/me", "Authorization", "Bearer " + token).status()).isEqualTo(200);
        assertThat(server.audit("token.revoked")).hasSize(audits);
        assertThat(meddler.get("/api/v1/tokens").body()).doesNotContain(token.substring(0, 12));
    }

    @Test
    void aTokenWithExpiresInDaysWorksUntilThenAndIs401After() throws Exception {
        server.createUser("tk-expiry", "user");
        ApiClient.Response created = server.signIn("tk-expiry").postWithCsrf("/api/v1/tokens",
                "{\"name\":\"one day\",\"expiresInDays\":1}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        Instant expiresAt = Instant.parse(created.json().path("info").path("expiresAt").asText());
        assertThat(expiresAt).isCloseTo(server.clock().instant().plus(Duration.ofDays(1)),
                org.assertj.core.api.Assertions.within(1, ChronoUnit.MILLIS));
        ApiClient script = server.client().always("Authorization", "Bearer " + created.json().path("token").asText());
        assertThat(script.get("/api/v1/me").status()).isEqualTo(200);

        server.clock().advance(Duration.ofDays(1).minusMinutes(1));
        assertThat(script.get("/api/v1/me").status()).isEqualTo(200);

        server.clock().advance(Duration.ofMinutes(2));
        ApiClient.Response expired = script.get("/api/v1/me");
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.error()).isEqualTo("unauthenticated");
        JsonNode listed = server.signIn("tk-expiry").get("/api/v1/tokens").json().path("items").get(0);
        assertThat(listed.path("expired").asBoolean()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"name\":\"\"}", "{\"name\":\"   \"}", "{\"name\":null}", "{\"name\":5}",
            "{\"name\":\"tab\\there\"}", "{\"name\":\"line\\nbreak\"}",
            "{\"name\":\"" + "n123456789" + "n123456789" + "n123456789" + "n123456789" + "n123456789"
                    + "n123456789" + "n123456789" + "n123456789" + "n123456789" + "n123456789" + "x\"}",
            "{\"name\":\"ok\",\"expiresInDays\":0}", "{\"name\":\"ok\",\"expiresInDays\":-1}",
            "{\"name\":\"ok\",\"expiresInDays\":3651}", "{\"name\":\"ok\",\"expiresInDays\":\"7\"}",
            "{\"name\":\"ok\",\"expiresInDays\":1.5}", "{\"name\":\"ok\",\"expiresInDays\":99999999999}",
            "{\"name\":\"ok\",\"scope\":\"admin\"}", "{\"name\":\"ok\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}",
            "[]", "null", "{"})
    void aBadNameOrExpiryIs400AndCreatesNothing(String body) throws Exception {
        if (Rows.number(server, "SELECT count(*) FROM users WHERE username = 'tk-bad'") == 0) {
            server.createUser("tk-bad", "user");
        }
        ApiClient owner = server.signIn("tk-bad");
        long tokens = Rows.number(server, "SELECT count(*) FROM api_tokens");
        int audits = server.audit("token.created").size();

        ApiClient.Response response = owner.postWithCsrf("/api/v1/tokens", body);

        assertThat(response.status()).as(body + " → " + response).isEqualTo(400);
        assertThat(response.error()).isIn("invalid_field", "invalid_json");
        assertThat(Rows.number(server, "SELECT count(*) FROM api_tokens")).isEqualTo(tokens);
        assertThat(server.audit("token.created")).hasSize(audits);
    }

    @Test
    void theLimitsOfNameAndExpiryAreAccepted() {
        ApiClient owner = signInNew("tk-limits", "user");
        assertThat(owner.postWithCsrf("/api/v1/tokens", "{\"name\":\"" + "n".repeat(100) + "\"}").status()).isEqualTo(201);
        assertThat(owner.postWithCsrf("/api/v1/tokens", "{\"name\":\"a\",\"expiresInDays\":3650}").status()).isEqualTo(201);
        assertThat(owner.postWithCsrf("/api/v1/tokens", "{\"name\":\"b\",\"expiresInDays\":null}").status()).isEqualTo(201);
    }

    @Test
    void theFiftyFirstActiveTokenIs409TooManyTokens() throws Exception {
        ApiClient owner = signInNew("tk-many", "user");
        for (int i = 1; i <= 50; i++) {
            assertThat(owner.postWithCsrf("/api/v1/tokens", "{\"name\":\"t" + i + "\"}").status()).isEqualTo(201);
        }
        int audits = server.audit("token.created").size();

        ApiClient.Response refused = owner.postWithCsrf("/api/v1/tokens", "{\"name\":\"t51\"}");

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.error()).isEqualTo("too_many_tokens");
        String owned = "SELECT count(*) FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = 'tk-many'";
        assertThat(Rows.number(server, owned)).isEqualTo(50);
        assertThat(server.audit("token.created")).hasSize(audits);

        // A revoked one no longer counts.
        long first = owner.get("/api/v1/tokens").json().path("items").get(0).path("id").asLong();
        assertThat(owner.deleteWithCsrf("/api/v1/tokens/" + first).status()).isEqualTo(204);
        assertThat(owner.postWithCsrf("/api/v1/tokens", "{\"name\":\"t51\"}").status()).isEqualTo(201);
        assertThat(owner.postWithCsrf("/api/v1/tokens", "{\"name\":\"t52\"}").error()).isEqualTo("too_many_tokens");
        // Another account has its own allowance.
        assertThat(signInNew("tk-few", "user").postWithCsrf("/api/v1/tokens", "{\"name\":\"t1\"}").status()).isEqualTo(201);
    }

    @Test
    void aTokenActsWithItsOwnersCurrentRole() throws Exception {
        ApiClient boss = signInNew("tk-boss", "admin");
        ApiClient script = server.client().always("Authorization", "Bearer " + newToken(boss, "{\"name\":\"ops\"}"));
        assertThat(script.get("/api/v1/users").status()).isEqualTo(200);
        assertThat(script.get("/api/v1/me").json().path("role").asText()).isEqualTo("admin");

        ApiClient.Response demoted = server.signIn("tk-root").patchWithCsrf("/api/v1/users/tk-boss", "{\"role\":\"user\"}");
        assertThat(demoted.status()).as(demoted.toString()).isEqualTo(200);

        ApiClient.Response refused = script.get("/api/v1/users");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.error()).isEqualTo("forbidden");
        long users = Rows.users(server);
        ApiClient.Response create = script.post("/api/v1/users", "{\"username\":\"tk-sneaky\",\"role\":\"admin\","
                + "\"password\":\"" + TestServer.PASSWORD + "\"}");
        assertThat(create.status()).isEqualTo(403);
        assertThat(Rows.users(server)).isEqualTo(users);
        ApiClient.Response selfPromote = script.patch("/api/v1/users/tk-boss", "{\"role\":\"admin\"}");
        assertThat(selfPromote.status()).isEqualTo(403);
        assertThat(Rows.user(server, "tk-boss").get("role")).isEqualTo("user");
        assertThat(script.get("/api/v1/me").json().path("role").asText()).isEqualTo("user");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hmt_", "hmt_unknown", "hmt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "hmt_' OR '1'='1", "HMT_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})
    void anUnknownTokenIs401AndAudited(String bearer) throws Exception {
        long rejected = server.audit("auth.rejected").size();
        long sessions = Rows.number(server, "SELECT count(*) FROM sessions");

        ApiClient.Response response = server.client().get("/api/v1/me", "Authorization", "Bearer " + bearer);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.error()).isEqualTo("unauthenticated");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        if (bearer.length() > 8) {
            assertThat(response.body()).doesNotContain(bearer);
        }
        List<TestServer.AuditRow> rows = server.audit("auth.rejected");
        assertThat(rows).hasSize((int) rejected + 1);
        TestServer.AuditRow entry = rows.get(rows.size() - 1);
        assertThat(entry.actor()).isEqualTo("anonymous");
        assertThat(entry.outcome()).isEqualTo("denied");
        // Only the exact prefix marks a personal token; anything else is checked as the API key.
        assertThat(entry.details().path("credential").asText()).isEqualTo(bearer.startsWith("hmt_") ? "token" : "api_key");
        assertThat(entry.details().path("request").asText()).isEqualTo("GET /api/v1/me");
        assertThat(Rows.number(server, "SELECT count(*) FROM sessions")).isEqualTo(sessions);
    }

    @Test
    void aValidTokenWithOneCharacterChangedIs401() throws Exception {
        String token = newToken(signInNew("tk-tamper", "user"), "{\"name\":\"real\"}");
        char last = token.charAt(token.length() - 1);
        String tampered = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
        int rejected = server.audit("auth.rejected").size();
        for (String bad : List.of(tampered, token.substring(0, token.length() - 1), token + "A", token.toUpperCase())) {
            ApiClient.Response response = server.client().get("/api/v1/me", "Authorization", "Bearer " + bad);
            assertThat(response.status()).as(bad).isEqualTo(401);
        }
        assertThat(server.audit("auth.rejected")).hasSize(rejected + 4);
        assertThat(server.audit("auth.rejected").get(rejected).details().path("credential").asText()).isEqualTo("token");
        assertThat(server.client().get("/api/v1/me", "Authorization", "Bearer " + token).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic dGstcm9vdDpjb3JyZWN0IGhvcnNlIGJhdHRlcnkgc3RhcGxl", "Bearer", "Bearer ",
            "Bearer    ", "Token hmt_abc", "hmt_abc", "Bearerhmt_abc", "Digest username=\"tk-root\""})
    void aMalformedAuthorizationHeaderIs401(String header) throws Exception {
        int rejected = server.audit("auth.rejected").size();
        ApiClient.Response response = server.client().get("/api/v1/me", "Authorization", header);
        assertThat(response.status()).as(header + " → " + response).isEqualTo(401);
        assertThat(response.error()).isEqualTo("unauthenticated");
        List<TestServer.AuditRow> rows = server.audit("auth.rejected");
        assertThat(rows).hasSize(rejected + 1);
        assertThat(rows.get(rejected).details().path("credential").asText()).isEqualTo("header");
    }

    @Test
    void aBadBearerIsNotIgnoredWhenAValidSessionCookieIsAlsoSent() throws Exception {
        ApiClient browser = signInNew("tk-both", "admin");
        assertThat(browser.get("/api/v1/me").status()).isEqualTo(200);
        long tokens = Rows.number(server, "SELECT count(*) FROM api_tokens");
        long users = Rows.users(server);

        for (String header : List.of("Bearer hmt_bogus", "Bearer not-the-api-key", "Basic Zm9vOmJhcg==", "Bearer")) {
            assertThat(browser.get("/api/v1/me", "Authorization", header).status()).as(header).isEqualTo(401);
            assertThat(browser.get("/api/v1/users", "Authorization", header).status()).as(header).isEqualTo(401);
            assertThat(browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"sneaky\"}", "Authorization", header).status())
                    .as(header).isEqualTo(401);
            assertThat(browser.postWithCsrf("/api/v1/users", "{\"username\":\"tk-sneak\",\"role\":\"admin\","
                    + "\"password\":\"" + TestServer.PASSWORD + "\"}", "Authorization", header).status()).as(header)
                    .isEqualTo(401);
        }

        assertThat(Rows.number(server, "SELECT count(*) FROM api_tokens")).isEqualTo(tokens);
        assertThat(Rows.users(server)).isEqualTo(users);
        // The session itself is not harmed by the refused requests.
        assertThat(browser.get("/api/v1/me").status()).isEqualTo(200);
    }

    @Test
    void aDisabledOwnersTokenIs401() throws Exception {
        ApiClient owner = signInNew("tk-disabled", "user");
        ApiClient script = server.client().always("Authorization", "Bearer " + newToken(owner, "{\"name\":\"x\"}"));
        assertThat(script.get("/api/v1/me").status()).isEqualTo(200);
        Rows.execute(server, "UPDATE users SET disabled = true WHERE username = 'tk-disabled'");
        assertThat(script.get("/api/v1/me").status()).isEqualTo(401);
    }

    // ---- helpers --------------------------------------------------------------------------

    private static ApiClient signInNew(String username, String role) {
        try {
            server.createUser(username, role);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return server.signIn(username);
    }

    private static String newToken(ApiClient owner, String body) {
        ApiClient.Response created = owner.postWithCsrf("/api/v1/tokens", body);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().path("token").asText();
    }
}
