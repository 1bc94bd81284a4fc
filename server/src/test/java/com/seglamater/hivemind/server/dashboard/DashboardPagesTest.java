package com.seglamater.hivemind.server.dashboard;

import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static com.seglamater.hivemind.server.testing.ApiClient.formBody;
import static com.seglamater.hivemind.server.testing.Pages.assertHtmlPage;
import static com.seglamater.hivemind.server.testing.Pages.assertPageHeaders;
import static com.seglamater.hivemind.server.testing.Pages.csrfField;
import static com.seglamater.hivemind.server.testing.Pages.signedIn;
import static com.seglamater.hivemind.server.testing.Pages.submit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard over HTTP: who sees what, the live fragment and how often it asks to be fetched,
 * the commands' form with its confirmation step, and the server refusing what a role may not do
 * whatever the page shows. (DashboardBrowserTest drives it in a browser.)
 */
class DashboardPagesTest {

    private static TestServer server;
    private static AgentReports agent;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        agent = new AgentReports(server);
        server.createUser("dash_admin", "admin");
        server.createUser("dash_user", "user");
        server.createUser("dash_viewer", "viewer");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void idleAgent() throws Exception {
        agent.clearQueue();
        agent.report(AgentReports.status(AgentStatus.State.IDLE, "1.3.0", Optional.empty(), Optional.empty(),
                Optional.empty()));
    }

    private static ApiClient.Response send(ApiClient browser, String... fields) {
        return submit(browser, "/dashboard/commands", fields);
    }

    @Test
    void everyRoleSeesHealthAndUpdatesButOnlyAdminsSeeCommands() {
        for (String who : List.of("dash_viewer", "dash_user")) {
            ApiClient.Response page = signedIn(server, who).page("/");
            assertThat(page.status()).isEqualTo(200);
            assertHtmlPage(page);
            assertThat(page.body()).contains("This instance").contains("id=\"check-database\"")
                    .contains("id=\"installed\">1.3.0<").contains("Update history")
                    .doesNotContain("/dashboard/commands").doesNotContain("Check now");
        }
        ApiClient.Response admin = signedIn(server, "dash_admin").page("/");
        assertThat(admin.body()).contains("action=\"/dashboard/commands\"").contains(">Check now</button>")
                .contains(">Roll back</button>");
    }

    @Test
    void anonymousBrowsersAreSentToSignInAndBackEvenFromTheLiveFragment() {
        ApiClient.Response page = server.client().page("/dashboard/live");
        assertThat(page.status()).isEqualTo(303);
        assertThat(page.headers().firstValue("Location")).contains("/sign-in?next=%2Fdashboard%2Flive");
    }

    @Test
    void theLiveFragmentHasNoLayoutAndAsksToBeFetchedOftenOnlyWhileSomethingRuns() throws Exception {
        ApiClient admin = signedIn(server, "dash_admin");
        ApiClient.Response idle = admin.page("/dashboard/live");
        assertThat(idle.status()).isEqualTo(200);
        assertPageHeaders(idle);
        assertThat(idle.body()).doesNotContain("<!doctype").doesNotContain("<nav").contains("id=\"updates\"");
        assertThat(idle.headers().firstValue("X-Poll-Interval")).contains("15000");
        assertThat(admin.page("/dashboard/live").body()).as("the same while nothing changes").isEqualTo(idle.body());

        agent.report(AgentReports.status(AgentStatus.State.APPLYING, "1.3.0", Optional.of("1.4.0"), Optional.empty(),
                Optional.of("pulled")));
        ApiClient.Response busy = admin.page("/dashboard/live");
        assertThat(busy.headers().firstValue("X-Poll-Interval")).contains("2000");
        assertThat(busy.body()).contains("aria-current=\"step\"").contains("Restart the services, one at a time");

        agent.report(AgentReports.status(AgentStatus.State.IDLE, "1.3.0", Optional.empty(), Optional.empty(),
                Optional.empty()));
        assertThat(send(admin, "kind", "check_now").status()).isEqualTo(303);
        assertThat(admin.page("/dashboard/live").headers().firstValue("X-Poll-Interval"))
                .as("a command waits for the agent").contains("2000");
    }

