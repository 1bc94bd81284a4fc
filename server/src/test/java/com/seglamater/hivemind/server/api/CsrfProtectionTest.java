package com.seglamater.hivemind.server.api;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.seglamater.hivemind.server.TestServer.PASSWORD;
import static com.seglamater.hivemind.server.TestServer.credentials;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cross-site request forgery, tried: each attack is a request a hostile page could make a
 * signed-in browser send (the cookie goes along, the CSRF token cannot be read), and each
 * test checks that nothing changed, not only the status.
 */
class CsrfProtectionTest {

    private static final String EVIL = "https://evil.example";

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static long tokensOf(String username) throws Exception {
        return Rows.number(server, "SELECT count(*) FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = ?",
                username);
    }

    private static void assertRefused(ApiClient.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(403);
        assertThat(response.error()).isEqualTo("csrf_failed");
    }

    private static String origin() {
        return "http://127.0.0.1:" + server.port();
    }

    @Test
    void aPostWithoutTheTokenIsRefusedAndCreatesNothing() throws Exception {
        server.createUser("cs-post", "user");
        ApiClient browser = server.signIn("cs-post");

        assertRefused(browser.post("/api/v1/tokens", "{\"name\":\"forged\"}"));

        assertThat(tokensOf("cs-post")).isZero();
    }

    @Test
    void aPutWithoutTheTokenIsRefusedAndThePasswordIsUnchanged() throws Exception {
        server.createUser("cs-put", "user");
        ApiClient browser = server.signIn("cs-put");
        String hash = Rows.passwordHash(server, "cs-put");

        assertRefused(browser.put("/api/v1/me/password",
                "{\"currentPassword\":\"" + PASSWORD + "\",\"newPassword\":\"chosen by the attacker\"}"));

        assertThat(Rows.passwordHash(server, "cs-put")).isEqualTo(hash);
        assertThat(server.client().post("/api/v1/session", credentials("cs-put", PASSWORD)).status()).isEqualTo(200);
    }

    @Test
    void aPatchWithoutTheTokenIsRefusedAndTheUserIsUnchanged() throws Exception {
        server.createUser("cs-admin", "admin");
        server.createUser("cs-target", "viewer");
        ApiClient admin = server.signIn("cs-admin");

        assertRefused(admin.patch("/api/v1/users/cs-target", "{\"role\":\"admin\"}"));

        assertThat(Rows.string(server, "SELECT role FROM users WHERE username = 'cs-target'")).isEqualTo("viewer");
        // The same change with the token goes through: the refusal was the CSRF check, not the body.
        ApiClient.Response allowed = admin.patchWithCsrf("/api/v1/users/cs-target", "{\"role\":\"user\"}");
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        assertThat(Rows.string(server, "SELECT role FROM users WHERE username = 'cs-target'")).isEqualTo("user");
    }

    @Test
    void aDeleteWithoutTheTokenIsRefusedAndTheSessionsStay() throws Exception {
        server.createUser("cs-delete", "user");
        ApiClient browser = server.signIn("cs-delete");
        ApiClient other = server.signIn("cs-delete");

        assertRefused(browser.delete("/api/v1/session"));
        assertRefused(browser.delete("/api/v1/sessions"));

        assertThat(Rows.sessions(server, "cs-delete")).isEqualTo(2);
        assertThat(browser.get("/api/v1/me").status()).isEqualTo(200);
        assertThat(other.get("/api/v1/me").status()).isEqualTo(200);
    }

    @Test
    void aWrongTokenIsRefused() throws Exception {
        server.createUser("cs-wrong", "user");
        ApiClient browser = server.signIn("cs-wrong");
        String right = browser.cookie("hivemind_csrf");

        assertRefused(browser.post("/api/v1/tokens", "{\"name\":\"forged\"}", "X-CSRF-Token", "guess"));
        assertRefused(browser.post("/api/v1/tokens", "{\"name\":\"forged\"}", "X-CSRF-Token", ""));
        assertRefused(browser.post("/api/v1/tokens", "{\"name\":\"forged\"}", "X-CSRF-Token",
                right.substring(0, right.length() - 1)));
        assertRefused(browser.post("/api/v1/tokens", "{\"name\":\"forged\"}", "X-CSRF-Token", right + "x"));

        assertThat(tokensOf("cs-wrong")).isZero();
    }

