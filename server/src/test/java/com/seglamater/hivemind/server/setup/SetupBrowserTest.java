package com.seglamater.hivemind.server.setup;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import com.seglamater.hivemind.server.testing.BrowserTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * First-run setup on a fresh instance: the link's token is in a 0600 file in the data directory,
 * it creates the first admin (audited), and then it stops working. In order: the instance is set
 * up once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SetupBrowserTest extends BrowserTest {

    private static final String ADMIN_PASSWORD = "the first admin's password";

    private Path tokenFile() {
        return server.dataDir().resolve(FirstRun.FILE);
    }

    @Test
    @Order(1)
    void aFreshInstanceWritesTheSetupTokenToAPrivateFile() throws Exception {
        assertThat(tokenFile()).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile()))).isEqualTo("rw-------");
        assertThat(Files.readString(tokenFile())).matches("[A-Za-z0-9_-]{43}");
    }

    @Test
    @Order(2)
    void aWrongTokenIsRefusedWithAPageThatSaysWhereTheLinkIs() {
        open("/setup?token=not-the-token");
        assertThat(driver().findElement(By.tagName("h1")).getText()).isEqualTo("Access denied");
        assertThat(driver().findElement(By.tagName("main")).getText()).contains("setup-token")
                .contains("the server's log");
        assertThat(driver().findElements(By.id("setup"))).isEmpty();
    }

    @Test
    @Order(3)
    void theLinkCreatesTheFirstAdminOnceAndThenStopsWorking() throws Exception {
        String token = Files.readString(tokenFile());
        open("/setup?token=" + token);
        screenshot("setup");
        fill("first_admin", ADMIN_PASSWORD, "a different password");
        waitUntil(driver(), d -> !flash(d).isEmpty());
        assertThat(flash(driver())).isEqualTo("The password and its confirmation differ.");

        fill("first_admin", ADMIN_PASSWORD, ADMIN_PASSWORD);
        waitUntil(driver(), d -> d.getCurrentUrl().contains("/sign-in"));
        assertThat(flash(driver())).isEqualTo("The admin account first_admin is ready, and the setup link no longer works. Sign in.");
        screenshot("setup-done");

        signIn(driver(), "first_admin", ADMIN_PASSWORD);
        assertThat(driver().findElement(By.cssSelector(".who .role")).getText()).isEqualTo("admin");

        List<TestServer.AuditRow> created = server.audit("user.created");
        assertThat(created).hasSize(1);
        assertThat(created.getFirst().actor()).isEqualTo("setup");
        assertThat(created.getFirst().target()).isEqualTo("first_admin");
        assertThat(created.getFirst().clientIp()).isEqualTo("127.0.0.1");

        assertThat(tokenFile()).doesNotExist();
        open("/setup?token=" + token);
        assertThat(driver().findElement(By.tagName("h1")).getText()).isEqualTo("No longer available");
        ApiClient.Response again = server.client().form("/setup", ApiClient.formBody("token", token,
                "username", "second_admin", "password", ADMIN_PASSWORD, "confirmPassword", ADMIN_PASSWORD));
        assertThat(again.status()).isEqualTo(410);
        assertThat(server.client().post("/api/v1/session", TestServer.credentials("second_admin", ADMIN_PASSWORD))
                .status()).isEqualTo(401);
    }

    private void fill(String username, String password, String confirm) {
        driver().findElement(By.id("username")).clear();
        driver().findElement(By.id("username")).sendKeys(username);
        driver().findElement(By.id("password")).sendKeys(password);
        driver().findElement(By.id("confirmPassword")).sendKeys(confirm);
        driver().findElement(By.cssSelector("#setup button[type=submit]")).click();
    }
}
