package com.seglamater.hivemind.server.ui;

import com.seglamater.hivemind.server.testing.BrowserTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pages' frame in a real browser: sign-in and out, the navigation by role, error pages, no script needed. */
class FrameBrowserTest extends BrowserTest {

    @BeforeAll
    void accounts() throws Exception {
        server.createUser("frame_admin", "admin");
        server.createUser("frame_user", "user");
    }

    @Test
    void signingInShowsTheLayoutAndSigningOutComesBackToTheForm() {
        open("/");
        assertThat(currentPath()).isEqualTo("/sign-in");
        screenshot("sign-in");
        signIn("frame_admin");
        assertThat(currentPath()).isEqualTo("/");
        List<String> nav = driver().findElements(By.cssSelector("nav[aria-label=Main] a")).stream()
                .map(WebElement::getText).toList();
        assertThat(nav).containsExactly("Dashboard", "Users", "Audit log", "Account");
        assertThat(driver().findElement(By.cssSelector("nav a[aria-current=page]")).getText()).isEqualTo("Dashboard");
        assertThat(driver().findElement(By.tagName("main")).getAttribute("id")).isEqualTo("main");
        assertThat(driver().findElement(By.cssSelector("a.skip-link")).getAttribute("href")).endsWith("#main");
        screenshot("home-admin");

        signOut();
        assertThat(flash(driver())).isEqualTo("You have signed out.");
        open("/");
        assertThat(currentPath()).as("signed out for real").isEqualTo("/sign-in");
    }

    @Test
    void aUserSeesNoAdminEntries() {
        signIn("frame_user");
        List<String> nav = driver().findElements(By.cssSelector("nav[aria-label=Main] a")).stream()
                .map(WebElement::getText).toList();
        assertThat(nav).containsExactly("Dashboard", "Account");
    }

    @Test
    void aWrongPasswordSaysSoOnTheForm() {
        open("/sign-in");
        submitSignIn(driver(), "frame_user", "not the password");
        waitUntil(driver(), d -> !flash(d).isEmpty());
        assertThat(currentPath()).isEqualTo("/sign-in");
        assertThat(flash(driver())).isEqualTo("The username or password is wrong.");
        assertThat(driver().findElement(By.cssSelector(".flash")).getAttribute("role")).isEqualTo("alert");
        screenshot("sign-in-wrong-password");
    }

    @Test
    void theSignInFormWorksWithJavaScriptOff() {
        ChromeDriver browser = noScriptDriver();
        signIn(browser, "frame_user", com.seglamater.hivemind.server.TestServer.PASSWORD);
        assertThat(java.net.URI.create(browser.getCurrentUrl()).getPath()).isEqualTo("/");
        assertThat(browser.findElement(By.cssSelector(".who strong")).getText()).isEqualTo("frame_user");
        browser.findElement(By.cssSelector("form.sign-out button")).click();
        waitUntil(browser, d -> d.getCurrentUrl().contains("/sign-in"));
        assertThat(flash(browser)).isEqualTo("You have signed out.");
    }

    @Test
    void anUnknownPageIsAnHtmlPageWithAWayBack() {
        signIn("frame_user");
        open("/no/such/page");
        assertThat(driver().findElement(By.tagName("h1")).getText()).isEqualTo("Page not found");
        assertThat(driver().findElement(By.cssSelector("main a.button")).getAttribute("href")).isEqualTo(url("/"));
        screenshot("not-found");
    }

    @Test
    void aPageOpenedSignedOutComesBackAfterSignIn() {
        open("/?view=all");
        assertThat(currentPath()).isEqualTo("/sign-in");
        submitSignIn(driver(), "frame_user", com.seglamater.hivemind.server.TestServer.PASSWORD);
        waitUntil(driver(), d -> !d.getCurrentUrl().contains("/sign-in"));
        assertThat(driver().getCurrentUrl()).isEqualTo(url("/?view=all"));
    }
}
