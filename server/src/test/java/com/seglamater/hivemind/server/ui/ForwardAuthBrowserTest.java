package com.seglamater.hivemind.server.ui;

import com.seglamater.hivemind.server.testing.BrowserTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With forward-auth SSO, in a browser: the sign-in page has only the SSO button, and a user the
 * proxy vouches for who is in no granting group gets the access-denied page naming the groups.
 * The proxy's identity headers are added to the browser's requests through the DevTools protocol.
 */
class ForwardAuthBrowserTest extends BrowserTest {

    static final String LOGIN = "https://auth.example.com/if/flow/hivemind/";
    static final String LOGOUT = "https://auth.example.com/outpost.goauthentik.io/sign_out";

    @Override
    protected String[] serverEnv() {
        return new String[] {"HIVEMIND_FORWARD_AUTH", "true", "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS", "127.0.0.1/32",
                "HIVEMIND_PUBLIC_URL", "https://hivemind.example.org",
                "HIVEMIND_FORWARD_AUTH_LOGIN_URL", LOGIN, "HIVEMIND_FORWARD_AUTH_LOGOUT_URL", LOGOUT,
                "HIVEMIND_DEFAULT_ROLE", "none"};
    }

    private void proxyHeaders(Map<String, String> headers) {
        driver().executeCdpCommand("Network.enable", Map.of());
        driver().executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", headers));
    }

    @Test
    void theSignInPageHasTheSsoButtonAndNoPasswordForm() {
        proxyHeaders(Map.of());
        open("/sign-in");
        assertThat(driver().findElement(By.id("sso")).getText()).isEqualTo("Sign in with SSO");
        assertThat(driver().findElement(By.id("sso")).getAttribute("href")).isEqualTo(LOGIN);
        assertThat(driver().findElements(By.cssSelector("input[type=password]"))).isEmpty();
        assertThat(driver().findElements(By.id("sign-in"))).isEmpty();
        screenshot("sign-in-sso");
    }

    @Test
    void someoneInNoGrantingGroupIsToldWhichGroupsGrantAccess() {
        proxyHeaders(Map.of("X-Authentik-Username", "fab_outsider", "X-Authentik-Groups", "staff"));
        open("/");
        assertThat(driver().findElement(By.tagName("h1")).getText()).isEqualTo("Access denied");
        assertThat(driver().findElement(By.tagName("main")).getText()).contains("hivemind-admin: admin")
                .contains("hivemind-user: user");
        assertThat(driver().findElement(By.linkText("Sign out of single sign-on")).getAttribute("href")).isEqualTo(LOGOUT);
        assertThat(driver().findElements(By.linkText("Go to the dashboard"))).as("it would only refuse again").isEmpty();
        screenshot("access-denied");
    }

    @Test
    void aMemberOfTheUserGroupIsSignedInByTheProxy() {
        proxyHeaders(Map.of("X-Authentik-Username", "fab_member", "X-Authentik-Groups", "hivemind-user",
                "X-Authentik-Name", "Fab Member"));
        // A browser behind the proxy carries the proxy's own cookie: Hivemind then keeps a session for it.
        open("/favicon.ico");
        driver().manage().addCookie(new org.openqa.selenium.Cookie("authentik_proxy_session", "x"));
        open("/");
        open("/account");
        assertThat(driver().findElement(By.cssSelector("section[aria-labelledby=sessions-title]")).getText())
                .contains("this browser");
        assertThat(driver().findElement(By.cssSelector(".who strong")).getText()).isEqualTo("Fab Member (fab_member)");
        assertThat(driver().findElement(By.cssSelector("dl.facts")).getText()).contains("single sign-on");
        assertThat(driver().findElements(By.id("currentPassword"))).as("no password to change").isEmpty();
        screenshot("account-sso");
    }
}
