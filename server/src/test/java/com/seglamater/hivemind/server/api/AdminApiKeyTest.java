package com.seglamater.hivemind.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ADMIN_API_KEY} as a bearer: admin access without an account or CSRF token, one
 * {@code api_key.used} audit row per use, refusal of a wrong key (audited), no self-service
 * routes for the key, and a server without a key refusing every non-token bearer.
 */
class AdminApiKeyTest {

    /** As {@code openssl rand -base64 32} makes it: 44 characters. */
    private static final String KEY = newKey();

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("ADMIN_API_KEY", KEY);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static String newKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String key = Base64.getEncoder().encodeToString(bytes);
        assertThat(key).hasSize(44);
        return key;
    }

    private static ApiClient withKey() {
        return server.client().always("Authorization", "Bearer " + KEY);
    }

    @Test
    void theKeyGivesAdminAccessToTheUsersApi() throws Exception {
        server.createUser("key-listed", "user");
        ApiClient.Response list = withKey().get("/api/v1/users?q=key-listed");
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.json().path("items").get(0).path("username").asText()).isEqualTo("key-listed");
        assertThat(withKey().get("/api/v1/users/key-listed").status()).isEqualTo(200);
        assertThat(withKey().get("/api/v1/audit").status()).isEqualTo(200);
    }

    @Test
    void theKeyCreatesAUserWithoutACsrfToken() throws Exception {
        ApiClient key = withKey();
        ApiClient.Response created = key.post("/api/v1/users", "{\"username\":\"made-by-key\",\"role\":\"admin\","
                + "\"password\":\"" + TestServer.PASSWORD + "\"}");

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(key.cookies()).isEmpty();
        assertThat(Rows.user(server, "made-by-key").get("role")).isEqualTo("admin");
        TestServer.AuditRow entry = last(server.audit("user.created"));
        assertThat(entry.actor()).isEqualTo("api-key");
        assertThat(entry.target()).isEqualTo("made-by-key");
        // The break-glass case: the account the key made signs in.
        assertThat(server.signIn("made-by-key").get("/api/v1/users").status()).isEqualTo(200);

        ApiClient.Response patched = key.patch("/api/v1/users/made-by-key", "{\"displayName\":\"By Key\"}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(last(server.audit("user.updated")).actor()).isEqualTo("api-key");
    }

    @Test
    void everyUseOfTheKeyWritesOneAuditRowWithTheRequest() throws Exception {
        int before = server.audit("api_key.used").size();

        assertThat(withKey().get("/api/v1/users").status()).isEqualTo(200);
        assertThat(withKey().get("/api/v1/me").status()).isEqualTo(200);

        List<TestServer.AuditRow> rows = server.audit("api_key.used");
        assertThat(rows).hasSize(before + 2);
        assertThat(rows.subList(before, before + 2)).allSatisfy(row -> {
            assertThat(row.actor()).isEqualTo("api-key");
            assertThat(row.outcome()).isEqualTo("success");
            assertThat(row.clientIp()).isEqualTo("127.0.0.1");
        });
        assertThat(rows.get(before).details().path("request").asText()).isEqualTo("GET /api/v1/users");
        assertThat(rows.get(before + 1).details().path("request").asText()).isEqualTo("GET /api/v1/me");

        // A use that the handler then refuses is a use too; and the key itself is never in the log.
        assertThat(withKey().post("/api/v1/users", "{\"username\":\"\"}").status()).isEqualTo(400);
        assertThat(server.audit("api_key.used")).hasSize(before + 3);
        assertThat(last(server.audit("api_key.used")).details().path("request").asText()).isEqualTo("POST /api/v1/users");
        assertThat(Rows.number(server, "SELECT count(*) FROM audit_log a WHERE position(? in a::text) > 0", KEY)).isZero();
    }

    @Test
    void meShowsTheKeyAsAnAdminThatIsNoAccount() {
        ApiClient.Response me = withKey().get("/api/v1/me");
        assertThat(me.status()).isEqualTo(200);
        JsonNode body = me.json();
        assertThat(body.path("username").asText()).isEqualTo("api-key");
        assertThat(body.path("role").asText()).isEqualTo("admin");
        assertThat(body.path("authenticatedBy").asText()).isEqualTo("api-key");
        assertThat(body.hasNonNull("csrfToken")).isFalse();
        assertThat(me.body()).doesNotContain(KEY);
    }

    @Test
    void aWrongKeyIs401AndAuditedAndDoesNothing() throws Exception {
        char last = KEY.charAt(KEY.length() - 2);
        List<String> wrong = List.of(
                KEY.substring(0, KEY.length() - 1),
                KEY + "x",
                KEY.substring(0, KEY.length() - 2) + (last == 'A' ? 'B' : 'A') + KEY.charAt(KEY.length() - 1),
                swapCase(KEY),
                newKey(),
                KEY.substring(0, 32));
        long users = Rows.users(server);
        int used = server.audit("api_key.used").size();
        int rejected = server.audit("auth.rejected").size();

        for (String key : wrong) {
            ApiClient.Response list = server.client().get("/api/v1/users", "Authorization", "Bearer " + key);
            assertThat(list.status()).as(key).isEqualTo(401);
            assertThat(list.error()).isEqualTo("unauthenticated");
            assertThat(list.body()).doesNotContain(KEY).doesNotContain(key);
            ApiClient.Response create = server.client().post("/api/v1/users", "{\"username\":\"by-wrong-key\","
                    + "\"role\":\"admin\",\"password\":\"" + TestServer.PASSWORD + "\"}", "Authorization", "Bearer " + key);
            assertThat(create.status()).as(key).isEqualTo(401);
        }

        assertThat(Rows.users(server)).isEqualTo(users);
        assertThat(Rows.number(server, "SELECT count(*) FROM users WHERE username = 'by-wrong-key'")).isZero();
        assertThat(server.audit("api_key.used")).hasSize(used);
        List<TestServer.AuditRow> rows = server.audit("auth.rejected");
        assertThat(rows).hasSize(rejected + 2 * wrong.size());
        assertThat(rows.subList(rejected, rows.size())).allSatisfy(row -> {
            assertThat(row.actor()).isEqualTo("anonymous");
            assertThat(row.outcome()).isEqualTo("denied");
            assertThat(row.details().path("credential").asText()).isEqualTo("api_key");
        });
        assertThat(rows.get(rejected).details().path("request").asText()).isEqualTo("GET /api/v1/users");
        assertThat(rows.get(rejected + 1).details().path("request").asText()).isEqualTo("POST /api/v1/users");
    }

    @Test
    void theKeyHasNoPasswordSessionsOrTokensOfItsOwn() throws Exception {
        ApiClient key = withKey();
        long tokens = Rows.number(server, "SELECT count(*) FROM api_tokens");
        int created = server.audit("token.created").size();

        ApiClient.Response token = key.post("/api/v1/tokens", "{\"name\":\"key token\"}");
        assertThat(token.status()).isEqualTo(403);
        assertThat(token.error()).isEqualTo("not_an_account");
        ApiClient.Response password = key.put("/api/v1/me/password",
                "{\"currentPassword\":\"" + KEY + "\",\"newPassword\":\"a brand new passphrase\"}");
        assertThat(password.status()).isEqualTo(403);
        assertThat(password.error()).isEqualTo("not_an_account");
        assertThat(key.get("/api/v1/tokens").error()).isEqualTo("not_an_account");
        assertThat(key.get("/api/v1/sessions").error()).isEqualTo("not_an_account");
        assertThat(key.delete("/api/v1/sessions").error()).isEqualTo("not_an_account");

        assertThat(Rows.number(server, "SELECT count(*) FROM api_tokens")).isEqualTo(tokens);
        assertThat(server.audit("token.created")).hasSize(created);
    }

    @Test
    void withoutAKeyConfiguredAnyOtherBearerIs401SayingTheKeyIsNotEnabled() throws Exception {
        try (TestServer keyless = TestServer.start()) {
            keyless.createUser("keyless-admin", "admin");
            for (String bearer : List.of(KEY, "x".repeat(44), "anything")) {
                ApiClient.Response response = keyless.client().get("/api/v1/users", "Authorization", "Bearer " + bearer);
                assertThat(response.status()).isEqualTo(401);
                assertThat(response.error()).isEqualTo("unauthenticated");
                assertThat(response.json().path("message").asText()).contains("not enabled");
            }
            long users = Rows.users(keyless);
            assertThat(keyless.client().post("/api/v1/users", "{\"username\":\"by-no-key\",\"role\":\"admin\","
                    + "\"password\":\"" + TestServer.PASSWORD + "\"}", "Authorization", "Bearer " + KEY).status())
                    .isEqualTo(401);
            assertThat(Rows.users(keyless)).isEqualTo(users);
            assertThat(keyless.audit("auth.rejected")).hasSize(4);
            assertThat(keyless.audit("api_key.used")).isEmpty();
        }
    }

    private static TestServer.AuditRow last(List<TestServer.AuditRow> rows) {
        assertThat(rows).isNotEmpty();
        return rows.get(rows.size() - 1);
    }

    private static String swapCase(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        String swapped = out.toString();
        // A key of digits and symbols only has no case to swap; make it differ anyway.
        return swapped.equals(text) ? text + "!" : swapped;
    }
}
