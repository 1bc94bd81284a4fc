package com.seglamater.hivemind.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.BrowserTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real browser against a real server and database, with the updater agent's
 * reports sent over the admin socket as the agent sends them: what every role sees, the page
 * following an update by itself, an admin's commands reaching the agent's queue (with the
 * confirmation in a dialog, and on a page without JavaScript), and no controls for other roles.
 */
class DashboardBrowserTest extends BrowserTest {

    private AgentReports agent;

    @BeforeAll
    void accounts() throws Exception {
        agent = new AgentReports(server);
        server.createUser("db_admin", "admin");
        server.createUser("db_user", "user");
        server.createUser("db_viewer", "viewer");
    }

    @BeforeEach
    void quietAgent() throws Exception {
        agent.clearQueue();
        agent.report(AgentReports.status(AgentStatus.State.IDLE, "1.3.0", Optional.empty(), Optional.empty(),
                Optional.empty()));
    }

    private static String text(WebDriver browser, String id) {
        List<WebElement> found = browser.findElements(By.id(id));
        return found.isEmpty() ? "" : found.getFirst().getText();
    }

    private static List<String> historyLabels(WebDriver browser) {
        return browser.findElements(By.cssSelector("#update-history tbody tr td:nth-child(2)")).stream()
                .map(WebElement::getText).toList();
    }

    @Test
    void theDashboardShowsTheAgentsReportAndFollowsAnUpdateWithoutReloading() throws Exception {
        agent.event("apply-started", "1.3.0", "1.4.0", Optional.empty(), "update from 1.3.0 to 1.4.0");
        agent.event("backed-up", "1.3.0", "1.4.0", Optional.empty(), "database dumped to /var/backup/hivemind/x.dump");
        agent.event("pulled", "1.3.0", "1.4.0", Optional.empty(), "images present for hivemind-server");
        agent.report(AgentReports.status(AgentStatus.State.APPLYING, "1.3.0", Optional.of("1.4.0"),
                Optional.of("Faster sign-in; see https://example.org/notes/1.4.0"), Optional.of("pulled")));

        signIn("db_viewer");
        assertThat(text(driver(), "installed")).isEqualTo("1.3.0");
        assertThat(text(driver(), "available")).contains("1.4.0").contains("Faster sign-in");
        assertThat(text(driver(), "state")).contains("Applying an update");
        assertThat(text(driver(), "channel")).isEqualTo("canary");
        assertThat(text(driver(), "server-version")).isEqualTo("9.9.9-test");
        assertThat(text(driver(), "check-database")).contains("UP").contains("reachable");
        assertThat(driver().findElement(By.cssSelector("#progress li[aria-current=step]")).getText())
                .startsWith("Restart the services");
        assertThat(historyLabels(driver())).containsExactly("Images pulled", "Database backed up", "Update started");
        screenshot("updating");

        // The page must change by itself: a reload would drop this marker.
        driver().executeScript("window.hivemindTestMarker = 'still here';");
        agent.report(AgentReports.status(AgentStatus.State.APPLYING, "1.3.0", Optional.of("1.4.0"), Optional.empty(),
                Optional.of("restarting hivemind-server")));
        agent.event("restarted-hivemind-server", "1.3.0", "1.4.0", Optional.empty(), "hivemind-server runs 1.4.0");
        waitUntil(driver(), d -> historyLabels(d).contains("Restarted hivemind-server"));
        assertThat(driver().findElement(By.cssSelector("#progress li[aria-current=step]")).getText())
                .startsWith("Restart the services (now hivemind-server)");

        agent.event("applied", "1.3.0", "1.4.0", Optional.empty(), "the stack runs 1.4.0");
        agent.report(AgentReports.status(AgentStatus.State.IDLE, "1.4.0", Optional.empty(), Optional.empty(),
                Optional.empty()));
        waitUntil(driver(), d -> text(d, "installed").equals("1.4.0"));
        assertThat(historyLabels(driver()).getFirst()).isEqualTo("Update applied");
        assertThat(driver().findElements(By.id("progress"))).isEmpty();
        assertThat(text(driver(), "state")).contains("Idle");
        assertThat(driver().executeScript("return window.hivemindTestMarker;")).isEqualTo("still here");
        assertThat(driver().findElement(By.id("updates-announcer")).getAttribute("textContent"))
                .as("the one line screen readers hear").startsWith("Updates: Idle");
    }

    @Test
    void anAdminsCheckNowReachesTheAgentsQueueAndItsResultShowsByItself() throws Exception {
        signIn("db_admin");
        driver().findElement(By.id("command-check_now")).click();
        waitUntil(driver(), d -> !flash(d).isEmpty());
        assertThat(flash(driver())).startsWith("Check now: queued as command ");
        assertThat(driver().findElement(By.cssSelector("#recent-commands tbody tr")).getText())
                .contains("Check now").contains("db_admin").contains("Waiting for the updater");

        List<JsonNode> handedOut = agent.poll();
        assertThat(handedOut).hasSize(1);
        JsonNode command = handedOut.getFirst();
        assertThat(command.path("kind").asText()).isEqualTo("CHECK_NOW");
        assertThat(command.path("requestedBy").asText()).isEqualTo("db_admin");
        waitUntil(driver(), d -> d.findElement(By.cssSelector("#recent-commands tbody tr")).getText()
                .contains("The updater is working on it"));

        agent.result(command.path("id").asLong(), true, "running 1.3.0, the current release of canary");
        waitUntil(driver(), d -> d.findElement(By.cssSelector("#recent-commands tbody tr")).getText().contains("Done"));
        assertThat(driver().findElement(By.cssSelector("#recent-commands tbody tr")).getText())
                .contains("running 1.3.0, the current release of canary");
        screenshot("admin-command-done");
    }

