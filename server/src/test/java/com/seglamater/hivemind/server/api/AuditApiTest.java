package com.seglamater.hivemind.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import com.seglamater.hivemind.server.testing.Csv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code /api/v1/audit} and {@code /api/v1/audit/export} over HTTP against a real database:
 * order, filters, paging, parameter checks, SQL metacharacters, roles, JSON lines and CSV
 * export (quoting, formula defence, batching, self-audit), and the append-only table.
 * Each test works on entries only it makes (its own actor, target or time window).
 */
class AuditApiTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    // ---- helpers ----

    private static ApiClient admin(String name) throws Exception {
        server.createUser(name, "admin");
        return server.signIn(name);
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static List<JsonNode> items(ApiClient.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        response.json().path("items").forEach(items::add);
        return items;
    }

    private static List<String> actions(List<JsonNode> items) {
        return items.stream().map(i -> i.path("action").asText()).toList();
    }

    private static List<Long> ids(List<JsonNode> items) {
        return items.stream().map(i -> i.path("id").asLong()).toList();
    }

    private static void createUser(ApiClient admin, String username) {
        ApiClient.Response r = admin.postWithCsrf("/api/v1/users", "{\"username\":\"" + username
                + "\",\"role\":\"user\",\"password\":\"" + TestServer.PASSWORD + "\"}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    private static void failSignIn(String username, String... headers) throws Exception {
        String body = MAPPER.writeValueAsString(java.util.Map.of("username", username, "password", "not the password"));
        ApiClient.Response r = server.client().post("/api/v1/session", body, headers);
        assertThat(r.status()).as(r.toString()).isEqualTo(401);
    }

    private static long count(String where) throws Exception {
        return Rows.number(server, "SELECT count(*) FROM audit_log" + (where.isEmpty() ? "" : " WHERE " + where));
    }

    private static List<Long> dbIds(String actor) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = server.database().connect();
             PreparedStatement s = c.prepareStatement("SELECT id FROM audit_log WHERE actor = ? ORDER BY id")) {
            s.setString(1, actor);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    /** Adds rows straight to the table (inserts are allowed; only changes are refused). */
    private static void insert(String actor, String action, String target, Instant at) throws SQLException {
        try (Connection c = server.database().connect(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO audit_log (at, actor, action, outcome, target) VALUES (?, ?, ?, 'success', ?)")) {
            s.setTimestamp(1, Timestamp.from(at));
            s.setString(2, actor);
            s.setString(3, action);
            s.setString(4, target);
            s.executeUpdate();
        }
    }

    private static void insertMany(String actor, int n) throws Exception {
        server.sql("INSERT INTO audit_log (at, actor, action, outcome, details) SELECT now() + i * interval '1 ms', '"
                + actor + "', 'bulk.row', 'success', jsonb_build_object('i', i) FROM generate_series(1, " + n + ") AS i");
    }

    /** Every row, as text, in id order: a fingerprint to show nothing changed. */
    private static String snapshot() throws SQLException {
        try (Connection c = server.database().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(id || '|' || at || '|' "
                     + "|| actor || '|' || action || '|' || outcome || '|' || coalesce(client_ip, '') || '|' "
                     + "|| coalesce(user_agent, '') || '|' || coalesce(target, '') || '|' || details::text, ',' "
                     + "ORDER BY id)), '') FROM audit_log")) {
            rs.next();
            return rs.getString(1);
        }
    }

    // ---- listing and filters ----

    @Test
    void entriesComeNewestFirstWithTheirFields() throws Exception {
        ApiClient admin = admin("aud_order");
        for (String u : List.of("aud_order_u1", "aud_order_u2", "aud_order_u3")) {
            server.clock().advance(Duration.ofMinutes(1));
            createUser(admin, u);
        }
        List<JsonNode> items = items(admin.get("/api/v1/audit?actor=aud_order"));
        assertThat(actions(items)).containsExactly("user.created", "user.created", "user.created", "auth.sign_in");
        assertThat(items.stream().map(i -> i.path("target").asText()))
                .containsExactly("aud_order_u3", "aud_order_u2", "aud_order_u1", "aud_order");
        assertThat(ids(items)).isSortedAccordingTo((a, b) -> Long.compare(b, a)).doesNotHaveDuplicates();
        List<Instant> times = items.stream().map(i -> Instant.parse(i.path("at").asText())).toList();
        assertThat(times).isSortedAccordingTo((a, b) -> b.compareTo(a));
        JsonNode created = items.getFirst();
        assertThat(created.path("actor").asText()).isEqualTo("aud_order");
        assertThat(created.path("outcome").asText()).isEqualTo("success");
        assertThat(created.path("clientIp").asText()).isEqualTo("127.0.0.1");
        assertThat(created.path("details").path("role").asText()).isEqualTo("user");
        assertThat(admin.get("/api/v1/audit?actor=aud_order").json().path("next").isNull()).isTrue();
    }

    @Test
    void filtersByActorActionTargetAndOutcome() throws Exception {
        ApiClient admin = admin("aud_filt");
        createUser(admin, "aud_filt_u");
        assertThat(admin.patchWithCsrf("/api/v1/users/aud_filt_u", "{\"role\":\"viewer\"}").status()).isEqualTo(200);
        assertThat(admin.patchWithCsrf("/api/v1/users/aud_filt_u", "{\"disabled\":true}").status()).isEqualTo(200);
        ApiClient.Response refused = server.client().post("/api/v1/session",
                TestServer.credentials("aud_filt_u", TestServer.PASSWORD));
        // The right password of a disabled account: told so (403), and audited as a failed sign-in.
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.error()).isEqualTo("account_disabled");

        assertThat(actions(items(admin.get("/api/v1/audit?actor=aud_filt"))))
                .containsExactly("user.disabled", "user.role_changed", "user.created", "auth.sign_in");

        List<JsonNode> role = items(admin.get("/api/v1/audit?actor=aud_filt&action=user.role_changed"));
        assertThat(actions(role)).containsExactly("user.role_changed");
        assertThat(role.getFirst().path("details").path("from").asText()).isEqualTo("user");
        assertThat(role.getFirst().path("details").path("to").asText()).isEqualTo("viewer");

        // A prefix ends in '*'; without it the match is exact.
        assertThat(actions(items(admin.get("/api/v1/audit?actor=aud_filt&action=user.*"))))
                .containsExactly("user.disabled", "user.role_changed", "user.created");
        assertThat(items(admin.get("/api/v1/audit?actor=aud_filt&action=user."))).isEmpty();
        assertThat(items(admin.get("/api/v1/audit?actor=aud_filt&action=user"))).isEmpty();
        List<JsonNode> allUser = items(admin.get("/api/v1/audit?action=user.*&limit=500"));
        assertThat(actions(allUser)).allMatch(a -> a.startsWith("user.")).contains("user.disabled");
        assertThat((long) allUser.size()).isEqualTo(count("action LIKE 'user.%'"));

        List<JsonNode> target = items(admin.get("/api/v1/audit?target=aud_filt_u"));
        assertThat(actions(target)).containsExactly("auth.sign_in", "user.disabled", "user.role_changed", "user.created");
        assertThat(target.getFirst().path("actor").asText()).isEqualTo("anonymous");

        List<JsonNode> failures = items(admin.get("/api/v1/audit?target=aud_filt_u&outcome=failure"));
        assertThat(actions(failures)).containsExactly("auth.sign_in");
        assertThat(failures.getFirst().path("details").path("reason").asText()).isEqualTo("disabled");
        assertThat(items(admin.get("/api/v1/audit?target=aud_filt_u&outcome=success"))).hasSize(3)
                .allMatch(i -> i.path("outcome").asText().equals("success"));
        assertThat(items(admin.get("/api/v1/audit?target=aud_filt_u&outcome=denied"))).isEmpty();
        // Filters combine with AND.
        assertThat(items(admin.get("/api/v1/audit?target=aud_filt_u&actor=anonymous&action=user.*"))).isEmpty();
    }

    @Test
    void filtersByClientIpAsStoredWhateverTheSpellingOfTheAddress() throws Exception {
        failSignIn("aud_ip_v4", "X-Forwarded-For", "203.0.113.7");
        failSignIn("aud_ip_v4", "X-Forwarded-For", "203.0.113.8");
        failSignIn("aud_ip_v6", "X-Forwarded-For", "2001:db8::7");

        List<JsonNode> v4 = items(admin("aud_ip").get("/api/v1/audit?clientIp=203.0.113.7&action=auth.sign_in"));
        assertThat(v4).hasSize(1);
        assertThat(v4.getFirst().path("target").asText()).isEqualTo("aud_ip_v4");
        assertThat(v4.getFirst().path("clientIp").asText()).isEqualTo("203.0.113.7");
        // Stored as Java writes it (2001:db8:0:0:0:0:0:7); any spelling of the address finds it.
        ApiClient admin = server.signIn("aud_ip");
        for (String spelling : List.of("2001:db8::7", "2001:DB8:0::0007", "2001:db8:0:0:0:0:0:7")) {
            assertThat(items(admin.get("/api/v1/audit?clientIp=" + q(spelling) + "&action=auth.sign_in")))
                    .as(spelling).singleElement().satisfies(e -> assertThat(e.path("target").asText()).isEqualTo("aud_ip_v6"));
        }
        List<List<String>> csv = Csv.parse(admin.get("/api/v1/audit/export?format=csv&clientIp=203.0.113.8").body());
        assertThat(csv).hasSize(2);
        assertThat(csv.get(1).get(5)).isEqualTo("203.0.113.8");
        for (String bad : List.of("example.org", "203.0.113", "203.0.113.0/24", "::g")) {
            for (String route : List.of("/api/v1/audit?", "/api/v1/audit/export?")) {
                ApiClient.Response response = admin.get(route + "clientIp=" + q(bad));
                assertThat(response.status()).as(bad).isEqualTo(400);
                assertThat(response.error()).isEqualTo("invalid_parameter");
                assertThat(response.json().path("message").asText()).contains("clientIp");
            }
        }
    }

    @Test
    void filtersByTimeRangeFromInclusiveToExclusive() throws Exception {
        server.clock().advance(Duration.ofMinutes(1));
        Instant t0 = server.clock().instant();
        ApiClient admin = admin("aud_time");                 // auth.sign_in at t0
        for (String u : List.of("aud_time_a", "aud_time_b", "aud_time_c")) {
            server.clock().advance(Duration.ofMinutes(10));  // at t0 + 10, 20, 30 min
            createUser(admin, u);
        }
        String base = "/api/v1/audit?actor=aud_time";
        assertThat(targets(admin, base)).containsExactly("aud_time_c", "aud_time_b", "aud_time_a", "aud_time");
        assertThat(targets(admin, base + "&from=" + q(t0.plus(Duration.ofMinutes(5)).toString())))
                .containsExactly("aud_time_c", "aud_time_b", "aud_time_a");
        assertThat(targets(admin, base + "&to=" + q(t0.plus(Duration.ofMinutes(15)).toString())))
                .containsExactly("aud_time_a", "aud_time");
        assertThat(targets(admin, base + "&from=" + q(t0.plus(Duration.ofMinutes(5)).toString())
                + "&to=" + q(t0.plus(Duration.ofMinutes(25)).toString())))
                .containsExactly("aud_time_b", "aud_time_a");
        assertThat(targets(admin, base + "&from=" + q(t0.plus(Duration.ofDays(1)).toString()))).isEmpty();

        // Bounds as stored: an entry exactly at 'from' is in, one exactly at 'to' is out.
        List<JsonNode> all = items(admin.get(base));
        String atB = all.get(1).path("at").asText();
        String atC = all.get(0).path("at").asText();
        assertThat(targets(admin, base + "&from=" + q(atB) + "&to=" + q(atC))).containsExactly("aud_time_b");
    }

    @Test
    void timesWithARawColonInTheQueryAreAccepted() throws Exception {
        // curl and most scripts send RFC 3339 times as typed: the ':' not percent-encoded.
        // Helidon 4.1.7 refused that with a 400 before our code ran (helidon#9862, fixed by helidon#9864).
        ApiClient admin = admin("aud_colon");
        insert("aud_colon_x", "colon.row", "aud_colon_before", Instant.parse("2025-12-31T23:59:59Z"));
        insert("aud_colon_x", "colon.row", "aud_colon_at", Instant.parse("2026-01-01T00:00:00Z"));
        insert("aud_colon_x", "colon.row", "aud_colon_after", Instant.parse("2026-06-01T12:30:00Z"));
        String raw = "/api/v1/audit?from=2026-01-01T00:00:00Z";
        assertThat(java.net.URI.create("http://127.0.0.1" + raw).getRawQuery()).contains(":").doesNotContain("%");

        List<JsonNode> all = items(admin.get(raw));
        assertThat(all).isNotEmpty().allMatch(i -> !Instant.parse(i.path("at").asText())
                .isBefore(Instant.parse("2026-01-01T00:00:00Z")));
        assertThat(targets(admin, raw + "&actor=aud_colon_x"))
                .containsExactly("aud_colon_after", "aud_colon_at");
        assertThat(targets(admin, raw + "&to=2026-06-01T12:30:00Z&actor=aud_colon_x"))
                .containsExactly("aud_colon_at");
        assertThat(targets(admin, "/api/v1/audit?to=2026-01-01T00:00:00Z&actor=aud_colon_x"))
                .containsExactly("aud_colon_before");
        // The same through the export, and a bad raw time is still our own 400.
        ApiClient.Response export = admin.get("/api/v1/audit/export?from=2026-01-01T00:00:00Z&actor=aud_colon_x");
        assertThat(export.status()).as(export.toString()).isEqualTo(200);
        assertThat(export.body()).contains("aud_colon_at", "aud_colon_after").doesNotContain("aud_colon_before");
        ApiClient.Response bad = admin.get("/api/v1/audit?from=2026-01-01T25:00:00Z");
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.error()).isEqualTo("invalid_parameter");
    }

    private static List<String> targets(ApiClient admin, String path) {
        return items(admin.get(path)).stream().map(i -> i.path("target").asText()).toList();
    }

    @Test
    void pagesFollowTheNextCursorUntilExhaustedWithoutGapsOrDuplicates() throws Exception {
        insertMany("aud_pager", 23);
        List<Long> expected = new ArrayList<>(dbIds("aud_pager")).reversed();
        ApiClient admin = admin("aud_pager_admin");

        List<Long> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String path = "/api/v1/audit?actor=aud_pager&limit=5";
        for (int page = 0; page < 10; page++) {
            ApiClient.Response response = admin.get(path);
            List<JsonNode> items = items(response);
            sizes.add(items.size());
            seen.addAll(ids(items));
            JsonNode next = response.json().path("next");
            if (next.isNull() || next.isMissingNode()) {
                break;
            }
            assertThat(next.asLong()).isEqualTo(items.getLast().path("id").asLong());
            path = "/api/v1/audit?actor=aud_pager&limit=5&before=" + next.asLong();
        }
        assertThat(sizes).containsExactly(5, 5, 5, 5, 3);
        assertThat(seen).doesNotHaveDuplicates().containsExactlyElementsOf(expected);

        // A last page that is exactly full still says there is nothing more.
        ApiClient.Response exact = admin.get("/api/v1/audit?actor=aud_pager&limit=23");
        assertThat(items(exact)).hasSize(23);
        assertThat(exact.json().path("next").isNull()).isTrue();
        ApiClient.Response oneShort = admin.get("/api/v1/audit?actor=aud_pager&limit=22");
        assertThat(items(oneShort)).hasSize(22);
        assertThat(oneShort.json().path("next").asLong()).isEqualTo(expected.get(21));
        assertThat(ids(items(admin.get("/api/v1/audit?actor=aud_pager&before=" + expected.get(21)))))
                .containsExactly(expected.get(22));
        assertThat(items(admin.get("/api/v1/audit?actor=aud_pager&before=" + expected.get(22)))).isEmpty();
        // The default page is 50.
        insertMany("aud_pager_many", 60);
        ApiClient.Response defaults = admin.get("/api/v1/audit?actor=aud_pager_many");
        assertThat(items(defaults)).hasSize(50);
        assertThat(defaults.json().path("next").isIntegralNumber()).isTrue();
    }

    @Test
    void badParametersAre400InvalidParameterAndWriteNothing() throws Exception {
        ApiClient admin = admin("aud_badparam");
        String before = snapshot();
        List<String> badLimits = List.of("limit=0", "limit=501", "limit=-1", "limit=abc", "limit=1.5",
                "limit=99999999999999999999");
        for (String query : badLimits) {
            ApiClient.Response response = admin.get("/api/v1/audit?" + query);
            assertThat(response.status()).as(query + " -> " + response).isEqualTo(400);
            assertThat(response.error()).as(query).isEqualTo("invalid_parameter");
            assertThat(response.json().path("message").asText()).contains("limit");
        }
        // The filters are shared by the list and the export. (Raw ':' in times: timesWithARawColonInTheQueryAreAccepted.)
        List<String> bad = List.of("from=yesterday", "from=2026-01-01", "to=" + q("2026-13-01T00:00:00Z"),
                "from=" + q("2026-01-01T00:00:00Z") + "&to=" + q("2026-01-01T00:00:00Z"),
                "from=" + q("2026-02-01T00:00:00Z") + "&to=" + q("2026-01-01T00:00:00Z"), "outcome=bogus", "outcome=SUCCESS",
                "before=abc", "before=-5", "before=1e3", "before=99999999999999999999",
                "actor=" + q("a\u0001b"), "target=" + "x".repeat(257));
        for (String query : bad) {
            for (String route : List.of("/api/v1/audit?", "/api/v1/audit/export?")) {
                ApiClient.Response response = admin.get(route + query);
                assertThat(response.status()).as(route + query + " -> " + response).isEqualTo(400);
                assertThat(response.error()).as(route + query + " -> " + response).isEqualTo("invalid_parameter");
                assertThat(response.json().path("message").asText()).isNotBlank();
            }
        }
        assertThat(snapshot()).as("no entry written, not even audit.exported").isEqualTo(before);
        // The edges of the range are fine.
        assertThat(admin.get("/api/v1/audit?limit=1").status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/audit?limit=500").status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/audit?limit=").status()).isEqualTo(200);
    }

    @Test
    void sqlMetacharactersInFiltersMatchLiterally() throws Exception {
        ApiClient admin = admin("aud_sqli");
        // Rows whose text holds the metacharacters themselves, to show they match as text.
        Instant now = server.clock().instant();
        insert("O'Brien", "lit%_a.one", "100%_sure", now);
        insert("aud_sqli_x", "litXYa.two", "100XYsure", now);
        insert("aud_sqli_x", "back\\slash.one", "t", now);
        insert("aud_sqli_x", "backslash.two", "t", now);
        String before = snapshot();
        long users = userCount();

        List<String> hostile = List.of("' OR 1=1 --", "' OR '1'='1", "%", "_", "%%", "\\", "'; DROP TABLE audit_log; --",
                "anonymous' --", "\" OR \"\"=\"");
        for (String value : hostile) {
            for (String param : List.of("actor", "target", "action")) {
                ApiClient.Response response = admin.get("/api/v1/audit?" + param + "=" + q(value));
                assertThat(response.status()).as(param + "=" + value + " -> " + response).isEqualTo(200);
                assertThat(items(response)).as(param + "=" + value).isEmpty();
            }
            // As a prefix too: the wildcards are escaped in the LIKE pattern.
            assertThat(items(admin.get("/api/v1/audit?action=" + q(value + "*")))).as(value + "*").isEmpty();
        }
        // LIKE wildcards unescaped would make these match more (user_* would match user.created).
        assertThat(items(admin.get("/api/v1/audit?action=" + q("user_*")))).isEmpty();
        assertThat(items(admin.get("/api/v1/audit?action=" + q("auth_*")))).isEmpty();
        assertThat(items(admin.get("/api/v1/audit?action=" + q("%sign_in*")))).isEmpty();
        assertThat(actions(items(admin.get("/api/v1/audit?action=" + q("lit%_*"))))).containsExactly("lit%_a.one");
        assertThat(actions(items(admin.get("/api/v1/audit?action=" + q("lit*"))))).containsExactly("litXYa.two", "lit%_a.one");
        assertThat(actions(items(admin.get("/api/v1/audit?action=" + q("back\\s*"))))).containsExactly("back\\slash.one");
        assertThat(actions(items(admin.get("/api/v1/audit?target=" + q("100%_sure"))))).containsExactly("lit%_a.one");
        assertThat(items(admin.get("/api/v1/audit?target=" + q("100%")))).isEmpty();
        assertThat(actions(items(admin.get("/api/v1/audit?actor=" + q("O'Brien"))))).containsExactly("lit%_a.one");

        assertThat(snapshot()).as("the audit log is intact").isEqualTo(before);
        assertThat(userCount()).as("the users table is intact").isEqualTo(users);
    }

    private static long userCount() throws SQLException {
        try (Connection c = server.database().connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM users")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void nonAdminsAreRefused403AndAnonymousGets401() throws Exception {
        server.createUser("aud_plain_user", "user");
        server.createUser("aud_plain_viewer", "viewer");
        long exports = count("action = 'audit.exported'");
        for (String name : List.of("aud_plain_user", "aud_plain_viewer")) {
            ApiClient client = server.signIn(name);
            for (String path : List.of("/api/v1/audit", "/api/v1/audit?actor=aud_plain_user",
                    "/api/v1/audit/export", "/api/v1/audit/export?format=csv")) {
                ApiClient.Response response = client.get(path);
                assertThat(response.status()).as(name + " " + path).isEqualTo(403);
                assertThat(response.error()).isEqualTo("forbidden");
                assertThat(response.json().has("items")).isFalse();
                assertThat(response.body()).doesNotContain("auth.sign_in");
            }
        }
        for (String path : List.of("/api/v1/audit", "/api/v1/audit/export?format=jsonl")) {
            ApiClient.Response response = server.client().get(path);
            assertThat(response.status()).as(path).isEqualTo(401);
            assertThat(response.error()).isEqualTo("unauthenticated");
            assertThat(response.body()).doesNotContain("auth.sign_in");
        }
        assertThat(count("action = 'audit.exported'")).as("a refused export is not an export").isEqualTo(exports);
    }

    // ---- export ----

    @Test
    void exportAsJsonLinesIsOldestFirstFilteredAndIncludesItsOwnEntry() throws Exception {
        ApiClient admin = admin("exp_json");
        createUser(admin, "exp_json_u1");
        createUser(admin, "exp_json_u2");

        ApiClient.Response export = admin.get("/api/v1/audit/export?format=jsonl&actor=exp_json");
        assertThat(export.status()).as(export.toString()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        assertThat(export.headers().firstValue("Content-Disposition").orElse(""))
                .matches("attachment; filename=\"hivemind-audit-[0-9TZ.-]+\\.jsonl\"");
        assertThat(export.body()).endsWith("\n");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : export.body().split("\n")) {
            JsonNode node = MAPPER.readTree(line);
            assertThat(node.isObject()).as(line).isTrue();
            lines.add(node);
        }
        assertThat(actions(lines)).containsExactly("auth.sign_in", "user.created", "user.created", "audit.exported");
        assertThat(ids(lines)).isSorted().doesNotHaveDuplicates();
        JsonNode self = lines.getLast();
        assertThat(self.path("actor").asText()).isEqualTo("exp_json");
        assertThat(self.path("details").path("format").asText()).isEqualTo("jsonl");
        assertThat(self.path("details").path("query").asText()).contains("actor=exp_json");

        // The same entries, in the same form, as the list shows them newest first.
        List<JsonNode> listed = new ArrayList<>(items(admin.get("/api/v1/audit?actor=exp_json")));
        assertThat(lines).containsExactlyElementsOf(listed.reversed());

        // jsonl is the default; filters apply as for the list.
        ApiClient.Response byDefault = admin.get("/api/v1/audit/export?actor=exp_json&action=user.*");
        assertThat(byDefault.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        assertThat(byDefault.body().split("\n")).hasSize(2)
                .allSatisfy(line -> assertThat(MAPPER.readTree(line).path("action").asText()).isEqualTo("user.created"));
        assertThat(server.audit("audit.exported").stream().filter(r -> r.actor().equals("exp_json")).count())
                .as("every export is audited").isEqualTo(2);
    }

    @Test
    void exportAsCsvQuotesFieldsAndDefusesFormulas() throws Exception {
        ApiClient admin = admin("exp_csv");
        server.clock().advance(Duration.ofMinutes(1));
        Instant from = server.clock().instant();
        String hyperlink = "=HYPERLINK(\"http://evil.example/?x\",\"click\")";
        List<String> names = List.of(hyperlink, "+SUM(1,2)", "-2+3", "@cmd");
        String agent = "=cmd|' /C calc'!A0";
        for (String name : names) {
            failSignIn(name, "User-Agent", agent);
        }
        insert("exp_csv_rows", "csv.multiline", "two\nlines, \"quoted\"", from.plusSeconds(1));
        server.clock().advance(Duration.ofMinutes(1));
        Instant to = server.clock().instant();

        ApiClient.Response export = admin.get("/api/v1/audit/export?format=csv&from=" + q(from.toString())
                + "&to=" + q(to.toString()));
        assertThat(export.status()).as(export.toString()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(export.headers().firstValue("Content-Disposition").orElse(""))
                .matches("attachment; filename=\"hivemind-audit-[0-9TZ.-]+\\.csv\"");
        String body = export.body();
        assertThat(body).startsWith("id,at,actor,action,outcome,client_ip,user_agent,target,details\r\n");
        // The raw text: the formula is defused, then quoted with its quotes doubled.
        assertThat(body).contains("\"'=HYPERLINK(\"\"http://evil.example/?x\"\",\"\"click\"\")\"");
        assertThat(body).contains(",'=cmd|' /C calc'!A0,");

        List<List<String>> records = Csv.parse(body);   // strict: CRLF only, RFC 4180 quoting
        assertThat(records).allSatisfy(r -> assertThat(r).hasSize(9));
        List<List<String>> rows = records.subList(1, records.size());
        assertThat(rows).hasSize(5);
        assertThat(rows.stream().map(r -> Long.parseLong(r.get(0))).toList()).isSorted().doesNotHaveDuplicates();
        List<List<String>> signIns = rows.stream().filter(r -> r.get(3).equals("auth.sign_in")).toList();
        assertThat(signIns.stream().map(r -> r.get(7)).toList())
                .containsExactlyElementsOf(names.stream().map(n -> "'" + n).toList());
        for (List<String> r : signIns) {
            assertThat(r.get(2)).isEqualTo("anonymous");
            assertThat(r.get(4)).isEqualTo("failure");
            assertThat(r.get(5)).isEqualTo("127.0.0.1");
            assertThat(r.get(6)).isEqualTo("'" + agent);
            assertThat(MAPPER.readTree(r.get(8)).path("reason").asText()).isEqualTo("unknown_user");
        }
        List<String> multiline = rows.stream().filter(r -> r.get(3).equals("csv.multiline")).findFirst().orElseThrow();
        assertThat(multiline.get(7)).isEqualTo("two\nlines, \"quoted\"");
        assertThat(multiline.get(5)).isEmpty();
        // The export's own entry falls outside the window (its time is 'to'): the window is exact.
        assertThat(rows).noneMatch(r -> r.get(3).equals("audit.exported"));
        assertThat(server.audit("audit.exported").getLast().details().path("format").asText()).isEqualTo("csv");
    }

    @Test
    void exportOfManyBatchesIsCompleteAndOrdered() throws Exception {
        insertMany("exp_bulk", 2_500);
        insertMany("exp_bulk_1000", 1_000);
        ApiClient admin = admin("exp_bulk_admin");

        ApiClient.Response jsonl = admin.get("/api/v1/audit/export?format=jsonl&actor=exp_bulk");
        assertThat(jsonl.status()).isEqualTo(200);
        List<Long> ids = new ArrayList<>();
        Set<Long> is = new HashSet<>();
        for (String line : jsonl.body().split("\n")) {
            JsonNode node = MAPPER.readTree(line);
            ids.add(node.path("id").asLong());
            is.add(node.path("details").path("i").asLong());
        }
        assertThat(ids).hasSize(2_500).isSorted().doesNotHaveDuplicates().containsExactlyElementsOf(dbIds("exp_bulk"));
        assertThat(is).hasSize(2_500);

        List<List<String>> csv = Csv.parse(admin.get("/api/v1/audit/export?format=csv&actor=exp_bulk").body());
        assertThat(csv).hasSize(2_501);
        assertThat(csv.subList(1, csv.size()).stream().map(r -> Long.parseLong(r.get(0))).toList())
                .containsExactlyElementsOf(dbIds("exp_bulk"));

        // Exactly one full batch: nothing lost or repeated at the boundary.
        String exact = admin.get("/api/v1/audit/export?actor=exp_bulk_1000").body();
        assertThat(exact.split("\n")).hasSize(1_000);
        assertThat(exact.lines().map(l -> {
            try {
                return MAPPER.readTree(l).path("id").asLong();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList()).containsExactlyElementsOf(dbIds("exp_bulk_1000"));

        // The whole log, unfiltered, is every row there is.
        ApiClient.Response all = admin.get("/api/v1/audit/export");
        assertThat((long) all.body().split("\n").length).isEqualTo(count(""));
    }

    @Test
    void aBadFormatIs400AndIsNotAudited() throws Exception {
        ApiClient admin = admin("exp_badformat");
        String before = snapshot();
        for (String format : List.of("xml", "json", "CSV", "jsonl%20", "csv%00")) {
            ApiClient.Response response = admin.get("/api/v1/audit/export?format=" + format);
            assertThat(response.status()).as(format).isEqualTo(400);
            assertThat(response.error()).isEqualTo("invalid_parameter");
            assertThat(response.headers().firstValue("Content-Disposition")).isEmpty();
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    // ---- append-only ----

    @Test
    void theTableRefusesUpdateDeleteAndTruncateEvenFromTheSuperuser() throws Exception {
        admin("aud_appendonly");   // at least one row exists
        String before = snapshot();
        assertThat(count("")).isPositive();
        for (String statement : List.of(
                "UPDATE audit_log SET actor = 'mallory'",
                "UPDATE audit_log SET outcome = 'success' WHERE actor = 'aud_appendonly'",
                "DELETE FROM audit_log",
                "DELETE FROM audit_log WHERE actor = 'aud_appendonly'",
                "TRUNCATE audit_log",
                "TRUNCATE TABLE audit_log RESTART IDENTITY CASCADE")) {
            assertThatThrownBy(() -> server.sql(statement)).as(statement)
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("append-only");
        }
        assertThat(snapshot()).as("every row unchanged").isEqualTo(before);
        // Appending still works.
        insert("aud_appendonly", "still.appendable", null, server.clock().instant());
        assertThat(count("actor = 'aud_appendonly'")).isEqualTo(2);
    }
}
