package com.seglamater.hivemind.server.users;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.seglamater.hivemind.server.testing.ApiClient.formBody;
import static com.seglamater.hivemind.server.testing.Pages.assertHtmlPage;
import static com.seglamater.hivemind.server.testing.Pages.csrfField;
import static com.seglamater.hivemind.server.testing.Pages.signedIn;
import static com.seglamater.hivemind.server.testing.Pages.submit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The users pages over HTTP, with local passwords and with forward-auth SSO: only admins get them,
 * refusals of the accounts core come back on the page, search and paging, and what an SSO
 * account's page lets an admin change. (UsersBrowserTest drives them in a browser.)
 */
class UsersPagesTest {

    private static TestServer local;
    private static TestServer sso;

    @BeforeAll
    static void start() throws Exception {
        local = TestServer.start();
        sso = TestServer.start("HIVEMIND_FORWARD_AUTH", "true", "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS", "127.0.0.1/32",
                "HIVEMIND_PUBLIC_URL", "https://hivemind.example.org");
        local.createUser("up_admin", "admin");
        local.createUser("up_user", "user");
        local.createUser("up_viewer", "viewer");
        for (TestServer server : List.of(local, sso)) {
            server.sql("INSERT INTO users (username, email, display_name, role, source, created_at, updated_at) "
                    + "VALUES ('up_sso', 'sso@example.org', 'Sam SSO', 'user', 'sso', now(), now())");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestServer s : new TestServer[] {local, sso}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static ApiClient.Response post(ApiClient browser, String path, String... fields) {
        return submit(browser, path, fields);
    }

    private static String create(ApiClient admin, String username, String password, String repeat) {
        return post(admin, "/users", "username", username, "displayName", "New Person", "email", "new@example.org",
                "role", "user", "password", password, "repeatPassword", repeat).body();
    }

    @Test
    void onlyAdminsGetTheUsersPagesAndNobodyElseChangesAnything() throws Exception {
        for (String who : List.of("up_user", "up_viewer")) {
            ApiClient browser = signedIn(local, who);
            for (String path : List.of("/users", "/users/up_admin")) {
                ApiClient.Response page = browser.page(path);
                assertThat(page.status()).as(who + " " + path).isEqualTo(403);
                assertHtmlPage(page);
                assertThat(page.body()).contains("Access denied").contains("needs the admin role");
            }
            String csrf = csrfField(browser.page("/"));
            assertThat(browser.form("/users", formBody("csrf", csrf, "username", "sneaky", "role", "admin",
                    "password", TestServer.PASSWORD, "repeatPassword", TestServer.PASSWORD)).status()).isEqualTo(403);
            assertThat(browser.form("/users/up_admin/role", formBody("csrf", csrf, "role", "viewer")).status())
                    .isEqualTo(403);
        }
        assertThat(local.audit("user.created")).noneMatch(row -> row.target().equals("sneaky"));
        assertThat(local.audit("user.role_changed")).noneMatch(row -> row.target().equals("up_admin"));
        ApiClient.Response anonymous = local.client().page("/users?q=x");
        assertThat(anonymous.status()).isEqualTo(303);
        assertThat(anonymous.headers().firstValue("Location")).contains("/sign-in?next=%2Fusers%3Fq%3Dx");
    }

    @Test
    void aRefusedNewAccountComesBackWithItsValuesAndTheFieldAtFault() {
        ApiClient admin = signedIn(local, "up_admin");
        String taken = post(admin, "/users", "username", "UP_USER", "role", "user", "password", TestServer.PASSWORD,
                "repeatPassword", TestServer.PASSWORD).body();
        assertThat(taken).contains("<details class=\"card\" id=\"new-user\" open>")
                .contains("The username 'UP_USER' is taken.")
                .containsPattern("id=\"new-username\" name=\"username\" value=\"UP_USER\"[^>]*aria-invalid=\"true\"");
        assertThat(create(admin, "up_weak", "short", "short")).contains("The password must be at least 12 characters long.")
                .contains("value=\"new@example.org\"").doesNotContain("value=\"short\"");
        assertThat(create(admin, "up_typo", TestServer.PASSWORD, TestServer.PASSWORD + "x"))
                .contains("The two passwords differ.");
        assertThat(create(admin, "bad name", TestServer.PASSWORD, TestServer.PASSWORD))
                .contains("Username may contain only letters, digits and . _ @ + - and must start with a letter or digit.");
        assertThat(post(admin, "/users", "username", "up_taken", "role", "user", "password", TestServer.PASSWORD,
                "repeatPassword", TestServer.PASSWORD).status()).isEqualTo(303);
        assertThat(post(admin, "/users", "username", "up_taken", "role", "user", "password", TestServer.PASSWORD,
                "repeatPassword", TestServer.PASSWORD).status()).isEqualTo(409);
    }

    @Test
    void theListIsSearchedFilteredAndPagedKeepingTheSearchAcrossPages() throws Exception {
        for (int i = 0; i < 30; i++) {
            local.createUser(String.format("pg_person_%02d", i), i % 3 == 0 ? "viewer" : "user");
        }
        local.sql("UPDATE users SET disabled = true WHERE username = 'pg_person_07'");
        ApiClient admin = signedIn(local, "up_admin");
        ApiClient.Response first = admin.page("/users?q=PG_PERSON");
        assertHtmlPage(first);
        assertThat(first.body()).contains("1–25 of 30 accounts").contains(">pg_person_00</a>")
                .contains(">pg_person_24</a>").doesNotContain(">pg_person_25</a>")
                .contains("href=\"/users?q=PG_PERSON&amp;offset=25\"");
        ApiClient.Response second = admin.page("/users?q=PG_PERSON&offset=25");
        assertThat(second.body()).contains("26–30 of 30 accounts").contains(">pg_person_29</a>")
                .contains("href=\"/users?q=PG_PERSON\"").doesNotContain("id=\"next-page\"");
        assertThat(admin.page("/users?q=pg_person&role=viewer").body()).contains("1–10 of 10 accounts");
        assertThat(admin.page("/users?q=pg_person&status=disabled").body()).contains("1–1 of 1 accounts")
                .contains(">pg_person_07</a>");
        assertThat(admin.page("/users?q=nobody-like-this").body()).contains("No account matches.");
        assertThat(admin.page("/users?role=root").status()).isEqualTo(400);
        assertThat(admin.page("/users/nobody-like-this").status()).isEqualTo(404);
    }

    @Test
    void theLastEnabledAdminIsNeitherDemotedNorDisabledAndThePageSaysWhy() throws Exception {
        TestServer server = TestServer.start();
        try {
            server.createUser("only_admin", "admin");
            ApiClient admin = signedIn(server, "only_admin");
            String csrf = csrfField(admin.page("/users"));
            assertThat(admin.form("/users/only_admin/role", formBody("csrf", csrf, "role", "user")).status())
                    .isEqualTo(303);
            assertThat(admin.page("/users/only_admin").body()).contains("role=\"alert\">'only_admin' is the last "
                    + "enabled admin; make another account admin first.</div>").contains("id=\"role\">admin");
            assertThat(admin.form("/users/only_admin/disable", formBody("csrf", csrf, "confirmed", "yes")).status())
                    .isEqualTo(303);
            assertThat(admin.page("/users/only_admin").body()).contains("is the last enabled admin")
                    .contains("id=\"status\">enabled");
        } finally {
            server.close();
        }
    }

    @Test
    void disablingAndEndingSessionsAskFirstWithoutJavaScript() throws Exception {
        local.createUser("up_target", "user");
        ApiClient target = signedIn(local, "up_target");
        ApiClient admin = signedIn(local, "up_admin");
        ApiClient.Response question = post(admin, "/users/up_target/sessions");
        assertThat(question.status()).isEqualTo(200);
        assertThat(question.body()).contains("End the sessions of up_target?").contains("name=\"confirmed\" value=\"yes\"")
                .contains("action=\"/users/up_target/sessions\"").contains("href=\"/users/up_target\">Cancel</a>");
        assertThat(target.page("/").status()).as("not yet").isEqualTo(200);
        assertThat(post(admin, "/users/up_target/sessions", "confirmed", "yes").status()).isEqualTo(303);
        assertThat(admin.page("/users/up_target").body()).contains("1 session of up_target ended.");
        assertThat(target.page("/").status()).as("signed out").isEqualTo(303);

        assertThat(post(admin, "/users/up_target/disable").body()).contains("Disable up_target?")
                .contains("its API tokens are revoked for good");
        assertThat(admin.page("/users/up_target").body()).contains("id=\"status\">enabled");
    }

    @Test
    void anSsoAccountShowsWhatTheIdentityProviderOwnsAsReadOnly() throws Exception {
        ApiClient admin = signedIn(local, "up_admin");
        String page = admin.page("/users/up_sso").body();
        assertThat(page).contains("up_sso <span class=\"badge tone-active\">SSO</span>")
                .contains("id=\"profile-from-provider\"").doesNotContain("id=\"profile-form\"")
                .contains("id=\"role-form\"").as("forward auth is off: the role is the admin's")
                .contains("It also makes this SSO account a local one again");
        assertThat(admin.page("/users?q=up_sso").body()).contains("<span class=\"badge tone-active\">SSO</span>");
        assertThat(post(admin, "/users/up_sso/profile", "email", "x@example.org").status()).isEqualTo(303);
        assertThat(admin.page("/users/up_sso").body()).contains("The identity provider manages the email and display "
                + "name of up_sso.").contains("id=\"email\">sso@example.org");
    }

    @Test
    void withForwardAuthAnSsoAccountsRoleComesFromItsGroups() throws Exception {
        String[] proxy = {"X-Authentik-Username", "sso_admin", "X-Authentik-Groups", "hivemind-admin"};
        ApiClient admin = sso.client();
        admin.cookies().put("proxy_cookie", "x"); // a browser: it keeps cookies, so the proxy's user gets a session
        ApiClient.Response page = admin.page("/users/up_sso", proxy);
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.body()).contains("(from its groups at the identity provider)").contains("id=\"role-from-groups\"")
                .doesNotContain("id=\"role-form\"").contains("id=\"password-from-provider\"")
                .doesNotContain("id=\"password-form\"");
        assertThat(admin.page("/users", proxy).body()).contains("Forward-auth SSO is on")
                .contains("user <span class=\"muted\">(from groups)</span>");
        String csrf = csrfField(page);
        String[] headers = {"X-Authentik-Username", "sso_admin", "X-Authentik-Groups", "hivemind-admin"};
        assertThat(admin.form("/users/up_sso/role", formBody("csrf", csrf, "role", "admin"), headers).status())
                .isEqualTo(303);
        assertThat(admin.page("/users/up_sso", proxy).body()).contains("follows its groups at the identity provider")
                .contains("id=\"role\">user");
        assertThat(admin.form("/users/up_sso/password", formBody("csrf", csrf, "newPassword", TestServer.PASSWORD,
                "repeatPassword", TestServer.PASSWORD), headers).status()).isEqualTo(303);
        assertThat(admin.page("/users/up_sso", proxy).body()).contains("signs in through SSO; its password is managed "
                + "by the identity provider.");
    }
}
