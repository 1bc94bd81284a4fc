package com.seglamater.hivemind.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/v1/users} as an admin signed in through a session: list, search and filter
 * (with SQL and LIKE metacharacters taken literally), create, read, change, reset a
 * password, end sessions; the last-admin guard; and the role check on every route.
 * Each test uses its own usernames, so the order of the tests does not matter.
 */
class UsersApiTest {

    private static final String NEW_PASSWORD = "a brand new passphrase";

    private static TestServer server;
    /** The class's admin, signed in with a session (every write sends the CSRF header). */
    private static ApiClient root;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        server.createUser("root", "admin");
        root = server.signIn("root");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    // ---- list, search, filter ------------------------------------------------------------

    @Test
    void listPagesWithTotalLimitAndOffset() throws Exception {
        for (String name : List.of("page-c", "page-a", "page-e", "page-b", "page-d")) {
            server.createUser(name, "user");
        }
        ApiClient.Response first = root.get("/api/v1/users?q=page-&limit=2");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().path("total").asLong()).isEqualTo(5);
        assertThat(first.json().path("limit").asInt()).isEqualTo(2);
        assertThat(first.json().path("offset").asInt()).isZero();
        assertThat(usernames(first)).containsExactly("page-a", "page-b");

        ApiClient.Response middle = root.get("/api/v1/users?q=page-&limit=2&offset=2");
        assertThat(usernames(middle)).containsExactly("page-c", "page-d");
        assertThat(middle.json().path("offset").asInt()).isEqualTo(2);

        ApiClient.Response last = root.get("/api/v1/users?q=page-&limit=2&offset=4");
        assertThat(usernames(last)).containsExactly("page-e");
        assertThat(last.json().path("total").asLong()).isEqualTo(5);

        ApiClient.Response beyond = root.get("/api/v1/users?q=page-&limit=2&offset=10");
        assertThat(beyond.status()).isEqualTo(200);
        assertThat(usernames(beyond)).isEmpty();
        assertThat(beyond.json().path("total").asLong()).isEqualTo(5);

