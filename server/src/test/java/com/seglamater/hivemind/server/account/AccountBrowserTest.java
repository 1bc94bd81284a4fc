package com.seglamater.hivemind.server.account;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import com.seglamater.hivemind.server.testing.BrowserTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The account page in a browser: profile, a token shown once and revoked, sessions ended, the password changed. */
class AccountBrowserTest extends BrowserTest {

    @BeforeAll
    void accounts() throws Exception {
        server.createUser("acct_viewer", "viewer");
        server.createUser("acct_tokens", "user");
        server.createUser("acct_sessions", "user");
        server.createUser("acct_password", "user");
    }

    @Test
    void anyRoleSeesItsProfile() {
        signIn("acct_viewer");
        open("/account");
        assertThat(driver().findElement(By.tagName("h1")).getText()).isEqualTo("Your account");
        assertThat(driver().findElement(By.cssSelector("dl.facts")).getText()).contains("acct_viewer").contains("viewer")
                .contains("a password of this server");
        assertThat(driver().findElement(By.cssSelector("nav a[aria-current=page]")).getText()).isEqualTo("Account");
        screenshot("account");
    }

    @Test
    void aNewTokenIsShownOnceWorksAndCanBeRevoked() {
        signIn("acct_tokens");
        open("/account");
        driver().findElement(By.id("token-name")).sendKeys("backup script");
        new Select(driver().findElement(By.id("token-days"))).selectByVisibleText("in 30 days");
        driver().findElement(By.xpath("//button[text()='Create token']")).click();
        waitUntil(driver(), d -> !flash(d).isEmpty());
        assertThat(flash(driver())).isEqualTo("Token backup script created. Copy it now: it is shown only once.");
        String token = driver().findElement(By.id("new-token")).getText();
        assertThat(token).startsWith("hmt_");
        screenshot("account-new-token");

        ApiClient script = server.client().always("Authorization", "Bearer " + token);
        assertThat(script.get("/api/v1/me").json().path("username").asText()).isEqualTo("acct_tokens");

        open("/account");
        assertThat(driver().findElements(By.id("new-token"))).as("shown once").isEmpty();
        assertThat(driver().getPageSource()).doesNotContain(token);

        // The confirmation dialog is the script's; accept it.
        driver().findElement(By.cssSelector("button[aria-label='Revoke the token backup script']")).click();
        driver().switchTo().alert().accept();
        waitUntil(driver(), d -> flash(d).startsWith("Token backup script revoked"));
        assertThat(script.get("/api/v1/me").status()).isEqualTo(401);
    }

    @Test
    void anotherSessionCanBeEndedFromThePage() {
        ApiClient other = server.signIn("acct_sessions");
        signIn("acct_sessions");
        open("/account");
        List<WebElement> rows = driver().findElements(By.cssSelector("section[aria-labelledby=sessions-title] tbody tr"));
        assertThat(rows).hasSize(2);
        WebElement otherRow = rows.stream().filter(r -> !r.getText().contains("this browser")).findFirst().orElseThrow();
        otherRow.findElement(By.tagName("button")).click();
        waitUntil(driver(), d -> flash(d).equals("The session has ended."));
        assertThat(other.get("/api/v1/me").status()).as("the other browser is signed out").isEqualTo(401);
        assertThat(driver().findElements(By.cssSelector("section[aria-labelledby=sessions-title] tbody tr"))).hasSize(1);
    }

    @Test
    void thePasswordChangesWithTheCurrentOneAndAWrongOneSaysSo() {
        signIn("acct_password");
        open("/account");
        fillPassword("not the password", "a brand new password 1", "a brand new password 1");
        waitUntil(driver(), d -> !flash(d).isEmpty());
        assertThat(flash(driver())).isEqualTo("The current password is wrong.");

        fillPassword(TestServer.PASSWORD, "a brand new password 1", "a different one entirely");
        waitUntil(driver(), d -> flash(d).contains("differ"));

        fillPassword(TestServer.PASSWORD, "a brand new password 1", "a brand new password 1");
        waitUntil(driver(), d -> flash(d).startsWith("Your password has been changed"));
        assertThat(server.client().post("/api/v1/session",
                TestServer.credentials("acct_password", "a brand new password 1")).status()).isEqualTo(200);
    }

    @Test
    void signingOutEverywhereEndsThisSessionToo() {
        ApiClient other = server.signIn("acct_viewer");
        signIn("acct_viewer");
        open("/account");
        driver().findElement(By.xpath("//button[text()='Sign out everywhere']")).click();
        driver().switchTo().alert().accept();
        waitUntil(driver(), d -> d.getCurrentUrl().contains("/sign-in"));
        assertThat(flash(driver())).startsWith("You have signed out everywhere");
        assertThat(other.get("/api/v1/me").status()).isEqualTo(401);
    }

    private void fillPassword(String current, String next, String confirm) {
        driver().findElement(By.id("currentPassword")).sendKeys(current);
        driver().findElement(By.id("newPassword")).sendKeys(next);
        driver().findElement(By.id("confirmPassword")).sendKeys(confirm);
        driver().findElement(By.xpath("//button[text()='Change password']")).click();
    }
}
