package com.seglamater.hivemind.server.ui;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.seglamater.hivemind.server.testing.ApiClient.formBody;
import static com.seglamater.hivemind.server.testing.Pages.assertHtmlPage;
import static com.seglamater.hivemind.server.testing.Pages.csrfField;
import static com.seglamater.hivemind.server.testing.Pages.signedIn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages over HTTP, with local passwords and with forward-auth SSO: headers, the forms'
 * post/redirect/get and CSRF field, error pages for browsers and JSON for everyone else, assets.
 * (FrameBrowserTest drives the same pages in a browser.)
 */
class PagesTest {

    private static TestServer local;
    private static TestServer sso;

    @BeforeAll
    static void start() throws Exception {
        local = TestServer.start(routing -> routing.get("/broken-page", (req, res) -> {
            throw new IllegalStateException("a bug");
        }));
        sso = TestServer.start("HIVEMIND_FORWARD_AUTH", "true", "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS", "127.0.0.1/32",
                "HIVEMIND_PUBLIC_URL", "https://hivemind.example.org",
                "HIVEMIND_FORWARD_AUTH_LOGIN_URL", "https://auth.example.com/if/flow/hivemind/?next=a&b=%22c%22",
                "HIVEMIND_FORWARD_AUTH_LOGOUT_URL", "https://auth.example.com/outpost.goauthentik.io/sign_out");
        local.createUser("page_user", "user");
        local.createUser("page_admin", "admin");
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestServer s : new TestServer[] {local, sso}) {
            if (s != null) {
                s.close();
            }
        }
    }

    // ---- sign-in and out ----

    @Test
    void withPasswordsTheSignInPageHasTheFormAndNoSsoEntry() {
        ApiClient.Response page = local.client().page("/sign-in");
        assertThat(page.status()).isEqualTo(200);
        assertHtmlPage(page);
        assertThat(page.body()).contains("<form id=\"sign-in\" method=\"post\" action=\"/sign-in\">")
                .contains("type=\"password\"").contains("<label for=\"username\">")
                .doesNotContain("Sign in with SSO").doesNotContain("Sign out");
    }

    @Test
    void theFormSignsInWithAPostRedirectGetAndTheLayoutShowsWhoAndWhatTheyMayOpen() {
        ApiClient anonymous = local.client();
        ApiClient.Response home = anonymous.page("/");
        assertThat(home.status()).isEqualTo(303);
        assertThat(home.headers().firstValue("Location")).contains("/sign-in");

        ApiClient browser = signedIn(local, "page_user");
        assertThat(browser.cookie("hivemind_session")).isNotNull();
        ApiClient.Response page = browser.page("/");
        assertThat(page.status()).isEqualTo(200);
        assertHtmlPage(page);
        assertThat(page.body()).contains("<strong>page_user</strong>").contains("href=\"/account\"")
                .doesNotContain("href=\"/users\"").doesNotContain("href=\"/audit\"")
                .contains("<form method=\"post\" action=\"/sign-out\"");
        assertThat(csrfField(page)).isEqualTo(browser.cookie("hivemind_csrf"));
        assertThat(browser.page("/sign-in").status()).as("signed in: no sign-in page").isEqualTo(303);

        ApiClient.Response admin = signedIn(local, "page_admin").page("/");
        assertThat(admin.body()).contains("href=\"/users\"").contains("href=\"/audit\"");
    }

    @Test
    void aFailedSignInComesBackToTheFormWithItsReasonOnce() {
        ApiClient browser = local.client();
        ApiClient.Response refused = browser.form("/sign-in", formBody("username", "page_user", "password", "wrong"));
        assertThat(refused.status()).isEqualTo(303);
        assertThat(refused.headers().firstValue("Location")).contains("/sign-in");
        assertThat(browser.cookie("hivemind_session")).isNull();

        ApiClient.Response form = browser.page("/sign-in");
        assertThat(form.body()).contains("role=\"alert\">The username or password is wrong.</div>");
        assertThat(browser.page("/sign-in").body()).as("shown once").doesNotContain("is wrong");
    }

    @Test
    void aSignInGoesBackOnlyToALocalPath() {
        ApiClient.Response local1 = local.client().form("/sign-in", formBody("username", "page_user", "password",
                TestServer.PASSWORD, "next", "/account"));
        assertThat(local1.headers().firstValue("Location")).contains("/account");
        for (String away : List.of("//evil.example/x", "https://evil.example/", "/\\evil.example")) {
            ApiClient.Response answer = local.client().form("/sign-in", formBody("username", "page_user", "password",
                    TestServer.PASSWORD, "next", away));
            assertThat(answer.headers().firstValue("Location")).as(away).contains("/");
        }
    }

    @Test
    void aFlashCookieNotSignedByTheServerIsNotShown() {
        ApiClient browser = local.client();
        browser.cookies().put("hivemind_flash", "RVJST1IKQ2FsbCArMSA1NTUgMDEwMA.AAAA");
        assertThat(browser.page("/sign-in").body()).doesNotContain("Call +1").doesNotContain("class=\"flash");
    }

    @Test
    void signingOutWithTheFormEndsTheSession() {
        ApiClient browser = signedIn(local, "page_user");
        String csrf = csrfField(browser.page("/"));
        ApiClient.Response out = browser.form("/sign-out", formBody("csrf", csrf));
        assertThat(out.status()).isEqualTo(303);
        assertThat(out.headers().firstValue("Location")).contains("/sign-in");
        assertThat(browser.cookie("hivemind_session")).isNull();
        assertThat(browser.page("/sign-in").body()).contains("You have signed out.");
    }

    @Test
    void aBearerOpensNoPageAndAWrongOneIsNo401There() {
        ApiClient browser = signedIn(local, "page_user");
        String token = browser.postWithCsrf("/api/v1/tokens", "{\"name\":\"pages\"}").json().path("token").asText();
        ApiClient script = local.client().always("Authorization", "Bearer " + token);
        assertThat(script.get("/api/v1/me").status()).as("the API takes it").isEqualTo(200);
        assertThat(script.page("/").status()).as("a page does not: to sign-in").isEqualTo(303);
        ApiClient wrong = local.client().always("Authorization", "Bearer hmt_not-a-token");
        assertThat(wrong.page("/no-such-page").status()).isEqualTo(404);
        assertThat(wrong.get("/api/v1/me").status()).isEqualTo(401);
    }

    // ---- CSRF on forms ----

    @Test
    void aFormWithoutTheSessionsTokenIsRefusedWithAnErrorPage() {
        ApiClient browser = signedIn(local, "page_user");
        for (String body : List.of("", formBody("csrf", "not-the-token"))) {
            ApiClient.Response refused = browser.form("/sign-out", body);
            assertThat(refused.status()).as(body).isEqualTo(403);
            assertHtmlPage(refused);
            assertThat(refused.body()).contains("The form could not be accepted");
        }
        assertThat(browser.page("/").status()).as("still signed in").isEqualTo(200);
    }

    @Test
    void aCrossSiteFormIsRefusedEvenWithTheToken() {
        ApiClient browser = signedIn(local, "page_user");
        String csrf = csrfField(browser.page("/"));
        ApiClient.Response refused = browser.form("/sign-out", formBody("csrf", csrf), "Sec-Fetch-Site", "cross-site");
        assertThat(refused.status()).isEqualTo(403);
        ApiClient.Response otherOrigin = browser.form("/sign-out", formBody("csrf", csrf), "Origin", "https://evil.example");
        assertThat(otherOrigin.status()).isEqualTo(403);
    }

    @Test
    void aMalformedOrOversizedFormIsAClearError() {
        ApiClient browser = local.client();
        ApiClient.Response malformed = browser.form("/sign-in", "username=%zz");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body()).contains("malformed percent-escape");
        ApiClient.Response large = browser.form("/sign-in", "a=" + "x".repeat(70_000));
        assertThat(large.status()).isEqualTo(413);
        ApiClient.Response json = browser.send("POST", "/sign-in", "{}", "Accept", "text/html");
        assertThat(json.status()).isEqualTo(415);
        assertThat(json.body()).contains("application/x-www-form-urlencoded");
    }

    // ---- errors ----

    @Test
    void browsersGetErrorPagesAndEveryoneElseJson() {
        ApiClient browser = signedIn(local, "page_user");
        ApiClient.Response page = browser.page("/no-such-page");
        assertThat(page.status()).isEqualTo(404);
        assertHtmlPage(page);
        assertThat(page.body()).contains("Page not found").contains("href=\"/\"");

        assertThat(browser.get("/no-such-page").error()).as("no text/html asked").isEqualTo("not_found");
        assertThat(browser.page("/api/v1/no-such-thing").error()).as("the API").isEqualTo("not_found");

        // Signed out: a signed-in browser's PUT would first need the form's CSRF field (pages take forms by POST).
        ApiClient.Response notAllowed = local.client().send("PUT", "/sign-in", null, "Accept", "text/html");
        assertThat(notAllowed.status()).isEqualTo(405);
        assertThat(notAllowed.headers().firstValue("Allow")).contains("GET, HEAD, POST");
        assertThat(notAllowed.body()).contains("Not possible here");
    }

    @Test
    void aFailingPageShowsTheIncidentId() {
        ApiClient.Response page = signedIn(local, "page_user").page("/broken-page");
        assertThat(page.status()).isEqualTo(500);
        assertHtmlPage(page);
        Matcher incident = Pattern.compile("<code>([0-9a-f]{12})</code>").matcher(page.body());
        assertThat(incident.find()).as(page.body()).isTrue();
        assertThat(page.body()).contains("Something went wrong").doesNotContain("a bug");
    }

    @Test
    void aSignedOutBrowserIsSentToSignInAndBack() {
        ApiClient.Response page = local.client().page("/?tab=tokens");
        assertThat(page.status()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).contains("/sign-in?next=%2F%3Ftab%3Dtokens");
        assertThat(local.client().page("/").headers().firstValue("Location")).contains("/sign-in");
    }

    // ---- assets ----

    @Test
    void assetsHaveContentNamesAndAreCachedForAYear() {
        ApiClient.Response signIn = local.client().page("/sign-in");
        Matcher css = Pattern.compile("href=\"(/assets/hivemind\\.[0-9a-f]{10}\\.css)\"").matcher(signIn.body());
        assertThat(css.find()).isTrue();
        ApiClient.Response asset = local.client().get(css.group(1));
        assertThat(asset.status()).isEqualTo(200);
        assertThat(asset.headers().firstValue("Content-Type").orElse("")).startsWith("text/css");
        assertThat(asset.headers().firstValue("Cache-Control")).contains("public, max-age=31536000, immutable");
        String etag = asset.headers().firstValue("ETag").orElseThrow();
        assertThat(local.client().get(css.group(1), "If-None-Match", etag).status()).isEqualTo(304);

        assertThat(signIn.body()).containsPattern("src=\"/assets/hivemind\\.[0-9a-f]{10}\\.js\" defer")
                .containsPattern("rel=\"icon\" href=\"/assets/favicon\\.[0-9a-f]{10}\\.svg\"");
        ApiClient.Response icon = local.client().get("/favicon.ico");
        assertThat(icon.status()).isEqualTo(200);
        assertThat(icon.headers().firstValue("Content-Type")).contains("image/svg+xml");
        assertThat(local.client().get("/assets/hivemind.css").status()).as("only by content name").isEqualTo(404);
        assertThat(local.client().get("/assets/../pom.xml").status()).isEqualTo(404);
    }

    // ---- forward auth ----

    @Test
    void withForwardAuthTheSignInPagePointsToTheLoginUrlAndSaysPasswordsAreOff() {
        ApiClient.Response page = sso.client().page("/sign-in");
        assertThat(page.status()).isEqualTo(200);
        assertHtmlPage(page);
        assertThat(page.body()).contains("Sign in with SSO")
                .contains("href=\"https://auth.example.com/if/flow/hivemind/?next=a&amp;b=%22c%22\"")
                .contains("Local password sign-in is disabled").doesNotContain("<form id=\"sign-in\"");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                .as("sign-out may go on to the proxy's logout").contains("form-action 'self' https://auth.example.com;");
    }

    @Test
    void throughTheProxyThePagesShowTheUserWithEverythingEscapedAndSignOutGoesToTheLogoutUrl() {
        ApiClient browser = sso.client();
        browser.cookies().put("proxy_cookie", "x");
        ApiClient.Response home = browser.page("/", "X-Authentik-Username", "page_sso",
                "X-Authentik-Groups", "hivemind-admin", "X-Authentik-Name", "<script>alert(\"x\")</script> & Co");
        assertThat(home.status()).as(home.toString()).isEqualTo(200);
        assertHtmlPage(home);
        assertThat(home.body()).contains("<strong>&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; Co (page_sso)</strong>")
                .contains("action=\"/sign-out\"");
        assertThat(home.setCookie("hivemind_session")).as("a session for the browser").isPresent();

        ApiClient.Response out = browser.form("/sign-out", formBody("csrf", csrfField(home)),
                "X-Authentik-Username", "page_sso", "X-Authentik-Groups", "hivemind-admin");
        assertThat(out.status()).isEqualTo(303);
        assertThat(out.headers().firstValue("Location")).contains("https://auth.example.com/outpost.goauthentik.io/sign_out");
    }

    @Test
    void withForwardAuthTheFormCannotSignIn() {
        ApiClient browser = sso.client();
        ApiClient.Response refused = browser.form("/sign-in", formBody("username", "someone", "password", "x"));
        assertThat(refused.status()).isEqualTo(303);
        assertThat(browser.page("/sign-in").body()).contains("Password sign-in is disabled");
    }
}