        ApiClient.Response defaults = root.get("/api/v1/users?q=page-");
        assertThat(defaults.json().path("limit").asInt()).isEqualTo(50);
        assertThat(usernames(defaults)).containsExactly("page-a", "page-b", "page-c", "page-d", "page-e");
    }

    @Test
    void listNeverShowsPasswordHashes() {
        ApiClient.Response list = root.get("/api/v1/users?limit=200");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).doesNotContain("argon2").doesNotContainIgnoringCase("password");
    }

    @Test
    void searchMatchesUsernameEmailAndDisplayNameWithoutRegardToCase() throws Exception {
        fixture("srch-one", "one@Sky-Harbour.example", null, "user");
        fixture("srch-two", null, "Sky HARBOUR keeper", "viewer");
        fixture("skyharbour", null, null, "user");
        fixture("srch-three", "three@elsewhere.example", "Somebody Else", "user");

        assertThat(usernames(root.get("/api/v1/users?q=" + q("sky-harbour")))).containsExactly("srch-one");
        assertThat(usernames(root.get("/api/v1/users?q=" + q("sky harbour")))).containsExactly("srch-two");
        assertThat(usernames(root.get("/api/v1/users?q=" + q("SKYHARB")))).containsExactly("skyharbour");
        assertThat(usernames(root.get("/api/v1/users?q=" + q("harbour")))).containsExactlyInAnyOrder("srch-one", "srch-two", "skyharbour");
        assertThat(usernames(root.get("/api/v1/users?q=" + q("SRCH-")))).containsExactlyInAnyOrder("srch-one", "srch-three", "srch-two");
        assertThat(usernames(root.get("/api/v1/users?q=" + q("no-such-thing-anywhere")))).isEmpty();
    }

    @Test
    void filtersByRoleAndByDisabled() throws Exception {
        fixture("flt-admin", null, null, "admin");
        fixture("flt-user", null, null, "user");
        fixture("flt-viewer", null, null, "viewer");
        fixture("flt-off", null, null, "user");
        Rows.execute(server, "UPDATE users SET disabled = true WHERE username = 'flt-off'");

        assertThat(usernames(root.get("/api/v1/users?q=flt-&role=admin"))).containsExactly("flt-admin");
        assertThat(usernames(root.get("/api/v1/users?q=flt-&role=viewer"))).containsExactly("flt-viewer");
        assertThat(usernames(root.get("/api/v1/users?q=flt-&role=user"))).containsExactly("flt-off", "flt-user");
        assertThat(usernames(root.get("/api/v1/users?q=flt-&disabled=true"))).containsExactly("flt-off");
        assertThat(usernames(root.get("/api/v1/users?q=flt-&disabled=false")))
                .containsExactly("flt-admin", "flt-user", "flt-viewer");
        ApiClient.Response both = root.get("/api/v1/users?q=flt-&role=user&disabled=false");
        assertThat(usernames(both)).containsExactly("flt-user");
        assertThat(both.json().path("total").asLong()).isEqualTo(1);
        // Without q the filters apply to everyone: every disabled account listed is disabled.
        ApiClient.Response disabled = root.get("/api/v1/users?disabled=true&limit=200");
        assertThat(disabled.json().path("items")).isNotEmpty()
                .allSatisfy(u -> assertThat(u.path("disabled").asBoolean()).isTrue());
    }

    /** Display names and emails may hold any printable character, so these are all findable literally. */
    private static void metaFixtures() throws Exception {
        if (Rows.number(server, "SELECT count(*) FROM users WHERE username = 'meta-plain'") > 0) {
            return;
        }
        fixture("meta-plain", "plain@example.com", "Plain Person", "user");
        fixture("meta_under", null, "Under Score", "user");
        fixture("metaxunder", null, "No Underscore Here", "user");
        fixture("meta-pct", null, "100% sure", "user");
        fixture("meta-apb", "a%b@example.com", null, "user");
        fixture("meta-bs", null, "back\\slash", "user");
        fixture("meta-bspct", null, "x\\%y", "user");
        fixture("meta-drop", null, "'; DROP TABLE users; --", "user");
        fixture("meta-quote", "o'brien@example.com", "O'Brien \"Bob\"", "user");
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "_", "\\", "%%", "_%", "\\%", "\\\\", "'", "\"", "a%b", "meta_u", "%sure",
            "'; DROP TABLE users; --", "' OR '1'='1", "\" OR 1=1 --", ";", "--", "*", "?", ".", "[a-z]", "(", "$1",
            "\\_", "x\\%y", "ESCAPE", "' ESCAPE '", "🐝"})
    void metacharactersInQueryMatchOnlyLiterally(String query) throws Exception {
        metaFixtures();
        // The oracle: a plain, case-insensitive substring test over every account, done here.
        ApiClient.Response all = root.get("/api/v1/users?limit=200");
        assertThat(all.json().path("total").asLong()).isLessThanOrEqualTo(200);
        List<String> expected = new ArrayList<>();
        String needle = query.toLowerCase(Locale.ROOT);
        for (JsonNode u : all.json().path("items")) {
            if (u.path("username").asText().toLowerCase(Locale.ROOT).contains(needle)
                    || u.path("email").asText("").toLowerCase(Locale.ROOT).contains(needle)
                    || u.path("displayName").asText("").toLowerCase(Locale.ROOT).contains(needle)) {
                expected.add(u.path("username").asText());
            }
        }
        long before = Rows.users(server);

        ApiClient.Response found = root.get("/api/v1/users?limit=200&q=" + q(query));

        assertThat(found.status()).as(found.toString()).isEqualTo(200);
        assertThat(usernames(found)).containsExactlyElementsOf(expected);
        assertThat(found.json().path("total").asLong()).isEqualTo(expected.size());
        assertThat(Rows.users(server)).isEqualTo(before);
    }

    @Test
    void wildcardsFindOnlyTheAccountsThatContainThemLiterally() throws Exception {
        metaFixtures();
        assertThat(usernames(root.get("/api/v1/users?q=" + q("%")))).containsExactly("meta-apb", "meta-bspct", "meta-pct");
        assertThat(usernames(root.get("/api/v1/users?q=" + q("meta_u")))).containsExactly("meta_under");
        assertThat(usernames(root.get("/api/v1/users?q=" + q("\\")))).containsExactly("meta-bs", "meta-bspct");
        assertThat(usernames(root.get("/api/v1/users?q=" + q("\\%")))).containsExactly("meta-bspct");
        assertThat(usernames(root.get("/api/v1/users?q=" + q("%%")))).isEmpty();
        assertThat(usernames(root.get("/api/v1/users?q=" + q("'")))).containsExactly("meta-drop", "meta-quote");
    }

    @Test
    void sqlInjectionInQueryIsASearchAndLeavesTheUsersTableIntact() throws Exception {
        metaFixtures();
        long users = Rows.users(server);
        Map<String, Object> rootRow = Rows.user(server, "root");

        ApiClient.Response drop = root.get("/api/v1/users?q=" + q("'; DROP TABLE users; --"));
        ApiClient.Response always = root.get("/api/v1/users?q=" + q("' OR '1'='1"));
        ApiClient.Response roleInjection = root.get("/api/v1/users?role=" + q("admin' OR '1'='1"));

        assertThat(drop.status()).isEqualTo(200);
        assertThat(usernames(drop)).containsExactly("meta-drop");
        assertThat(always.status()).isEqualTo(200);
        assertThat(usernames(always)).isEmpty();
        assertThat(roleInjection.status()).isEqualTo(400);
        assertThat(roleInjection.error()).isEqualTo("invalid_parameter");
        assertThat(Rows.number(server, "SELECT count(*) FROM pg_tables WHERE tablename = 'users'")).isEqualTo(1);
        assertThat(Rows.users(server)).isEqualTo(users);
        assertThat(Rows.user(server, "root")).isEqualTo(rootRow);
        assertThat(root.get("/api/v1/users?limit=200").json().path("total").asLong()).isEqualTo(users);
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=201", "limit=-1", "limit=abc", "limit=1.5", "limit=1e2",
            "limit=99999999999999999999", "limit=%2B5", "offset=-1", "offset=1000001", "offset=x", "offset=0x10",
            "role=superuser", "role=ADMIN", "role=none", "role=%20admin", "disabled=yes", "disabled=1",
            "disabled=TRUE", "disabled=no", "q=%00", "q=a%0Ab"})
    void badListParametersAre400InvalidParameter(String parameter) throws Exception {
        long users = Rows.users(server);
        ApiClient.Response response = root.get("/api/v1/users?" + parameter);
        assertThat(response.status()).as(parameter + " → " + response).isEqualTo(400);
        assertThat(response.error()).isEqualTo("invalid_parameter");
        assertThat(response.json().path("message").asText()).isNotBlank();
        assertThat(Rows.users(server)).isEqualTo(users);
    }

    @Test
    void anOverlongQueryIs400() {
        ApiClient.Response response = root.get("/api/v1/users?q=" + "a".repeat(257));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.error()).isEqualTo("invalid_parameter");
        assertThat(root.get("/api/v1/users?q=" + "a".repeat(256)).status()).isEqualTo(200);
    }

    // ---- create ---------------------------------------------------------------------------

    @Test
    void createAnswers201WithTheUserWhoCanThenSignIn() throws Exception {
        int auditsBefore = server.audit("user.created").size();
        ApiClient.Response created = root.postWithCsrf("/api/v1/users", "{\"username\":\"New-Person\","
                + "\"email\":\"np@example.com\",\"displayName\":\"New Person\",\"role\":\"user\","
                + "\"password\":\"" + TestServer.PASSWORD + "\"}");

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode user = created.json();
        assertThat(user.path("id").asLong()).isPositive();
        assertThat(user.path("username").asText()).isEqualTo("New-Person");
        assertThat(user.path("email").asText()).isEqualTo("np@example.com");
        assertThat(user.path("displayName").asText()).isEqualTo("New Person");
        assertThat(user.path("role").asText()).isEqualTo("user");
        assertThat(user.path("source").asText()).isEqualTo("local");
        assertThat(user.path("disabled").asBoolean()).isFalse();
        assertThat(created.body()).doesNotContain("argon2").doesNotContain(TestServer.PASSWORD)
                .doesNotContainIgnoringCase("password");

        Map<String, Object> row = Rows.user(server, "new-person");
        assertThat(row.get("username")).isEqualTo("New-Person");
        assertThat((String) row.get("password_hash")).startsWith("$argon2id$");
        assertThat(row.get("id")).isEqualTo(user.path("id").asLong());

        List<TestServer.AuditRow> audit = server.audit("user.created");
        assertThat(audit).hasSize(auditsBefore + 1);
        TestServer.AuditRow entry = audit.get(audit.size() - 1);
        assertThat(entry.actor()).isEqualTo("root");
        assertThat(entry.target()).isEqualTo("New-Person");
        assertThat(entry.outcome()).isEqualTo("success");
        assertThat(entry.details().path("role").asText()).isEqualTo("user");
        assertThat(entry.details().toString()).doesNotContain(TestServer.PASSWORD);

        // The new account signs in (in any spelling of its name) and is what was created.
        ApiClient newPerson = server.signIn("NEW-person");
        JsonNode me = newPerson.get("/api/v1/me").json();
        assertThat(me.path("username").asText()).isEqualTo("New-Person");
        assertThat(me.path("role").asText()).isEqualTo("user");
    }

    @Test
    void createWithoutOptionalFieldsLeavesThemEmpty() throws Exception {
        ApiClient.Response created = root.postWithCsrf("/api/v1/users", "{\"username\":\"bare-person\","
                + "\"email\":\"\",\"role\":\"viewer\",\"password\":\"" + TestServer.PASSWORD + "\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().hasNonNull("email")).isFalse();
        assertThat(created.json().hasNonNull("displayName")).isFalse();
        Map<String, Object> row = Rows.user(server, "bare-person");
        assertThat(row.get("email")).isNull();
        assertThat(row.get("display_name")).isNull();
        assertThat(row.get("role")).isEqualTo("viewer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Dup-Name", "dup-name", "DUP-NAME", "dUP-nAME"})
    void aTakenUsernameInAnySpellingIs409AndCreatesNothing(String spelling) throws Exception {
        if (Rows.number(server, "SELECT count(*) FROM users WHERE username = 'Dup-Name'") == 0) {
            assertThat(createUser("Dup-Name", "user").status()).isEqualTo(201);
        }
        Map<String, Object> original = Rows.user(server, "Dup-Name");
        long users = Rows.users(server);
        int audits = server.audit("user.created").size();

        ApiClient.Response again = root.postWithCsrf("/api/v1/users", newUser(spelling, "admin", NEW_PASSWORD));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error()).isEqualTo("username_taken");
        assertThat(Rows.users(server)).isEqualTo(users);
        assertThat(Rows.user(server, "Dup-Name")).isEqualTo(original);
        assertThat(server.audit("user.created")).hasSize(audits);
    }

    @ParameterizedTest
    @ValueSource(strings = {"short", "elevenchars", "            ", "\t\t\t\t\t\t\t\t\t\t\t\t\t", "twelve\nchars!"})
    void aWeakPasswordIs400AndCreatesNothing(String password) throws Exception {
        long users = Rows.users(server);
        int audits = server.audit("user.created").size();
        ApiClient.Response response = root.postWithCsrf("/api/v1/users", newUser("weak-pw", "user", password));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.error()).isEqualTo("weak_password");
        assertThat(Rows.users(server)).isEqualTo(users);
        assertThat(Rows.number(server, "SELECT count(*) FROM users WHERE username = 'weak-pw'")).isZero();
        assertThat(server.audit("user.created")).hasSize(audits);
    }

    static Stream<Arguments> invalidNewUsers() {
        String pw = "\"password\":\"" + TestServer.PASSWORD + "\"";
        return Stream.of(
                Arguments.of("username", "{\"role\":\"user\"," + pw + "}"),
                Arguments.of("username", "{\"username\":\"\",\"role\":\"user\"," + pw + "}"),
                Arguments.of("username", "{\"username\":\"has space\",\"role\":\"user\"," + pw + "}"),
                Arguments.of("username", "{\"username\":\" lead\",\"role\":\"user\"," + pw + "}"),
                Arguments.of("username", "{\"username\":\"-dash\",\"role\":\"user\"," + pw + "}"),
                Arguments.of("username", "{\"username\":\".dot\",\"role\":\"user\"," + pw + "}"),
                Arguments.of("username", "{\"username\":\"s%lash\",\"role\":\"user\"," + pw + "}"),
                Arguments.of("username", "{\"username\":\"x'; DROP TABLE users; --\",\"role\":\"user\"," + pw + "}"),
                Arguments.of("username", "{\"username\":\"ünïcode\",\"role\":\"user\"," + pw + "}"),
                Arguments.of("username", "{\"username\":\"a/b\",\"role\":\"user\"," + pw + "}"),
                Arguments.of("username", "{\"username\":\"" + "a".repeat(65) + "\",\"role\":\"user\"," + pw + "}"),
                Arguments.of("email", "{\"username\":\"bad-field\",\"email\":\"not-an-email\",\"role\":\"user\"," + pw + "}"),
                Arguments.of("email", "{\"username\":\"bad-field\",\"email\":\"a b@example.com\",\"role\":\"user\"," + pw + "}"),
                Arguments.of("email", "{\"username\":\"bad-field\",\"email\":\"@example.com\",\"role\":\"user\"," + pw + "}"),
                Arguments.of("email", "{\"username\":\"bad-field\",\"email\":\"a@b@c\",\"role\":\"user\"," + pw + "}"),
                Arguments.of("email", "{\"username\":\"bad-field\",\"email\":\"a@example.com\\n\",\"role\":\"user\"," + pw + "}"),
                Arguments.of("displayName", "{\"username\":\"bad-field\",\"displayName\":\"   \",\"role\":\"user\"," + pw + "}"),
                Arguments.of("displayName", "{\"username\":\"bad-field\",\"displayName\":\"a\\u0000b\",\"role\":\"user\"," + pw + "}"),
                Arguments.of("role", "{\"username\":\"bad-field\",\"role\":\"superuser\"," + pw + "}"),
                Arguments.of("role", "{\"username\":\"bad-field\",\"role\":\"ADMIN\"," + pw + "}"),
                Arguments.of("role", "{\"username\":\"bad-field\",\"role\":\"none\"," + pw + "}"),
                Arguments.of("role", "{\"username\":\"bad-field\",\"role\":\"\"," + pw + "}"),
                Arguments.of("password", "{\"username\":\"bad-field\",\"role\":\"user\"}"));
    }

    @Test
    void aNewUserWithoutARoleGetsTheDefaultRoleAndNoneMakesItRequired() throws Exception {
        ApiClient.Response defaulted = root.postWithCsrf("/api/v1/users",
                "{\"username\":\"defaulted\",\"password\":\"" + TestServer.PASSWORD + "\"}");
        assertThat(defaulted.status()).as(defaulted.toString()).isEqualTo(201);
        assertThat(defaulted.json().path("role").asText()).isEqualTo("viewer");

        try (TestServer strict = TestServer.start("HIVEMIND_DEFAULT_ROLE", "none")) {
            strict.createUser("strict-root", "admin");
            ApiClient admin = strict.signIn("strict-root");
            ApiClient.Response refused = admin.postWithCsrf("/api/v1/users",
                    "{\"username\":\"roleless\",\"password\":\"" + TestServer.PASSWORD + "\"}");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.json().path("message").asText()).isEqualTo(
                    "role: is required (admin, user or viewer): HIVEMIND_DEFAULT_ROLE is none");
            assertThat(Rows.users(strict)).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @MethodSource("invalidNewUsers")
    void aBadUsernameEmailDisplayNameOrRoleIs400InvalidFieldAndCreatesNothing(String field, String body) throws Exception {
        long users = Rows.users(server);
        int audits = server.audit("user.created").size();
        ApiClient.Response response = root.postWithCsrf("/api/v1/users", body);
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.error()).isEqualTo("invalid_field");
        assertThat(response.json().path("message").asText()).startsWith(field + ":");
        assertThat(Rows.users(server)).isEqualTo(users);
        assertThat(server.audit("user.created")).hasSize(audits);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"username\":5,\"role\":\"user\",\"password\":\"correct horse battery staple\"}",
            "{\"username\":\"wrong-types\",\"role\":[\"admin\"],\"password\":\"correct horse battery staple\"}",
            "{\"username\":\"wrong-types\",\"role\":\"user\",\"password\":123456789012345}",
            "{\"username\":\"wrong-types\",\"role\":\"user\",\"password\":\"correct horse battery staple\",\"source\":\"sso\"}",
            "{\"username\":\"wrong-types\",\"role\":\"user\",\"password\":\"correct horse battery staple\",\"disabled\":false}",
            "{\"username\":\"wrong-types\",\"username\":\"other\",\"role\":\"user\",\"password\":\"correct horse battery staple\"}",
            "[]", "null", "\"text\"", "{", ""})
    void aMalformedCreateBodyIs400AndCreatesNothing(String body) throws Exception {
        long users = Rows.users(server);
        ApiClient.Response response = root.postWithCsrf("/api/v1/users", body);
        assertThat(response.status()).as(body + " → " + response).isEqualTo(400);
        assertThat(response.error()).isIn("invalid_json", "invalid_field");
        assertThat(Rows.users(server)).isEqualTo(users);
    }

    // ---- read -----------------------------------------------------------------------------

    @Test
    void getFindsAUserWithoutRegardToCase() throws Exception {
        fixture("Case.Person", "case@example.com", "Case Person", "viewer");
        for (String spelling : List.of("Case.Person", "case.person", "CASE.PERSON")) {
            ApiClient.Response found = root.get("/api/v1/users/" + spelling);
            assertThat(found.status()).isEqualTo(200);
            assertThat(found.json().path("username").asText()).isEqualTo("Case.Person");
            assertThat(found.json().path("email").asText()).isEqualTo("case@example.com");
            assertThat(found.json().path("role").asText()).isEqualTo("viewer");
            assertThat(found.body()).doesNotContain("argon2");
        }
    }

    @Test
    void getFindsUsernamesThatLookLikeEmails() throws Exception {
        fixture("a+b@mail.example", null, null, "user");
        ApiClient.Response found = root.get("/api/v1/users/a+b@mail.example");
        assertThat(found.status()).as(found.toString()).isEqualTo(200);
        assertThat(found.json().path("username").asText()).isEqualTo("a+b@mail.example");
    }

    @Test
    void getOfAnUnknownUserIs404() {
        ApiClient.Response missing = root.get("/api/v1/users/nobody-by-that-name");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.error()).isEqualTo("not_found");
        assertThat(root.get("/api/v1/users/" + q("'; DROP TABLE users; --")).status()).isEqualTo(404);
    }

    @Test
    void changingOrResettingAnUnknownUserIs404() throws Exception {
        long users = Rows.users(server);
        assertThat(root.patchWithCsrf("/api/v1/users/nobody-by-that-name", "{\"role\":\"admin\"}").status()).isEqualTo(404);
        assertThat(root.postWithCsrf("/api/v1/users/nobody-by-that-name/password",
                "{\"newPassword\":\"" + NEW_PASSWORD + "\"}").status()).isEqualTo(404);
        assertThat(root.deleteWithCsrf("/api/v1/users/nobody-by-that-name/sessions").status()).isEqualTo(404);
        assertThat(Rows.users(server)).isEqualTo(users);
    }

    // ---- change ---------------------------------------------------------------------------

    @Test
    void aRoleChangeIsStoredAndAuditedWithFromAndTo() throws Exception {
        server.createUser("role-change", "user");
        int audits = server.audit("user.role_changed").size();

        ApiClient.Response promoted = root.patchWithCsrf("/api/v1/users/ROLE-change", "{\"role\":\"admin\"}");
        assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
        assertThat(promoted.json().path("role").asText()).isEqualTo("admin");
        assertThat(Rows.user(server, "role-change").get("role")).isEqualTo("admin");

        ApiClient.Response demoted = root.patchWithCsrf("/api/v1/users/role-change", "{\"role\":\"viewer\"}");
        assertThat(demoted.json().path("role").asText()).isEqualTo("viewer");
        assertThat(Rows.user(server, "role-change").get("role")).isEqualTo("viewer");

        List<TestServer.AuditRow> rows = server.audit("user.role_changed");
        assertThat(rows).hasSize(audits + 2);
        TestServer.AuditRow up = rows.get(audits);
        assertThat(up.actor()).isEqualTo("root");
        assertThat(up.target()).isEqualTo("role-change");
        assertThat(up.details().path("from").asText()).isEqualTo("user");
        assertThat(up.details().path("to").asText()).isEqualTo("admin");
        TestServer.AuditRow down = rows.get(audits + 1);
        assertThat(down.details().path("from").asText()).isEqualTo("admin");
        assertThat(down.details().path("to").asText()).isEqualTo("viewer");

        // The new role is what the account has from its next request on.
        assertThat(server.signIn("role-change").get("/api/v1/me").json().path("role").asText()).isEqualTo("viewer");
    }

    @Test
    void disablingEndsTheAccountsSessionsAndTokensAtOnceAndRefusesSignIn() throws Exception {
        server.createUser("to-disable", "user");
        ApiClient browser = server.signIn("to-disable");
        ApiClient otherBrowser = server.signIn("to-disable");
        ApiClient.Response token = browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"laptop\"}");
        assertThat(token.status()).isEqualTo(201);
        ApiClient script = server.client().always("Authorization", "Bearer " + token.json().path("token").asText());
        assertThat(script.get("/api/v1/me").status()).isEqualTo(200);
        assertThat(browser.get("/api/v1/me").status()).isEqualTo(200);
        int audits = server.audit("user.disabled").size();

        ApiClient.Response disabled = root.patchWithCsrf("/api/v1/users/to-disable", "{\"disabled\":true}");

        assertThat(disabled.status()).as(disabled.toString()).isEqualTo(200);
        assertThat(disabled.json().path("disabled").asBoolean()).isTrue();
        assertThat(Rows.user(server, "to-disable").get("disabled")).isEqualTo(true);
        assertThat(Rows.sessions(server, "to-disable")).isZero();
        assertThat(browser.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(otherBrowser.get("/api/v1/sessions").status()).isEqualTo(401);
        ApiClient.Response scripted = script.get("/api/v1/me");
        assertThat(scripted.status()).isEqualTo(401);
        assertThat(scripted.error()).isEqualTo("unauthenticated");
        ApiClient.Response signIn = server.client().post("/api/v1/session",
                TestServer.credentials("to-disable", TestServer.PASSWORD));
        assertThat(signIn.status()).isEqualTo(403);
        assertThat(signIn.error()).isEqualTo("account_disabled");
        assertThat(signIn.setCookie("hivemind_session")).isEmpty();
        assertThat(Rows.sessions(server, "to-disable")).isZero();

        List<TestServer.AuditRow> rows = server.audit("user.disabled");
        assertThat(rows).hasSize(audits + 1);
        assertThat(rows.get(audits).actor()).isEqualTo("root");
        assertThat(rows.get(audits).target()).isEqualTo("to-disable");

        int enabledAudits = server.audit("user.enabled").size();
        ApiClient.Response enabled = root.patchWithCsrf("/api/v1/users/to-disable", "{\"disabled\":false}");
        assertThat(enabled.status()).isEqualTo(200);
        assertThat(enabled.json().path("disabled").asBoolean()).isFalse();
        assertThat(Rows.user(server, "to-disable").get("disabled")).isEqualTo(false);
        List<TestServer.AuditRow> enabledRows = server.audit("user.enabled");
        assertThat(enabledRows).hasSize(enabledAudits + 1);
        assertThat(enabledRows.get(enabledAudits).actor()).isEqualTo("root");
        assertThat(enabledRows.get(enabledAudits).target()).isEqualTo("to-disable");
        // Enabled again: the account signs in; the sessions that ended stay ended.
        assertThat(server.signIn("to-disable").get("/api/v1/me").status()).isEqualTo(200);
        assertThat(browser.get("/api/v1/me").status()).isEqualTo(401);
    }

    @Test
    void emailAndDisplayNameAreSetAndClearedWithNull() throws Exception {
        server.createUser("contact", "user");
        int audits = server.audit("user.updated").size();

        ApiClient.Response set = root.patchWithCsrf("/api/v1/users/contact",
                "{\"email\":\"contact@example.com\",\"displayName\":\"Con Tact\"}");
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        assertThat(set.json().path("email").asText()).isEqualTo("contact@example.com");
        assertThat(set.json().path("displayName").asText()).isEqualTo("Con Tact");
        assertThat(Rows.user(server, "contact")).containsEntry("email", "contact@example.com")
                .containsEntry("display_name", "Con Tact");

        ApiClient.Response clearEmail = root.patchWithCsrf("/api/v1/users/contact", "{\"email\":null}");
        assertThat(clearEmail.status()).isEqualTo(200);
        assertThat(clearEmail.json().hasNonNull("email")).isFalse();
        assertThat(clearEmail.json().path("displayName").asText()).isEqualTo("Con Tact");
        assertThat(Rows.user(server, "contact")).containsEntry("email", null).containsEntry("display_name", "Con Tact");

        ApiClient.Response clearName = root.patchWithCsrf("/api/v1/users/contact", "{\"displayName\":null}");
        assertThat(clearName.status()).isEqualTo(200);
        assertThat(Rows.user(server, "contact")).containsEntry("email", null).containsEntry("display_name", null);

        List<TestServer.AuditRow> rows = server.audit("user.updated");
        assertThat(rows).hasSize(audits + 3);
        assertThat(rows.subList(audits, audits + 3)).allSatisfy(r -> {
            assertThat(r.actor()).isEqualTo("root");
            assertThat(r.target()).isEqualTo("contact");
        });
        assertThat(rows.get(audits).details().path("emailChanged").asBoolean()).isTrue();
        assertThat(rows.get(audits).details().path("displayNameChanged").asBoolean()).isTrue();
        assertThat(rows.get(audits + 1).details().path("emailChanged").asBoolean()).isTrue();
        assertThat(rows.get(audits + 1).details().path("displayNameChanged").asBoolean()).isFalse();
        assertThat(rows.get(audits + 2).details().path("emailChanged").asBoolean()).isFalse();
        assertThat(rows.get(audits + 2).details().path("displayNameChanged").asBoolean()).isTrue();
    }

    @Test
    void aPatchThatChangesNothingWritesNothing() throws Exception {
        fixture("no-change", "same@example.com", null, "user");
        Map<String, Object> before = Rows.user(server, "no-change");
        long userAudits = Rows.auditRows(server, "user.");
        ApiClient.Response same = root.patchWithCsrf("/api/v1/users/no-change",
                "{\"role\":\"user\",\"disabled\":false,\"email\":\"same@example.com\"}");
        assertThat(same.status()).isEqualTo(200);
        assertThat(Rows.user(server, "no-change")).isEqualTo(before);
        assertThat(Rows.auditRows(server, "user.")).isEqualTo(userAudits);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"password\":\"correct horse battery staple\"}", "{\"username\":\"renamed\"}",
            "{\"source\":\"sso\"}", "{\"id\":1}", "{\"passwordHash\":\"x\"}", "{\"role\":\"admin\",\"bogus\":1}",
            "{\"role\":5}", "{\"role\":null}", "{\"role\":\"root\"}", "{\"role\":\"ADMIN\"}", "{\"role\":[\"admin\"]}",
            "{\"disabled\":\"true\"}", "{\"disabled\":1}", "{\"disabled\":null}", "{\"email\":5}",
            "{\"email\":true}", "{\"email\":\"not an email\"}", "{\"displayName\":[]}", "{\"displayName\":{}}",
            "{\"displayName\":\"  \"}", "{\"role\":\"admin\",\"email\":\"bad\"}",
            "{\"role\":\"admin\",\"role\":\"viewer\"}", "[]", "null", "{", "\"admin\""})
    void aBadPatchIs400AndChangesNothing(String body) throws Exception {
        if (Rows.number(server, "SELECT count(*) FROM users WHERE username = 'patch-target'") == 0) {
            fixture("patch-target", "pt@example.com", "Patch Target", "user");
        }
        Map<String, Object> before = Rows.user(server, "patch-target");
        long userAudits = Rows.auditRows(server, "user.");

        ApiClient.Response response = root.patchWithCsrf("/api/v1/users/patch-target", body);

        assertThat(response.status()).as(body + " → " + response).isEqualTo(400);
        assertThat(response.error()).isIn("invalid_field", "invalid_json");
        assertThat(Rows.user(server, "patch-target")).isEqualTo(before);
        assertThat(Rows.auditRows(server, "user.")).isEqualTo(userAudits);
    }

    @Test
    void theLastEnabledAdminCanBeNeitherDemotedNorDisabled() throws Exception {
        try (TestServer fresh = TestServer.start()) {
            fresh.createUser("solo", "admin");
            fresh.createUser("bystander", "user");
            // A disabled admin is no administrator: it does not count.
            long sleeper = fresh.createUser("sleeper", "admin");
            Rows.execute(fresh, "UPDATE users SET disabled = true WHERE id = ?", sleeper);
            ApiClient solo = fresh.signIn("solo");
            Map<String, Object> before = Rows.user(fresh, "solo");
            long audits = Rows.auditRows(fresh, "user.");

            for (String body : List.of("{\"role\":\"user\"}", "{\"role\":\"viewer\"}", "{\"disabled\":true}",
                    "{\"role\":\"user\",\"disabled\":true}", "{\"role\":\"viewer\",\"email\":\"solo@example.com\"}")) {
                ApiClient.Response refused = solo.patchWithCsrf("/api/v1/users/solo", body);
                assertThat(refused.status()).as(body + " → " + refused).isEqualTo(409);
                assertThat(refused.error()).isEqualTo("last_admin");
            }
            assertThat(Rows.user(fresh, "solo")).isEqualTo(before);
            assertThat(Rows.auditRows(fresh, "user.")).isEqualTo(audits);
            assertThat(Rows.sessions(fresh, "solo")).isEqualTo(1);
            assertThat(solo.get("/api/v1/users").status()).isEqualTo(200);

            // With a second enabled admin, one of the two may be demoted; then the guard holds again.
            fresh.createUser("second", "admin");
            ApiClient.Response demoted = solo.patchWithCsrf("/api/v1/users/second", "{\"role\":\"user\"}");
            assertThat(demoted.status()).as(demoted.toString()).isEqualTo(200);
            assertThat(Rows.user(fresh, "second").get("role")).isEqualTo("user");
            assertThat(solo.patchWithCsrf("/api/v1/users/solo", "{\"role\":\"user\"}").error()).isEqualTo("last_admin");
            assertThat(Rows.user(fresh, "solo").get("role")).isEqualTo("admin");

            // Promote again: now the other one may go, even by disabling.
            assertThat(solo.patchWithCsrf("/api/v1/users/second", "{\"role\":\"admin\"}").status()).isEqualTo(200);
            assertThat(solo.patchWithCsrf("/api/v1/users/second", "{\"disabled\":true}").status()).isEqualTo(200);
            assertThat(solo.patchWithCsrf("/api/v1/users/solo", "{\"disabled\":true}").error()).isEqualTo("last_admin");
            assertThat(Rows.user(fresh, "solo").get("disabled")).isEqualTo(false);
            // Changing the last admin's other fields is fine.
            assertThat(solo.patchWithCsrf("/api/v1/users/solo", "{\"displayName\":\"Solo\"}").status()).isEqualTo(200);
        }
    }

    // ---- password reset and sessions ------------------------------------------------------

    @Test
    void aWeakResetPasswordIs400AndChangesNothing() throws Exception {
        server.createUser("reset-weak", "user");
        ApiClient browser = server.signIn("reset-weak");
        Map<String, Object> before = Rows.user(server, "reset-weak");
        int audits = server.audit("user.password_reset").size();

        for (String body : List.of("{\"newPassword\":\"short\"}", "{\"newPassword\":\"            \"}",
                "{\"newPassword\":null}", "{}", "{\"password\":\"" + NEW_PASSWORD + "\"}", "{\"newPassword\":12345678901234}")) {
            ApiClient.Response response = root.postWithCsrf("/api/v1/users/reset-weak/password", body);
            assertThat(response.status()).as(body + " → " + response).isEqualTo(400);
            assertThat(response.error()).isIn("weak_password", "invalid_field", "invalid_json");
        }
        assertThat(root.postWithCsrf("/api/v1/users/reset-weak/password", "{\"newPassword\":\"short\"}").error())
                .isEqualTo("weak_password");
        assertThat(Rows.user(server, "reset-weak")).isEqualTo(before);
        assertThat(Rows.sessions(server, "reset-weak")).isEqualTo(1);
        assertThat(browser.get("/api/v1/me").status()).isEqualTo(200);
        assertThat(server.audit("user.password_reset")).hasSize(audits);
    }

    @Test
    void aPasswordResetEndsAllSessionsAndOnlyTheNewPasswordWorks() throws Exception {
        server.createUser("reset-me", "user");
        ApiClient phone = server.signIn("reset-me");
        ApiClient laptop = server.signIn("reset-me");
        server.createUser("reset-bystander", "user");
        ApiClient bystander = server.signIn("reset-bystander");
        int audits = server.audit("user.password_reset").size();

        ApiClient.Response reset = root.postWithCsrf("/api/v1/users/Reset-Me/password",
                "{\"newPassword\":\"" + NEW_PASSWORD + "\"}");

        assertThat(reset.status()).as(reset.toString()).isEqualTo(204);
        assertThat(Rows.sessions(server, "reset-me")).isZero();
        assertThat(phone.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(laptop.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(bystander.get("/api/v1/me").status()).isEqualTo(200);
        assertThat(server.client().post("/api/v1/session", TestServer.credentials("reset-me", TestServer.PASSWORD))
                .status()).isEqualTo(401);
        assertThat(server.signIn("reset-me", NEW_PASSWORD).get("/api/v1/me").status()).isEqualTo(200);

        List<TestServer.AuditRow> rows = server.audit("user.password_reset");
        assertThat(rows).hasSize(audits + 1);
        TestServer.AuditRow entry = rows.get(audits);
        assertThat(entry.actor()).isEqualTo("root");
        assertThat(entry.target()).isEqualTo("reset-me");
        assertThat(entry.details().path("sessionsEnded").asLong()).isEqualTo(2);
        assertThat(entry.details().toString()).doesNotContain(NEW_PASSWORD);
    }

    @Test
    void whileForwardAuthIsOffAResetMakesAnSsoAccountLocalAgain() throws Exception {
        // Linking drops the local password, so switching SSO off must leave an admin a way back in.
        Rows.execute(server, "INSERT INTO users (username, role, source, created_at, updated_at) "
                + "VALUES ('sso-person', 'user', 'sso', now(), now())");
        ApiClient.Response response = root.postWithCsrf("/api/v1/users/sso-person/password",
                "{\"newPassword\":\"" + NEW_PASSWORD + "\"}");

        assertThat(response.status()).as(response.toString()).isEqualTo(204);
        assertThat(Rows.user(server, "sso-person").get("source")).isEqualTo("local");
        assertThat(Rows.passwordHash(server, "sso-person")).isNotNull();
        assertThat(server.audit("user.unlinked")).anySatisfy(row -> assertThat(row.target()).isEqualTo("sso-person"));
        assertThat(server.signIn("sso-person", NEW_PASSWORD)).isNotNull();
    }

    @Test
    void endingSomeonesSessionsSignsThemOutEverywhereAndIsAudited() throws Exception {
        server.createUser("end-sessions", "user");
        ApiClient one = server.signIn("end-sessions");
        ApiClient two = server.signIn("end-sessions");
        server.createUser("end-bystander", "user");
        ApiClient bystander = server.signIn("end-bystander");
        int audits = server.audit("user.sessions_revoked").size();

        ApiClient.Response ended = root.deleteWithCsrf("/api/v1/users/end-sessions/sessions");

        assertThat(ended.status()).as(ended.toString()).isEqualTo(200);
        assertThat(ended.json().path("sessionsEnded").asLong()).isEqualTo(2);
        assertThat(Rows.sessions(server, "end-sessions")).isZero();
        assertThat(one.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(two.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(bystander.get("/api/v1/me").status()).isEqualTo(200);
        assertThat(root.get("/api/v1/me").status()).isEqualTo(200);
        // The account itself is untouched: it signs in again with its password.
        assertThat(server.signIn("end-sessions").get("/api/v1/me").status()).isEqualTo(200);

        List<TestServer.AuditRow> rows = server.audit("user.sessions_revoked");
        assertThat(rows).hasSize(audits + 1);
        assertThat(rows.get(audits).actor()).isEqualTo("root");
        assertThat(rows.get(audits).target()).isEqualTo("end-sessions");
        assertThat(rows.get(audits).details().path("sessionsEnded").asLong()).isEqualTo(2);
    }

    // ---- role checks ----------------------------------------------------------------------

    private static final Map<String, ApiClient> CALLERS = new HashMap<>();

    /** Who tries, signed in how; created once (sessions and tokens of non-admins). */
    private static ApiClient caller(String who) throws Exception {
        if (CALLERS.isEmpty()) {
            server.createUser("rc-target", "user");
            server.signIn("rc-target");
            server.createUser("rc-viewer", "viewer");
            server.createUser("rc-user", "user");
            CALLERS.put("anonymous", server.client());
            CALLERS.put("viewer-session", server.signIn("rc-viewer"));
            CALLERS.put("user-session", server.signIn("rc-user"));
            CALLERS.put("viewer-token", server.client().always("Authorization", "Bearer " + token(server.signIn("rc-viewer"))));
            CALLERS.put("user-token", server.client().always("Authorization", "Bearer " + token(server.signIn("rc-user"))));
        }
        return CALLERS.get(who);
    }

    private static String token(ApiClient owner) {
        ApiClient.Response created = owner.postWithCsrf("/api/v1/tokens", "{\"name\":\"role checks\"}");
        assertThat(created.status()).isEqualTo(201);
        return created.json().path("token").asText();
    }

    static Stream<Arguments> nonAdminAttempts() {
        List<String[]> routes = List.of(
                new String[] {"GET", "/api/v1/users", null},
                new String[] {"GET", "/api/v1/users?q=rc-", null},
                new String[] {"POST", "/api/v1/users", "{\"username\":\"rc-new\",\"role\":\"admin\",\"password\":\""
                        + NEW_PASSWORD + "\"}"},
                new String[] {"GET", "/api/v1/users/rc-target", null},
                new String[] {"PATCH", "/api/v1/users/rc-target", "{\"role\":\"admin\"}"},
                new String[] {"PATCH", "/api/v1/users/rc-target", "{\"disabled\":true}"},
                new String[] {"PATCH", "/api/v1/users/rc-target", "{\"email\":\"owned@evil.example\"}"},
                new String[] {"PATCH", "/api/v1/users/SELF", "{\"role\":\"admin\"}"},
                new String[] {"POST", "/api/v1/users/rc-target/password", "{\"newPassword\":\"" + NEW_PASSWORD + "\"}"},
                new String[] {"POST", "/api/v1/users/SELF/password", "{\"newPassword\":\"" + NEW_PASSWORD + "\"}"},
                new String[] {"DELETE", "/api/v1/users/rc-target/sessions", null},
                new String[] {"GET", "/api/v1/users/no-such-user", null},
                new String[] {"PATCH", "/api/v1/users/no-such-user", "{\"role\":\"admin\"}"});
        List<Arguments> all = new ArrayList<>();
        for (String who : List.of("anonymous", "viewer-session", "user-session", "viewer-token", "user-token")) {
            for (String[] route : routes) {
                all.add(Arguments.of(who, route[0], route[1], route[2]));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}: {1} {2}")
    @MethodSource("nonAdminAttempts")
    void everyUsersRouteIs401AnonymouslyAnd403BelowAdminAndChangesNothing(String who, String method, String path,
                                                                         String body) throws Exception {
        ApiClient client = caller(who);
        String self = who.startsWith("viewer") ? "rc-viewer" : who.startsWith("user") ? "rc-user" : "rc-target";
        String target = path.contains("SELF") ? self : "rc-target";
        String url = path.replace("SELF", self);
        Map<String, Object> targetBefore = Rows.user(server, target);
        long targetSessions = Rows.sessions(server, target);
        long users = Rows.users(server);
        long userAudits = Rows.auditRows(server, "user.");

        ApiClient.Response response = switch (method) {
            case "GET" -> client.get(url);
            case "DELETE" -> client.deleteWithCsrf(url);
            default -> client.send(method, url, body, "X-CSRF-Token", client.cookies().getOrDefault("hivemind_csrf", ""));
        };

        if (who.equals("anonymous")) {
            assertThat(response.status()).as(response.toString()).isEqualTo(401);
            assertThat(response.error()).isEqualTo("unauthenticated");
        } else {
            assertThat(response.status()).as(response.toString()).isEqualTo(403);
            assertThat(response.error()).isEqualTo("forbidden");
        }
        assertThat(response.body()).doesNotContain("rc-target").doesNotContain("argon2");
        assertThat(Rows.user(server, target)).isEqualTo(targetBefore);
        assertThat(Rows.sessions(server, target)).isEqualTo(targetSessions);
        assertThat(Rows.users(server)).isEqualTo(users);
        assertThat(Rows.number(server, "SELECT count(*) FROM users WHERE username = 'rc-new'")).isZero();
        assertThat(Rows.auditRows(server, "user.")).isEqualTo(userAudits);
    }

    // ---- helpers --------------------------------------------------------------------------

    private static ApiClient.Response createUser(String username, String role) {
        return root.postWithCsrf("/api/v1/users", newUser(username, role, TestServer.PASSWORD));
    }

    private static String newUser(String username, String role, String password) {
        return "{\"username\":\"" + username + "\",\"role\":\"" + role + "\",\"password\":\""
                + password.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t") + "\"}";
    }

    /** An account straight in the table, with email and display name (either may be null). */
    private static void fixture(String username, String email, String displayName, String role) throws Exception {
        long id = server.createUser(username, role);
        Rows.execute(server, "UPDATE users SET email = ?, display_name = ? WHERE id = ?", email, displayName, id);
    }

    private static List<String> usernames(ApiClient.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        response.json().path("items").forEach(u -> names.add(u.path("username").asText()));
        return names;
    }

    /** A query parameter value, percent-encoded (spaces as %20, not +). */
    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
