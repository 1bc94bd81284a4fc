package com.seglamater.hivemind.server.auditlog;

import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import com.seglamater.hivemind.server.testing.Csv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.seglamater.hivemind.server.testing.Pages.assertHtmlPage;
import static com.seglamater.hivemind.server.testing.Pages.signedIn;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit log page over HTTP: only admins, the filters (actor, action prefix, target, outcome,
 * client IP, a time range in the form's UTC local times), paging that keeps them, a refused filter
 * said on the page, and export links that select what the page shows. (AuditBrowserTest drives it
 * in a browser.)
 */
class AuditPagesTest {

    private static final Pattern ROW = Pattern.compile("<tr>\\s*<td data-label=\"Time\">");
    private static TestServer server;
    private static ApiClient admin;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        server.createUser("ap_admin", "admin");
        server.createUser("ap_user", "user");
        server.createUser("ap_viewer", "viewer");
        admin = signedIn(server, "ap_admin");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** Adds a row straight to the table (inserts are allowed; changes are refused). */
    static void insert(TestServer server, String actor, String action, String outcome, String target, String ip,
                       String at) throws Exception {
        try (Connection c = server.database().connect(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO audit_log (at, actor, action, outcome, target, client_ip) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setTimestamp(1, Timestamp.from(Instant.parse(at)));
            s.setString(2, actor);
            s.setString(3, action);
            s.setString(4, outcome);
            s.setString(5, target);
            s.setString(6, ip);
            s.executeUpdate();
        }
    }

    private static int rows(String body) {
        Matcher m = ROW.matcher(body);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String href(String body, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\" href=\"([^\"]+)\"").matcher(body);
        assertThat(m.find()).as(id + " in " + body).isTrue();
        return m.group(1).replace("&amp;", "&");
    }

    @Test
    void onlyAdminsGetThePage() {
        for (String who : List.of("ap_user", "ap_viewer")) {
            ApiClient.Response page = signedIn(server, who).page("/audit");
            assertThat(page.status()).as(who).isEqualTo(403);
            assertHtmlPage(page);
            assertThat(page.body()).contains("Access denied");
        }
        ApiClient.Response anonymous = server.client().page("/audit?actor=x");
        assertThat(anonymous.status()).isEqualTo(303);
        assertThat(anonymous.headers().firstValue("Location")).contains("/sign-in?next=%2Faudit%3Factor%3Dx");
    }

    @Test
    void filtersSelectByActorActionTargetOutcomeClientIpAndTime() throws Exception {
        insert(server, "ap_filter", "user.created", "success", "carol", "203.0.113.5", "2026-01-10T10:00:00Z");
        insert(server, "ap_filter", "user.disabled", "success", "carol", "203.0.113.5", "2026-01-10T11:00:00Z");
        insert(server, "ap_filter", "auth.sign_in", "failure", "ap_filter", "2001:db8:0:0:0:0:0:9", "2026-01-10T12:00:00Z");
        insert(server, "ap_filter", "user.role_changed", "success", "dave", "198.51.100.7", "2026-01-10T12:30:45Z");

        ApiClient.Response all = admin.page("/audit?actor=ap_filter");
        assertHtmlPage(all);
        assertThat(rows(all.body())).isEqualTo(4);
        assertThat(all.body()).contains("value=\"ap_filter\"").contains("<code>user.role_changed</code>");
        assertThat(rows(admin.page("/audit?actor=ap_filter&action=user.*").body())).isEqualTo(3);
        assertThat(rows(admin.page("/audit?actor=ap_filter&target=carol").body())).isEqualTo(2);
        assertThat(rows(admin.page("/audit?actor=ap_filter&outcome=failure").body())).isEqualTo(1);
        assertThat(rows(admin.page("/audit?actor=ap_filter&clientIp=2001:db8::9").body())).isEqualTo(1);
        assertThat(rows(admin.page("/audit?actor=ap_filter&clientIp=203.0.113.5").body())).isEqualTo(2);
        // The form's datetime-local fields: UTC, minutes or seconds; from included, to not.
        String range = admin.page("/audit?actor=ap_filter&from=2026-01-10T11:00&to=2026-01-10T12:30:45").body();
        assertThat(rows(range)).isEqualTo(2);
        assertThat(range).contains("<code>user.disabled</code>").contains("<code>auth.sign_in</code>")
                .contains("value=\"2026-01-10T11:00\"").contains("value=\"2026-01-10T12:30:45\"");
        assertThat(rows(admin.page("/audit?actor=ap_filter&from=2026-01-10T12:00:00Z").body()))
                .as("RFC 3339 too, as the links have it").isEqualTo(2);
    }

    @Test
    void aRefusedFilterIsSaidOnThePageWithTheFormAsSent() throws Exception {
        for (String query : List.of("clientIp=not-an-address", "from=2026-01-10T12:00&to=2026-01-10T11:00",
                "from=yesterday", "outcome=maybe")) {
            ApiClient.Response page = admin.page("/audit?" + query);
            assertThat(page.status()).as(query).isEqualTo(400);
            assertHtmlPage(page);
            assertThat(page.body()).as(query).contains("id=\"filter-error\"").doesNotContain("id=\"audit-entries\"")
                    .doesNotContain("id=\"export-csv\"");
        }
        assertThat(admin.page("/audit?clientIp=not-an-address").body()).contains("value=\"not-an-address\"")
                .contains("Client IP must be an IPv4 or IPv6 address.");
        assertThat(admin.page("/audit?from=2026-01-10T12:00&to=2026-01-10T11:00").body())
                .contains("From must be before to.");
    }

    @Test
    void pagesOfFiftyKeepTheFilters() throws Exception {
        server.sql("INSERT INTO audit_log (at, actor, action, outcome) SELECT timestamptz '2026-02-01 00:00:00+00' "
                + "+ i * interval '1 minute', 'ap_pager', 'bulk.row', 'success' FROM generate_series(1, 120) AS i");
        String first = admin.page("/audit?actor=ap_pager").body();
        assertThat(rows(first)).isEqualTo(AuditPages.PAGE_SIZE);
        assertThat(first).doesNotContain("id=\"newest-entries\"");
        String older = href(first, "older-entries");
        assertThat(older).startsWith("/audit?actor=ap_pager&before=");
        String second = admin.page(older).body();
        assertThat(rows(second)).isEqualTo(AuditPages.PAGE_SIZE);
        assertThat(href(second, "newest-entries")).isEqualTo("/audit?actor=ap_pager");
        String third = admin.page(href(second, "older-entries")).body();
        assertThat(rows(third)).isEqualTo(20);
        assertThat(third).doesNotContain("id=\"older-entries\"");
    }

    @Test
    void theExportLinksSelectWhatThePageShows() throws Exception {
        insert(server, "ap_export", "user.created", "success", "erin", "192.0.2.1", "2026-03-01T10:00:00Z");
        insert(server, "ap_export", "user.created", "success", "frank", "192.0.2.2", "2026-03-01T11:00:00Z");
        insert(server, "ap_export", "user.disabled", "success", "erin", "192.0.2.1", "2026-03-01T12:00:00Z");
        String page = admin.page("/audit?actor=ap_export&action=user.created&from=2026-03-01T00:00").body();
        String csv = href(page, "export-csv");
        assertThat(csv).isEqualTo("/api/v1/audit/export?actor=ap_export&action=user.created"
                + "&from=2026-03-01T00%3A00%3A00Z&format=csv");
        List<List<String>> rows = Csv.parse(admin.get(csv).body());
        assertThat(rows).hasSize(3);
        assertThat(rows.subList(1, 3)).extracting(r -> r.get(7)).containsExactly("erin", "frank");
        String jsonl = admin.get(href(page, "export-jsonl")).body();
        assertThat(jsonl.lines()).hasSize(2).allMatch(line -> line.contains("\"action\":\"user.created\""));
        assertThat(server.audit("audit.exported")).last().satisfies(row -> assertThat(row.actor()).isEqualTo("ap_admin"));
    }
}