    @Test
    void aCommandThatRestartsServicesShowsAConfirmationPageUntilConfirmed() throws Exception {
        agent.report(AgentReports.status(AgentStatus.State.AWAITING_APPROVAL, "1.3.0", Optional.of("1.4.0"),
                Optional.empty(), Optional.empty()));
        ApiClient admin = signedIn(server, "dash_admin");
        long before = agent.queued("approve");

        ApiClient.Response confirm = send(admin, "kind", "approve", "version", "1.4.0");
        assertThat(confirm.status()).isEqualTo(200);
        assertHtmlPage(confirm);
        assertThat(confirm.body()).contains("<h1 id=\"confirm-title\">Approve 1.4.0?</h1>")
                .contains("Install release 1.4.0?").contains("name=\"confirmed\" value=\"yes\"")
                .contains("name=\"version\" value=\"1.4.0\"").contains("href=\"/\">Cancel</a>");
        assertThat(agent.queued("approve")).as("nothing queued yet").isEqualTo(before);
        assertThat(send(admin, "kind", "approve", "version", "1.4.0", "confirmed", "").status())
                .as("the field the script fills, left empty").isEqualTo(200);

        ApiClient.Response queued = send(admin, "kind", "approve", "version", "1.4.0", "confirmed", "yes");
        assertThat(queued.status()).isEqualTo(303);
        assertThat(queued.headers().firstValue("Location")).contains("/");
        assertThat(agent.queued("approve")).isEqualTo(before + 1);
        assertThat(admin.page("/").body()).contains("Approve 1.4.0: queued as command");
        assertThat(server.audit("update.command_queued")).last().satisfies(row -> {
            assertThat(row.actor()).isEqualTo("dash_admin");
            assertThat(row.details().path("kind").asText()).isEqualTo("approve");
            assertThat(row.details().path("version").asText()).isEqualTo("1.4.0");
        });

        ApiClient.Response again = send(admin, "kind", "approve", "version", "1.4.0", "confirmed", "yes");
        assertThat(again.status()).isEqualTo(303);
        assertThat(agent.queued("approve")).as("the same command still waiting: one").isEqualTo(before + 1);
        assertThat(admin.page("/").body()).contains("Approve 1.4.0 is already waiting for the updater");
    }

    @Test
    void aRefusedCommandComesBackAsAMessageOnTheDashboard() throws Exception {
        ApiClient admin = signedIn(server, "dash_admin");
        ApiClient.Response bogus = send(admin, "kind", "explode");
        assertThat(bogus.status()).isEqualTo(303);
        assertThat(admin.page("/").body()).contains("role=\"alert\">explode was not queued: kind: must be check_now, "
                + "apply, approve or rollback</div>");
        ApiClient.Response badVersion = send(admin, "kind", "apply", "version", "latest", "confirmed", "yes");
        assertThat(badVersion.status()).isEqualTo(303);
        assertThat(admin.page("/").body()).contains("Apply latest was not queued: version: is not a semantic version");
    }

    @Test
    void theServerRefusesCommandsFromOtherRolesOnThePageAndInTheApi() throws Exception {
        long before = agent.queued("check_now");
        for (String who : List.of("dash_viewer", "dash_user")) {
            ApiClient browser = signedIn(server, who);
            ApiClient.Response page = send(browser, "kind", "check_now");
            assertThat(page.status()).as(who).isEqualTo(403);
            assertHtmlPage(page);
            assertThat(page.body()).contains("Access denied").contains("needs the admin role");
            ApiClient.Response api = browser.postWithCsrf("/api/v1/updates/commands", "{\"kind\":\"check_now\"}");
            assertThat(api.status()).as(who).isEqualTo(403);
            assertThat(api.error()).isEqualTo("forbidden");
        }
        assertThat(agent.queued("check_now")).isEqualTo(before);
    }

    @Test
    void theWholeHistoryIsPaged() throws Exception {
        for (int i = 0; i < DashboardPages.HISTORY_PAGE + 5; i++) {
            agent.event("check", "1.3.0", "1.4.0", Optional.empty(), "paged event " + i);
        }
        ApiClient viewer = signedIn(server, "dash_viewer");
        String dashboard = viewer.page("/").body();
        int newest = DashboardPages.HISTORY_PAGE + 4;
        assertThat(dashboard).contains("paged event " + newest + "<")
                .contains("paged event " + (newest - DashboardPages.HISTORY_ON_DASHBOARD + 1) + "<")
                .doesNotContain("paged event " + (newest - DashboardPages.HISTORY_ON_DASHBOARD) + "<")
                .contains("href=\"/dashboard/history\"");
        ApiClient.Response first = viewer.page("/dashboard/history");
        assertHtmlPage(first);
        assertThat(first.body()).contains("paged event 5<").doesNotContain("paged event 4<");
        java.util.regex.Matcher older = java.util.regex.Pattern.compile("href=\"/dashboard/history\\?before=(\\d+)\"")
                .matcher(first.body());
        assertThat(older.find()).isTrue();
        ApiClient.Response second = viewer.page("/dashboard/history?before=" + older.group(1));
        assertThat(second.body()).contains("paged event 4<").contains("paged event 0<")
                .doesNotContain("paged event 5<").contains(">Newest events</a>");
    }
}
