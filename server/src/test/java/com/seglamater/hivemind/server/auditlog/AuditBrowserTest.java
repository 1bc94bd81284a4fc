package com.seglamater.hivemind.server.auditlog;

import com.seglamater.hivemind.server.testing.BrowserTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit log page in a real browser against a real server and database: an admin filters with
 * the form and pages on, the export links download what the page shows, other roles are refused.
 */
class AuditBrowserTest extends BrowserTest {

    @BeforeAll
    void entries() throws Exception {
        server.createUser("ab_admin", "admin");
        server.createUser("ab_user", "user");
        AuditPagesTest.insert(server, "ab_grace", "user.created", "success", "heidi", "203.0.113.10", "2026-04-01T09:00:00Z");
        AuditPagesTest.insert(server, "ab_grace", "user.role_changed", "success", "heidi", "203.0.113.10",
                "2026-04-01T09:05:00Z");
        AuditPagesTest.insert(server, "ab_grace", "auth.sign_in", "failure", "ab_grace", "198.51.100.20",
                "2026-04-01T09:10:00Z");
        AuditPagesTest.insert(server, "anonymous", "auth.csrf_refused", "denied", null, "198.51.100.20",
                "2026-04-01T09:15:00Z");
    }

    private List<String> actions() {
        return driver().findElements(By.cssSelector("#audit-entries tbody td[data-label=Action]")).stream()
                .map(WebElement::getText).toList();
    }

    @Test
    void anAdminFiltersTheLogAndExportsWhatItShows() {
        signIn("ab_admin");
        open("/audit");
        assertThat(actions()).as("newest first, this sign-in on top").first().isEqualTo("auth.sign_in");
        driver().findElement(By.id("actor")).sendKeys("ab_grace");
        driver().findElement(By.id("action")).sendKeys("user.*");
        driver().findElement(By.cssSelector("#audit-filters button[type=submit]")).click();
        waitUntil(driver(), d -> d.getCurrentUrl().contains("actor=ab_grace"));
        assertThat(actions()).containsExactly("user.role_changed", "user.created");
        screenshot("filtered");

        driver().findElement(By.id("action")).clear();
        driver().findElement(By.id("clientIp")).sendKeys("198.51.100.20");
        driver().findElement(By.id("actor")).clear();
        new Select(driver().findElement(By.id("outcome"))).selectByValue("denied");
        driver().findElement(By.cssSelector("#audit-filters button[type=submit]")).click();
        waitUntil(driver(), d -> d.getCurrentUrl().contains("outcome=denied"));
        assertThat(actions()).containsExactly("auth.csrf_refused");

        open("/audit?actor=ab_grace&from=2026-04-01T09:05&to=2026-04-01T09:10");
        assertThat(actions()).containsExactly("user.role_changed");
        assertThat(driver().findElement(By.id("from")).getAttribute("value")).isEqualTo("2026-04-01T09:05");

        open("/audit?actor=ab_grace");
        String csvLink = driver().findElement(By.id("export-csv")).getAttribute("href");
        assertThat(csvLink).endsWith("/api/v1/audit/export?actor=ab_grace&format=csv");
        // What the browser downloads from the link, fetched with the page's own session.
        Object csv = driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text()).then(done, e => done('failed ' + e));
                """, csvLink);
        assertThat(csv.toString().lines()).hasSize(4).first().asString().startsWith("id,at,actor,action");
        assertThat(csv.toString()).contains("user.created").contains("user.role_changed").contains("auth.sign_in")
                .doesNotContain("auth.csrf_refused");
        Object jsonl = driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text()).then(done, e => done('failed ' + e));
                """, driver().findElement(By.id("export-jsonl")).getAttribute("href"));
        assertThat(jsonl.toString().lines()).hasSize(3).allMatch(line -> line.contains("\"actor\":\"ab_grace\""));
    }

    @Test
    void aFilterTheServerRefusesIsExplainedOnThePage() {
        signIn("ab_admin");
        open("/audit?clientIp=somewhere");
        assertThat(driver().findElement(By.id("filter-error")).getText()).isEqualTo(
                "Client IP must be an IPv4 or IPv6 address.");
        assertThat(driver().findElement(By.id("clientIp")).getAttribute("value")).isEqualTo("somewhere");
        screenshot("refused-filter");
    }

    @Test
    void otherRolesAreRefused() {
        signIn("ab_user");
        open("/audit");
        assertThat(driver().findElement(By.tagName("h1")).getText()).isEqualTo("Access denied");
        assertThat(driver().findElements(By.cssSelector("nav a[href='/audit']"))).isEmpty();
    }
}