    @Test
    void anotherSessionsTokenIsRefused() throws Exception {
        server.createUser("cs-mallory", "user");
        server.createUser("cs-victim", "user");
        ApiClient mallory = server.signIn("cs-mallory");
        ApiClient victim = server.signIn("cs-victim");
        ApiClient victimElsewhere = server.signIn("cs-victim");

        // The attacker's own token, and the victim's token from another of the victim's sessions.
        assertRefused(victim.post("/api/v1/tokens", "{\"name\":\"forged\"}",
                "X-CSRF-Token", mallory.cookie("hivemind_csrf")));
        assertRefused(victim.post("/api/v1/tokens", "{\"name\":\"forged\"}",
                "X-CSRF-Token", victimElsewhere.cookie("hivemind_csrf")));

        assertThat(tokensOf("cs-victim")).isZero();
        assertThat(tokensOf("cs-mallory")).isZero();
    }

    @Test
    void theRightTokenIsAllowed() throws Exception {
        server.createUser("cs-right", "user");
        ApiClient browser = server.signIn("cs-right");

        ApiClient.Response response = browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"legit\"}");

        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        assertThat(tokensOf("cs-right")).isEqualTo(1);
    }

    @Test
    void theTokenFromMeWorksToo() throws Exception {
        server.createUser("cs-me", "user");
        ApiClient browser = server.signIn("cs-me");
        String fromMe = browser.get("/api/v1/me").json().path("csrfToken").asText();

        ApiClient.Response response = browser.post("/api/v1/tokens", "{\"name\":\"legit\"}", "X-CSRF-Token", fromMe);

        assertThat(response.status()).as(response.toString()).isEqualTo(201);
    }

    @Test
    void aForeignOriginIsRefusedEvenWithTheRightToken() throws Exception {
        server.createUser("cs-origin", "user");
        ApiClient browser = server.signIn("cs-origin");

        assertRefused(browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"forged\"}", "Origin", EVIL));
        assertRefused(browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"forged\"}", "Origin", "null"));
        // Same host, another port, is another origin.
        assertRefused(browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"forged\"}",
                "Origin", "http://127.0.0.1:" + (server.port() == 65535 ? 1 : server.port() + 1)));
        assertRefused(browser.deleteWithCsrf("/api/v1/sessions", "Origin", EVIL));

        assertThat(tokensOf("cs-origin")).isZero();
        assertThat(browser.get("/api/v1/me").status()).isEqualTo(200);
    }

    @Test
    void aCrossSiteFetchIsRefusedEvenWithTheRightToken() throws Exception {
        server.createUser("cs-site", "user");
        ApiClient browser = server.signIn("cs-site");

        assertRefused(browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"forged\"}", "Sec-Fetch-Site", "cross-site"));
        assertRefused(browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"forged\"}", "Sec-Fetch-Site", "Cross-Site"));

        assertThat(tokensOf("cs-site")).isZero();
        ApiClient.Response sameOrigin = browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"legit\"}",
                "Sec-Fetch-Site", "same-origin");
        assertThat(sameOrigin.status()).as(sameOrigin.toString()).isEqualTo(201);
    }

    @Test
    void signInFromAForeignOriginIsRefusedAndCreatesNoSession() throws Exception {
        // Login CSRF: a hostile page signs the victim's browser in to the attacker's account.
        server.createUser("cs-login", "user");

        ApiClient.Response foreign = server.client().post("/api/v1/session", credentials("cs-login", PASSWORD),
                "Origin", EVIL);
        ApiClient.Response crossSite = server.client().post("/api/v1/session", credentials("cs-login", PASSWORD),
                "Sec-Fetch-Site", "cross-site");

        for (ApiClient.Response response : List.of(foreign, crossSite)) {
            assertRefused(response);
            assertThat(response.setCookie("hivemind_session")).isEmpty();
        }
        assertThat(Rows.sessions(server, "cs-login")).isZero();
        assertThat(server.audit("auth.sign_in").stream().filter(r -> "cs-login".equals(r.target()))).isEmpty();
    }

    @Test
    void aMatchingOriginIsAllowed() throws Exception {
        server.createUser("cs-same", "user");
        ApiClient browser = server.client();

        ApiClient.Response signIn = browser.post("/api/v1/session", credentials("cs-same", PASSWORD),
                "Origin", origin(), "Sec-Fetch-Site", "same-origin");
        ApiClient.Response create = browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"legit\"}", "Origin", origin());

        assertThat(signIn.status()).as(signIn.toString()).isEqualTo(200);
        assertThat(create.status()).as(create.toString()).isEqualTo(201);
        assertThat(tokensOf("cs-same")).isEqualTo(1);
    }

    @Test
    void getRequestsNeedNoToken() throws Exception {
        server.createUser("cs-get", "user");
        ApiClient browser = server.signIn("cs-get");

        for (String path : List.of("/api/v1/me", "/api/v1/sessions", "/api/v1/tokens", "/api/v1/updates")) {
            ApiClient.Response response = browser.get(path);
            assertThat(response.status()).as(path + ": " + response).isEqualTo(200);
        }
    }

    @Test
    void aPersonalApiTokenNeedsNoCsrfHeader() throws Exception {
        server.createUser("cs-bearer", "user");
        ApiClient browser = server.signIn("cs-bearer");
        ApiClient.Response created = browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"script\"}");
        assertThat(created.status()).isEqualTo(201);
        ApiClient script = server.client().always("Authorization", "Bearer " + created.json().path("token").asText());

        ApiClient.Response second = script.post("/api/v1/tokens", "{\"name\":\"from the script\"}");
        assertThat(second.status()).as(second.toString()).isEqualTo(201);
        ApiClient.Response revoke = script.delete("/api/v1/tokens/" + second.json().path("info").path("id").asLong());
        assertThat(revoke.status()).as(revoke.toString()).isEqualTo(204);

        assertThat(script.cookies()).isEmpty();
        assertThat(Rows.number(server, "SELECT count(*) FROM api_tokens t JOIN users u ON u.id = t.user_id "
                + "WHERE u.username = 'cs-bearer' AND t.revoked_at IS NULL")).isEqualTo(1);
    }

    @Test
    void anInvalidBearerDoesNotFallBackToTheCookie() throws Exception {
        // Adding a junk Authorization header must not be a way around the CSRF check.
        server.createUser("cs-junk", "user");
        ApiClient browser = server.signIn("cs-junk");

        ApiClient.Response response = browser.post("/api/v1/tokens", "{\"name\":\"forged\"}",
                "Authorization", "Bearer not-a-real-token");

        assertThat(response.status()).as(response.toString()).isEqualTo(401);
        assertThat(tokensOf("cs-junk")).isZero();
    }

    @Test
    void refusalsAreAudited() throws Exception {
        server.createUser("cs-audit", "user");
        ApiClient browser = server.signIn("cs-audit");

        browser.post("/api/v1/tokens", "{\"name\":\"forged\"}", "User-Agent", "CsrfTest/1.0");
        browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"forged\"}", "Origin", EVIL);

        List<TestServer.AuditRow> rows = server.audit("auth.csrf_refused").stream()
                .filter(r -> "cs-audit".equals(r.actor())).toList();
        assertThat(rows).hasSize(2);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.outcome()).isEqualTo("denied");
            assertThat(r.clientIp()).isEqualTo("127.0.0.1");
            assertThat(r.details().path("request").asText()).isEqualTo("POST /api/v1/tokens");
        });
        assertThat(rows.get(0).userAgent()).isEqualTo("CsrfTest/1.0");
        assertThat(rows.get(0).details().path("reason").asText()).contains("missing");
        assertThat(rows.get(1).details().path("reason").asText()).contains("Origin");
        // The audit entry does not keep the session's CSRF token.
        assertThat(rows.toString()).doesNotContain(browser.cookie("hivemind_csrf"));
    }

    @Test
    void aLoginCsrfRefusalIsAuditedAsAnonymous() throws Exception {
        server.client().post("/api/v1/session", credentials("cs-anon-audit", PASSWORD), "Origin", EVIL,
                "User-Agent", "LoginCsrf/1.0");

        assertThat(server.audit("auth.csrf_refused").stream()
                .filter(r -> "LoginCsrf/1.0".equals(r.userAgent()))
                .map(TestServer.AuditRow::actor)).containsExactly("anonymous");
    }
}
