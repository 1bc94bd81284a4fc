package com.seglamater.hivemind.server.ui;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The browser pages, with local passwords and with forward-auth SSO. */
class PagesTest {

    private static TestServer local;
    private static TestServer sso;

    @BeforeAll
    static void start() throws Exception {
        local = TestServer.start();
        sso = TestServer.start("HIVEMIND_FORWARD_AUTH", "true", "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS", "127.0.0.1/32",
                "HIVEMIND_PUBLIC_URL", "https://hivemind.example.org",
                "HIVEMIND_FORWARD_AUTH_LOGIN_URL", "https://auth.example.com/if/flow/hivemind/?next=a&b=%22c%22",
                "HIVEMIND_FORWARD_AUTH_LOGOUT_URL", "https://auth.example.com/outpost.goauthentik.io/sign_out");
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestServer s : new TestServer[] {local, sso}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private static void assertHtmlPage(ApiClient.Response page) {
        assertThat(page.headers().firstValue("Content-Type").orElse("")).isEqualTo("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("default-src 'none'").contains("script-src 'self'").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
        assertThat(page.headers().firstValue("Cache-Control").orElse("")).isEqualTo("no-store");
        assertThat(page.headers().firstValue("X-Content-Type-Options").orElse("")).isEqualTo("nosniff");
        assertThat(page.body()).startsWith("<!doctype html>").doesNotContain("<script>").doesNotContain(" style=");
    }

    @Test
    void withPasswordsTheSignInPageHasTheFormAndNoSsoEntry() {
        ApiClient.Response page = local.client().get("/sign-in");
        assertThat(page.status()).isEqualTo(200);
        assertHtmlPage(page);
        assertThat(page.body()).contains("<form id=\"sign-in\"").contains("type=\"password\"")
                .contains("/assets/sign-in.js").doesNotContain("Sign in with SSO");
    }

    @Test
    void theHomePageSendsAnonymousVisitorsToSignInAndShowsTheSignedInUser() throws Exception {
        ApiClient.Response anonymous = local.client().get("/");
        assertThat(anonymous.status()).isEqualTo(303);
        assertThat(anonymous.headers().firstValue("Location")).contains("/sign-in");

        local.createUser("page_user", "user");
        ApiClient browser = local.signIn("page_user");
        ApiClient.Response home = browser.get("/");
        assertThat(home.status()).isEqualTo(200);
        assertHtmlPage(home);
        assertThat(home.body()).contains("<strong>page_user</strong> (user)")
                .contains("id=\"sign-out\" data-csrf=\"" + browser.cookie("hivemind_csrf") + "\" data-next=\"/sign-in\"");
        assertThat(browser.get("/sign-in").status()).as("signed in: no sign-in page").isEqualTo(303);
    }

    @Test
    void withForwardAuthTheSignInPagePointsToTheLoginUrlAndSaysPasswordsAreOff() {
        ApiClient.Response page = sso.client().get("/sign-in");
        assertThat(page.status()).isEqualTo(200);
        assertHtmlPage(page);
        assertThat(page.body()).contains("Sign in with SSO")
                .contains("href=\"https://auth.example.com/if/flow/hivemind/?next=a&amp;b=%22c%22\"")
                .contains("Local password sign-in is disabled").doesNotContain("<form");
    }

    @Test
    void throughTheProxyTheHomePageShowsTheUserWithEverythingEscaped() {
        ApiClient browser = sso.client();
        browser.cookies().put("proxy_cookie", "x");
        ApiClient.Response home = browser.get("/", "X-Authentik-Username", "page_sso",
                "X-Authentik-Groups", "hivemind-admin", "X-Authentik-Name", "<script>alert(\"x\")</script> & Co");
        assertThat(home.status()).as(home.toString()).isEqualTo(200);
        assertHtmlPage(home);
        assertThat(home.body()).contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co (page_sso)")
                .contains("(admin)").contains("id=\"sign-out\"")
                .contains("data-next=\"https://auth.example.com/outpost.goauthentik.io/sign_out\"");
        assertThat(home.setCookie("hivemind_session")).as("a session for the browser").isPresent();
    }

    @Test
    void assetsAreServedWithTheirTypesAndUnknownOnesAreNotFound() {
        ApiClient.Response css = local.client().get("/assets/hivemind.css");
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type").orElse("")).startsWith("text/css");
        ApiClient.Response js = local.client().get("/assets/sign-out.js");
        assertThat(js.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        assertThat(js.body()).contains("/api/v1/session").contains("logoutUrl");
        assertThat(local.client().get("/assets/../pom.xml").status()).isEqualTo(404);
        assertThat(local.client().get("/assets/nothing.js").status()).isEqualTo(404);
    }
}
