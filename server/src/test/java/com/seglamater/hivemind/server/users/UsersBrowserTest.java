package com.seglamater.hivemind.server.users;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.BrowserTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The users pages in a real browser against a real server and database: an admin creates an
 * account, changes its role, disables and enables it, resets its password and ends its sessions;
 * the last admin's refusal reads as a sentence; other roles get an access-denied page.
 */
class UsersBrowserTest extends BrowserTest {

    private static final String NEW_PASSWORD = "a brand new passphrase";

    @BeforeAll
    void accounts() throws Exception {
        server.createUser("ub_admin", "admin");
        server.createUser("ub_user", "user");
        server.createUser("ub_viewer", "viewer");
        server.sql("INSERT INTO users (username, email, display_name, role, source, created_at, updated_at, last_seen_at) "
                + "VALUES ('ub_sso', 'sam@example.org', 'Sam Provider', 'user', 'sso', now(), now(), now())");
    }

    private static String text(WebDriver browser, String id) {
        return browser.findElement(By.id(id)).getText();
    }

    @Test
    void anAdminCreatesAUserChangesItsRoleAndDisablesIt() {
        signIn("ub_admin");
        open("/users");
        screenshot("list");
        driver().findElement(By.cssSelector("#new-user summary")).click();
        driver().findElement(By.id("new-username")).sendKeys("alice");
        driver().findElement(By.id("new-display-name")).sendKeys("Alice Example");
        driver().findElement(By.id("new-email")).sendKeys("alice@example.org");
        new Select(driver().findElement(By.id("new-role"))).selectByValue("user");
        driver().findElement(By.id("new-password")).sendKeys(TestServer.PASSWORD);
        driver().findElement(By.id("new-repeat-password")).sendKeys(TestServer.PASSWORD);
        driver().findElement(By.cssSelector("#new-user-form button[type=submit]")).click();
        waitUntil(driver(), d -> !flash(d).isEmpty());
        assertThat(flash(driver())).isEqualTo("User alice created.");
        assertThat(currentPath()).isEqualTo("/users/alice");
        assertThat(text(driver(), "role")).isEqualTo("user");
        assertThat(text(driver(), "display-name")).isEqualTo("Alice Example");

        new Select(driver().findElement(By.id("role-field"))).selectByValue("viewer");
        driver().findElement(By.cssSelector("#role-form button[type=submit]")).click();
        waitUntil(driver(), d -> flash(d).equals("alice is now viewer."));
        assertThat(text(driver(), "role")).isEqualTo("viewer");

        driver().findElement(By.id("disable")).click();
        Alert question = waitUntil(driver(), ExpectedConditions.alertIsPresent()::apply);
        assertThat(question.getText()).startsWith("Disable alice?");
        question.accept();
        waitUntil(driver(), d -> flash(d).startsWith("alice is disabled"));
        assertThat(text(driver(), "status")).isEqualTo("disabled");
        assertThat(text(driver(), "account-title")).contains("disabled");
        screenshot("account-disabled");

        open("/users?q=alice");
        assertThat(driver().findElement(By.cssSelector("#users tbody tr")).getText()).contains("alice")
                .contains("viewer").contains("disabled");
        driver().findElement(By.linkText("alice")).click();
        driver().findElement(By.id("enable")).click();
        waitUntil(driver(), d -> flash(d).equals("alice is enabled again."));
        assertThat(text(driver(), "status")).isEqualTo("enabled");
    }

    @Test
    void theLastAdminsRefusalIsAClearMessage() throws Exception {
        server.sql("UPDATE users SET role = 'user' WHERE role = 'admin' AND username <> 'ub_admin'");
        signIn("ub_admin");
        open("/users/ub_admin");
        new Select(driver().findElement(By.id("role-field"))).selectByValue("viewer");
        driver().findElement(By.cssSelector("#role-form button[type=submit]")).click();
        waitUntil(driver(), d -> !flash(d).isEmpty());
        assertThat(flash(driver())).isEqualTo("'ub_admin' is the last enabled admin; make another account admin first.");
        assertThat(driver().findElement(By.cssSelector(".flash")).getAttribute("role")).isEqualTo("alert");
        assertThat(text(driver(), "role")).isEqualTo("admin");
        screenshot("last-admin");
    }

    @Test
    void aResetPasswordWorksAndEndingSessionsSignsThePersonOut() throws Exception {
        server.createUser("ub_bob", "user");
        ChromeDriver bob = noScriptDriver();
        signIn(bob, "ub_bob", TestServer.PASSWORD);

        signIn("ub_admin");
        open("/users/ub_bob");
        assertThat(text(driver(), "sessions")).isEqualTo("1");
        driver().findElement(By.id("end-sessions")).click();
        waitUntil(driver(), ExpectedConditions.alertIsPresent()::apply).accept();
        waitUntil(driver(), d -> flash(d).equals("1 session of ub_bob ended."));
        bob.get(url("/"));
        assertThat(bob.getCurrentUrl()).as("bob is signed out").contains("/sign-in");

        driver().findElement(By.id("new-password")).sendKeys(NEW_PASSWORD);
        driver().findElement(By.id("repeat-password")).sendKeys(NEW_PASSWORD);
        driver().findElement(By.cssSelector("#password-form button[type=submit]")).click();
        waitUntil(driver(), d -> flash(d).startsWith("Password of ub_bob reset"));
        assertThat(flash(driver())).isEqualTo("Password of ub_bob reset: 0 sessions ended, 0 API tokens revoked.");
        signIn(bob, "ub_bob", NEW_PASSWORD);
        assertThat(bob.findElement(By.cssSelector(".who strong")).getText()).isEqualTo("ub_bob");
    }

    @Test
    void anSsoAccountIsMarkedAndItsProviderFieldsAreReadOnly() {
        signIn("ub_admin");
        open("/users?q=ub_sso");
        assertThat(driver().findElement(By.cssSelector("#users tbody tr")).getText()).contains("SSO");
        driver().findElement(By.linkText("ub_sso")).click();
        assertThat(text(driver(), "account-title")).contains("SSO");
        assertThat(driver().findElements(By.id("profile-form"))).isEmpty();
        assertThat(text(driver(), "profile-from-provider")).contains("identity provider manages");
        assertThat(text(driver(), "email")).isEqualTo("sam@example.org");
        screenshot("sso-account");
    }

    @Test
    void otherRolesGetAnAccessDeniedPage() {
        for (String who : List.of("ub_user", "ub_viewer")) {
            signIn(who);
            for (String path : List.of("/users", "/users/ub_admin")) {
                open(path);
                assertThat(driver().findElement(By.tagName("h1")).getText()).as(who + " " + path).isEqualTo("Access denied");
            }
            assertThat(driver().findElements(By.cssSelector("nav a[href='/users']"))).isEmpty();
            if (who.equals("ub_user")) {
                screenshot("access-denied");
            }
            signOut();
        }
    }
}
