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

/** {@code POST /api/v1/session}: local password sign-in, its cookies, its audit entries and its refusals. */
class SignInTest {

    private static final long DEFAULT_MAX_AGE_SECONDS = 7 * 24 * 3600;

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

    @Test
    void theRightPasswordSignsInAndReturnsTheUser() throws Exception {
        server.createUser("si-alice", "user");
        ApiClient browser = server.client();

        ApiClient.Response response = browser.post("/api/v1/session", credentials("si-alice", PASSWORD));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().path("username").asText()).isEqualTo("si-alice");
        assertThat(response.json().path("role").asText()).isEqualTo("user");
        assertThat(response.json().path("source").asText()).isEqualTo("local");
        assertThat(response.json().path("authenticatedBy").asText()).isEqualTo("session");
        String csrf = response.json().path("csrfToken").asText();
        assertThat(csrf).isNotBlank();
        assertThat(browser.cookie("hivemind_csrf")).isEqualTo(csrf);
        assertThat(Rows.sessions(server, "si-alice")).isEqualTo(1);
    }

    @Test
    void overPlainHttpTheCookiesAreHttpOnlyAndSameSiteButNotSecure() throws Exception {
        server.createUser("si-cookies", "user");

        ApiClient.Response response = server.client().post("/api/v1/session", credentials("si-cookies", PASSWORD));

        assertThat(response.status()).isEqualTo(200);
        SetCookies session = SetCookies.of(response, "hivemind_session");
        assertThat(session.value()).startsWith("hms_");
        assertThat(session.has("HttpOnly")).isTrue();
        assertThat(session.attribute("SameSite")).isEqualToIgnoringCase("Lax");
        assertThat(session.attribute("Path")).isEqualTo("/");
        assertThat(session.attribute("Max-Age")).isEqualTo(Long.toString(DEFAULT_MAX_AGE_SECONDS));
        assertThat(session.has("Secure")).isFalse();

        SetCookies csrf = SetCookies.of(response, "hivemind_csrf");
        assertThat(csrf.value()).isEqualTo(response.json().path("csrfToken").asText());
        assertThat(csrf.has("HttpOnly")).as("the page script must read the CSRF cookie").isFalse();
        assertThat(csrf.attribute("SameSite")).isEqualToIgnoringCase("Strict");
        assertThat(csrf.attribute("Path")).isEqualTo("/");
        assertThat(csrf.attribute("Max-Age")).isEqualTo(Long.toString(DEFAULT_MAX_AGE_SECONDS));
        assertThat(csrf.has("Secure")).isFalse();
    }

    @Test
    void behindATrustedProxyThatSaysHttpsBothCookiesAreSecure() throws Exception {
        server.createUser("si-https", "user");

        // The test client connects from 127.0.0.1, a trusted proxy by default.
        ApiClient.Response response = server.client().post("/api/v1/session", credentials("si-https", PASSWORD),
                "X-Forwarded-Proto", "https");

        assertThat(response.status()).isEqualTo(200);
        SetCookies session = SetCookies.of(response, "hivemind_session");
        SetCookies csrf = SetCookies.of(response, "hivemind_csrf");
        assertThat(session.has("Secure")).isTrue();
        assertThat(session.has("HttpOnly")).isTrue();
        assertThat(csrf.has("Secure")).isTrue();
        assertThat(csrf.has("HttpOnly")).isFalse();
    }

    @Test
    void theSessionCookieThenAuthenticatesMe() throws Exception {
        server.createUser("si-me", "viewer");
        ApiClient browser = server.signIn("si-me");
        String csrf = browser.cookie("hivemind_csrf");

        ApiClient.Response me = browser.get("/api/v1/me");

        assertThat(me.status()).as(me.toString()).isEqualTo(200);
        assertThat(me.json().path("username").asText()).isEqualTo("si-me");
        assertThat(me.json().path("role").asText()).isEqualTo("viewer");
        assertThat(me.json().path("authenticatedBy").asText()).isEqualTo("session");
        assertThat(me.json().path("csrfToken").asText()).isEqualTo(csrf);
        // The same request without the cookie is anonymous: it is the cookie that signed in.
        assertThat(server.client().get("/api/v1/me").status()).isEqualTo(401);
    }

    @Test
    void signingInWithAStaleCookieGivesAWorkingNewSession() throws Exception {
        server.createUser("si-again", "user");
        ApiClient browser = server.signIn("si-again");
        String stale = browser.cookie("hivemind_session");
        browser.deleteWithCsrf("/api/v1/session");
        browser.cookies().put("hivemind_session", stale);

        ApiClient.Response response = browser.post("/api/v1/session", credentials("si-again", PASSWORD));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        // Whatever the response says about the stale cookie, the last word is the new session.
        List<String> sessionCookies = response.setCookies().stream()
                .filter(c -> c.startsWith("hivemind_session=")).toList();
        assertThat(sessionCookies.getLast()).startsWith("hivemind_session=hms_");
        assertThat(browser.cookie("hivemind_session")).isNotEqualTo(stale).startsWith("hms_");
        assertThat(browser.get("/api/v1/me").status()).isEqualTo(200);
        assertThat(Rows.sessions(server, "si-again")).isEqualTo(1);
    }

    @Test
    void aSuccessfulSignInIsAuditedWithClientIpAndUserAgent() throws Exception {
        server.createUser("si-audit", "user");

        ApiClient.Response response = server.client().post("/api/v1/session", credentials("si-audit", PASSWORD),
                "User-Agent", "SignInTest/1.0 (audit)", "X-Forwarded-For", "203.0.113.7");

        assertThat(response.status()).isEqualTo(200);
        List<TestServer.AuditRow> rows = server.audit("auth.sign_in").stream()
                .filter(r -> "si-audit".equals(r.target())).toList();
        assertThat(rows).hasSize(1);
        TestServer.AuditRow row = rows.getFirst();
        assertThat(row.outcome()).isEqualTo("success");
        assertThat(row.actor()).isEqualTo("si-audit");
        assertThat(row.clientIp()).isEqualTo("203.0.113.7");
        assertThat(row.userAgent()).isEqualTo("SignInTest/1.0 (audit)");
        long sessionId = Rows.number(server, "SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id "
                + "WHERE u.username = ?", "si-audit");
        assertThat(row.details().path("session").asLong()).isEqualTo(sessionId);
        assertThat(row.details().toString()).doesNotContain(PASSWORD);
    }

    @Test
    void unknownUserWrongPasswordWrongPasswordOfADisabledAccountAndSsoAccountsGetTheSameAnswer() throws Exception {
        server.createUser("si-wrong", "user");
        server.createUser("si-disabled", "user");
        server.sql("UPDATE users SET disabled = true WHERE username = 'si-disabled'");
        server.sql("INSERT INTO users (username, role, source, password_hash, created_at, updated_at) "
                + "VALUES ('si-sso', 'user', 'sso', NULL, now(), now())");

        ApiClient.Response unknown = server.client().post("/api/v1/session", credentials("si-nobody", PASSWORD));
        ApiClient.Response wrong = server.client().post("/api/v1/session", credentials("si-wrong", PASSWORD + "!"));
        // A wrong password says nothing of the account being disabled.
        ApiClient.Response disabledWrong = server.client().post("/api/v1/session", credentials("si-disabled", PASSWORD + "!"));
        ApiClient.Response sso = server.client().post("/api/v1/session", credentials("si-sso", PASSWORD));

        for (ApiClient.Response response : List.of(unknown, wrong, disabledWrong, sso)) {
            assertThat(response.status()).as(response.toString()).isEqualTo(401);
            assertThat(response.error()).isEqualTo("invalid_credentials");
            assertThat(response.json().path("message").asText()).isEqualTo(unknown.json().path("message").asText());
            assertThat(response.json().size()).isEqualTo(unknown.json().size());
            assertThat(response.setCookie("hivemind_session")).isEmpty();
            assertThat(response.setCookie("hivemind_csrf")).isEmpty();
        }
        assertThat(unknown.json().path("message").asText()).isNotBlank();

        assertThat(failureReason("si-nobody")).isEqualTo("unknown_user");
        assertThat(failureReason("si-wrong")).isEqualTo("wrong_password");
        assertThat(failureReason("si-disabled")).isEqualTo("wrong_password");
        assertThat(failureReason("si-sso")).isEqualTo("no_local_password");
        assertThat(Rows.number(server, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id "
                + "WHERE u.username IN ('si-wrong', 'si-disabled', 'si-sso')")).isZero();
    }

    /**
     * Only the right password learns that the account is disabled: its owner, who needs to know why
     * the door stays shut; nobody else learns anything.
     */
    @Test
    void theRightPasswordOfADisabledAccountIsToldTheAccountIsDisabled() throws Exception {
        server.createUser("si-off", "user");
        server.sql("UPDATE users SET disabled = true WHERE username = 'si-off'");

        ApiClient.Response disabled = server.client().post("/api/v1/session", credentials("si-off", PASSWORD));

        assertThat(disabled.status()).as(disabled.toString()).isEqualTo(403);
        assertThat(disabled.error()).isEqualTo("account_disabled");
        assertThat(disabled.setCookie("hivemind_session")).isEmpty();
        assertThat(failureReason("si-off")).isEqualTo("disabled");
        assertThat(Rows.number(server, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id "
                + "WHERE u.username = 'si-off'")).isZero();
    }

    private static String failureReason(String username) throws Exception {
        List<TestServer.AuditRow> rows = server.audit("auth.sign_in").stream()
                .filter(r -> username.equals(r.target())).toList();
        assertThat(rows).as("audit rows for " + username).hasSize(1);
        assertThat(rows.getFirst().outcome()).isEqualTo("failure");
        assertThat(rows.getFirst().actor()).isEqualTo("anonymous");
        return rows.getFirst().details().path("reason").asText();
    }

    @Test
    void aCheapHashIsUpgradedAtTheFirstSignInAndThePasswordStillWorks() throws Exception {
        server.createUser("si-rehash", "user");
        String before = Rows.passwordHash(server, "si-rehash");
        assertThat(before).startsWith("$argon2id$").doesNotContain("m=19456,t=2,p=1");

        server.signIn("si-rehash");

        String after = Rows.passwordHash(server, "si-rehash");
        assertThat(after).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").isNotEqualTo(before);
        server.signIn("si-rehash");
        assertThat(Rows.passwordHash(server, "si-rehash")).as("an up-to-date hash is left alone").isEqualTo(after);
        assertThat(server.client().post("/api/v1/session", credentials("si-rehash", "wrong " + PASSWORD)).status())
                .isEqualTo(401);
    }

    @Test
    void aWrongPasswordDoesNotUpgradeTheHash() throws Exception {
        server.createUser("si-norehash", "user");
        String before = Rows.passwordHash(server, "si-norehash");

        server.client().post("/api/v1/session", credentials("si-norehash", "wrong " + PASSWORD));

        assertThat(Rows.passwordHash(server, "si-norehash")).isEqualTo(before);
    }

    @Test
    void missingFieldsAre400InvalidField() throws Exception {
        server.createUser("si-missing", "user");

        ApiClient.Response noPassword = server.client().post("/api/v1/session", "{\"username\":\"si-missing\"}");
        ApiClient.Response noUsername = server.client().post("/api/v1/session", "{\"password\":\"" + PASSWORD + "\"}");
        ApiClient.Response emptyPassword = server.client().post("/api/v1/session",
                "{\"username\":\"si-missing\",\"password\":\"\"}");
        ApiClient.Response nullUsername = server.client().post("/api/v1/session",
                "{\"username\":null,\"password\":\"" + PASSWORD + "\"}");
        ApiClient.Response empty = server.client().post("/api/v1/session", "{}");

        assertThat(noPassword.status()).isEqualTo(400);
        assertThat(noPassword.error()).isEqualTo("invalid_field");
        assertThat(noPassword.json().path("message").asText()).startsWith("password");
        assertThat(noUsername.status()).isEqualTo(400);
        assertThat(noUsername.error()).isEqualTo("invalid_field");
        assertThat(noUsername.json().path("message").asText()).startsWith("username");
        for (ApiClient.Response response : List.of(emptyPassword, nullUsername, empty)) {
            assertThat(response.status()).as(response.toString()).isEqualTo(400);
            assertThat(response.error()).isEqualTo("invalid_field");
        }
        assertThat(Rows.sessions(server, "si-missing")).isZero();
    }

    @Test
    void malformedJsonIs400InvalidJson() {
        // Including numbers where the fields are text: those are refused, not read as "1" and "2".
        for (String body : List.of("{\"username\":\"x\",", "not json", "[1,2]", "\"text\"", "null",
                "{\"username\":1,\"password\":2}")) {
            ApiClient.Response response = server.client().post("/api/v1/session", body);
            assertThat(response.status()).as(body + " → " + response).isEqualTo(400);
            assertThat(response.error()).as(body).isEqualTo("invalid_json");
        }
        ApiClient.Response empty = server.client().post("/api/v1/session", "");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.error()).isEqualTo("invalid_json");
    }

    @Test
    void aBodyThatIsNotJsonByContentTypeIs415() throws Exception {
        server.createUser("si-form", "user");

        ApiClient.Response form = server.client().post("/api/v1/session", "username=si-form&password=x",
                "Content-Type", "application/x-www-form-urlencoded");
        ApiClient.Response text = server.client().post("/api/v1/session", credentials("si-form", PASSWORD),
                "Content-Type", "text/plain");
        ApiClient.Response none = server.client().send("POST", "/api/v1/session", null);

        for (ApiClient.Response response : List.of(form, text, none)) {
            assertThat(response.status()).as(response.toString()).isEqualTo(415);
            assertThat(response.error()).isEqualTo("unsupported_media_type");
        }
        assertThat(Rows.sessions(server, "si-form")).as("even the right password in a text/plain body").isZero();
    }

    @Test
    void aBodyOver64KiBIs413() throws Exception {
        server.createUser("si-large", "user");
        String padding = "x".repeat(64 * 1024);

        ApiClient.Response response = server.client().post("/api/v1/session",
                "{\"username\":\"si-large\",\"password\":\"" + PASSWORD + "\",\"padding\":\"" + padding + "\"}");

        assertThat(response.status()).as(response.toString()).isEqualTo(413);
        assertThat(response.error()).isEqualTo("payload_too_large");
        assertThat(Rows.sessions(server, "si-large")).isZero();
    }

    @Test
    void anUnknownFieldIs400() throws Exception {
        server.createUser("si-extra", "user");

        ApiClient.Response response = server.client().post("/api/v1/session",
                "{\"username\":\"si-extra\",\"password\":\"" + PASSWORD + "\",\"remember\":true}");

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.error()).isEqualTo("invalid_json");
        assertThat(response.json().path("message").asText()).contains("remember");
        assertThat(Rows.sessions(server, "si-extra")).isZero();
    }

    @Test
    void anOverlongUsernameIsAnOrdinaryFailure() {
        ApiClient.Response response = server.client().post("/api/v1/session", credentials("u".repeat(5000), PASSWORD));

        assertThat(response.status()).as(response.toString()).isEqualTo(401);
        assertThat(response.error()).isEqualTo("invalid_credentials");
    }

    @Test
    void signingInWhileHoldingAnotherLiveSessionEndsThatSessionAndAuditsIt() throws Exception {
        // Issue 12: the old session stayed valid though its cookie was replaced.
        server.createUser("si-first", "user");
        server.createUser("si-second", "user");
        ApiClient browser = server.client();
        assertThat(browser.post("/api/v1/session", credentials("si-first", PASSWORD)).status()).isEqualTo(200);
        String oldSession = browser.cookie("hivemind_session");
        long oldId = ((Number) Rows.query(server, "SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id "
                + "WHERE u.username = 'si-first'").getFirst().get("id")).longValue();

        ApiClient.Response again = browser.postWithCsrf("/api/v1/session", credentials("si-second", PASSWORD));

        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(Rows.sessions(server, "si-first")).as("the replaced session ended").isZero();
        assertThat(Rows.sessions(server, "si-second")).isEqualTo(1);
        ApiClient stolen = server.client();
        stolen.cookies().put("hivemind_session", oldSession);
        assertThat(stolen.get("/api/v1/me").status()).as("the old cookie no longer works").isEqualTo(401);
        List<TestServer.AuditRow> ended = server.audit("auth.session_ended").stream()
                .filter(r -> "si-first".equals(r.target())).toList();
        assertThat(ended).hasSize(1);
        assertThat(ended.getFirst().actor()).isEqualTo("si-first");
        assertThat(ended.getFirst().details().path("reason").asText()).isEqualTo("signed_in_again");
        assertThat(ended.getFirst().details().path("session").asLong()).isEqualTo(oldId);
    }

    @Test
    void aFailedSignInLeavesTheHeldSessionAlone() throws Exception {
        server.createUser("si-keeps", "user");
        ApiClient browser = server.client();
        assertThat(browser.post("/api/v1/session", credentials("si-keeps", PASSWORD)).status()).isEqualTo(200);

        ApiClient.Response wrong = browser.postWithCsrf("/api/v1/session", credentials("si-keeps", "not the password"));

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(Rows.sessions(server, "si-keeps")).isEqualTo(1);
        assertThat(browser.get("/api/v1/me").status()).isEqualTo(200);
    }
}