    @Test
    void anAdminApprovesAReleaseAfterConfirmingInADialog() throws Exception {
        agent.report(AgentReports.status(AgentStatus.State.AWAITING_APPROVAL, "1.3.0", Optional.of("1.4.0"),
                Optional.of("https://example.org/notes/1.4.0"), Optional.empty()));
        signIn("db_admin");
        assertThat(text(driver(), "state")).contains("Waiting for an admin's approval");
        assertThat(driver().findElement(By.cssSelector("#available a")).getAttribute("href"))
                .isEqualTo("https://example.org/notes/1.4.0");
        screenshot("awaiting-approval");

        long before = agent.queued("approve");
        driver().findElement(By.id("command-approve")).click();
        Alert dialog = waitUntil(driver(), ExpectedConditions.alertIsPresent()::apply);
        assertThat(dialog.getText()).startsWith("Install release 1.4.0?").contains("restarts the services");
        dialog.dismiss();
        assertThat(agent.queued("approve")).as("dismissed: nothing queued").isEqualTo(before);

        driver().findElement(By.id("command-approve")).click();
        waitUntil(driver(), ExpectedConditions.alertIsPresent()::apply).accept();
        waitUntil(driver(), d -> !flash(d).isEmpty());
        assertThat(flash(driver())).startsWith("Approve 1.4.0: queued as command ");
        List<JsonNode> handedOut = agent.poll();
        assertThat(handedOut).extracting(c -> c.path("kind").asText() + " " + c.path("version").asText())
                .containsExactly("APPROVE 1.4.0");
    }

    @Test
    void withoutJavaScriptACommandThatRestartsServicesIsConfirmedOnAPage() throws Exception {
        ChromeDriver browser = noScriptDriver();
        signIn(browser, "db_admin", TestServer.PASSWORD);
        long before = agent.queued("rollback");
        browser.findElement(By.id("command-rollback")).click();
        waitUntil(browser, d -> !d.findElements(By.id("confirm-title")).isEmpty());
        assertThat(browser.findElement(By.id("confirm-title")).getText()).isEqualTo("Roll back?");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("installed before 1.3.0");
        screenshot(browser, "confirm-without-javascript");
        browser.findElement(By.linkText("Cancel")).click();
        waitUntil(browser, d -> !d.findElements(By.id("command-rollback")).isEmpty());
        assertThat(agent.queued("rollback")).as("cancelled: nothing queued").isEqualTo(before);

        browser.findElement(By.id("command-rollback")).click();
        waitUntil(browser, d -> !d.findElements(By.id("confirm-form")).isEmpty());
        browser.findElement(By.cssSelector("#confirm-form button[type=submit]")).click();
        waitUntil(browser, d -> !flash(d).isEmpty());
        assertThat(flash(browser)).startsWith("Roll back: queued as command ");
        assertThat(agent.queued("rollback")).isEqualTo(before + 1);
        assertThat(agent.poll()).extracting(c -> c.path("kind").asText()).containsExactly("ROLLBACK");
    }

    @Test
    void usersAndViewersSeeNoCommandsAndTheApiRefusesThem() throws Exception {
        agent.report(AgentReports.status(AgentStatus.State.AWAITING_APPROVAL, "1.3.0", Optional.of("1.4.0"),
                Optional.empty(), Optional.empty()));
        long before = agent.queued("check_now");
        for (String who : List.of("db_user", "db_viewer")) {
            signIn(who);
            assertThat(text(driver(), "available")).contains("1.4.0");
            assertThat(driver().findElements(By.cssSelector("form[action='/dashboard/commands']"))).as(who).isEmpty();
            assertThat(driver().findElements(By.id("update-actions"))).isEmpty();
            assertThat(driver().findElements(By.id("recent-commands"))).isEmpty();
            // What a curious user might try from the page's own origin, with a valid session and CSRF token.
            Object status = driver().executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    const csrf = document.cookie.split('; ').find(c => c.startsWith('hivemind_csrf=')).split('=')[1];
                    fetch('/api/v1/updates/commands', {method: 'POST', credentials: 'same-origin',
                        headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
                        body: JSON.stringify({kind: 'check_now'})})
                      .then(r => r.json().then(j => done(r.status + ' ' + j.error)), e => done('failed ' + e));
                    """);
            assertThat(status).as(who).isEqualTo("403 forbidden");
            if (who.equals("db_viewer")) {
                screenshot("viewer");
            }
            signOut();
        }
        assertThat(agent.queued("check_now")).isEqualTo(before);
    }

    @Test
    void aStaleChannelAndTheLastErrorStandOut() throws Exception {
        agent.report(new AgentStatus("canary", Optional.of("1.3.0"), AgentStatus.State.IDLE, Optional.empty(),
                Optional.of(java.time.Instant.parse("2026-12-04T10:00:00Z")), Optional.of("rejected"), Optional.empty(),
                Optional.empty(), false, Optional.of("channel stale or frozen: the statement for 1.3.0 on canary expired "
                + "at 2026-12-01T00:00:00Z and nothing newer was published"),
                Optional.of("expired: the statement expired at 2026-12-01T00:00:00Z"),
                java.time.Instant.parse("2026-12-04T10:00:01Z")));
        signIn("db_user");
        assertThat(text(driver(), "update-warning")).startsWith("Warning: channel stale or frozen");
        assertThat(text(driver(), "last-error")).startsWith("expired: the statement expired");
        assertThat(text(driver(), "last-check")).contains("The channel's statement was refused");
        screenshot("stale-channel");
    }
}
