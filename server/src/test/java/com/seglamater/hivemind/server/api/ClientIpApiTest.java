package com.seglamater.hivemind.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.server.TestServer;
import com.seglamater.hivemind.server.testing.ApiClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real client address over HTTP, as the audit log and the session list record it:
 * forwarding headers believed from the default trusted proxy (loopback), rightmost untrusted
 * entry of the chain, X-Real-IP as fallback; and all of them (and X-Forwarded-Proto) ignored
 * when the peer is not trusted.
 */
class ClientIpApiTest {

    /** Default trusted proxies: 127.0.0.1/32 and ::1/128, so the test client is a proxy. */
    private static TestServer trusting;
    /** Only 10.0.0.0/8 is trusted: the test client on 127.0.0.1 is an ordinary client. */
    private static TestServer distrusting;

    @BeforeAll
    static void start() throws Exception {
        trusting = TestServer.start();
        distrusting = TestServer.start("HIVEMIND_TRUSTED_PROXIES", "10.0.0.0/8");
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestServer s : new TestServer[] {trusting, distrusting}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** Signs {@code username} in with the given headers; returns the browser. */
    private static ApiClient signIn(TestServer server, String username, String... headers) throws Exception {
        server.createUser(username, "user");
        ApiClient client = server.client();
        ApiClient.Response response = client.post("/api/v1/session",
                TestServer.credentials(username, TestServer.PASSWORD), headers);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return client;
    }

    private static TestServer.AuditRow signInRow(TestServer server, String username) throws Exception {
        List<TestServer.AuditRow> rows = server.audit("auth.sign_in").stream()
                .filter(r -> username.equals(r.target()) && r.outcome().equals("success")).toList();
        assertThat(rows).hasSize(1);
        return rows.getFirst();
    }

    private static String sessionIp(ApiClient client) {
        ApiClient.Response sessions = client.get("/api/v1/sessions");
        assertThat(sessions.status()).as(sessions.toString()).isEqualTo(200);
        JsonNode items = sessions.json().path("items");
        assertThat(items).hasSize(1);
        return items.get(0).path("clientIp").asText();
    }

    /** A Set-Cookie header's attribute names, lower case (the name=value pair left out). */
    private static List<String> attributes(String setCookie) {
        String[] parts = setCookie.split(";");
        return java.util.Arrays.stream(parts, 1, parts.length)
                .map(p -> p.split("=", 2)[0].strip().toLowerCase(java.util.Locale.ROOT)).toList();
    }

    // ---- from a trusted proxy ----

    @Test
    void xForwardedForFromTheTrustedProxyIsRecordedInTheAuditLogAndSessionList() throws Exception {
        ApiClient client = signIn(trusting, "ip_single", "X-Forwarded-For", "203.0.113.7", "User-Agent", "ip-test/1");
        TestServer.AuditRow row = signInRow(trusting, "ip_single");
        assertThat(row.clientIp()).isEqualTo("203.0.113.7");
        assertThat(row.userAgent()).isEqualTo("ip-test/1");
        assertThat(sessionIp(client)).isEqualTo("203.0.113.7");
    }

    @Test
    void fromAChainTheRightmostUntrustedAddressIsTheClient() throws Exception {
        // The leftmost entry was written by the client itself and could be anything.
        ApiClient client = signIn(trusting, "ip_chain", "X-Forwarded-For", "198.51.100.1, 203.0.113.7");
        assertThat(signInRow(trusting, "ip_chain").clientIp()).isEqualTo("203.0.113.7");
        assertThat(sessionIp(client)).isEqualTo("203.0.113.7");

        // Trusted proxies on the right are skipped.
        signIn(trusting, "ip_chain2", "X-Forwarded-For", "198.51.100.1, 203.0.113.8, 127.0.0.1");
        assertThat(signInRow(trusting, "ip_chain2").clientIp()).isEqualTo("203.0.113.8");
    }

    @Test
    void xRealIpIsUsedWhenThereIsNoXForwardedFor() throws Exception {
        ApiClient client = signIn(trusting, "ip_real", "X-Real-IP", "192.0.2.55");
        assertThat(signInRow(trusting, "ip_real").clientIp()).isEqualTo("192.0.2.55");
        assertThat(sessionIp(client)).isEqualTo("192.0.2.55");

        // With both, X-Forwarded-For wins.
        signIn(trusting, "ip_real2", "X-Real-IP", "192.0.2.56", "X-Forwarded-For", "203.0.113.10");
        assertThat(signInRow(trusting, "ip_real2").clientIp()).isEqualTo("203.0.113.10");
    }

    @Test
    void malformedForwardingHeadersFallBackToThePeer() throws Exception {
        signIn(trusting, "ip_bogus", "X-Forwarded-For", "not-an-address");
        assertThat(signInRow(trusting, "ip_bogus").clientIp()).isEqualTo("127.0.0.1");
        signIn(trusting, "ip_bogus2", "X-Real-IP", "evil.example");
        assertThat(signInRow(trusting, "ip_bogus2").clientIp()).isEqualTo("127.0.0.1");
    }

    @Test
    void httpsPerTheTrustedProxyMakesTheCookiesSecure() throws Exception {
        trusting.createUser("ip_https", "user");
        ApiClient.Response response = trusting.client().post("/api/v1/session",
                TestServer.credentials("ip_https", TestServer.PASSWORD), "X-Forwarded-Proto", "https");
        assertThat(response.status()).isEqualTo(200);
        assertThat(attributes(response.setCookie("hivemind_session").orElseThrow())).contains("secure", "httponly");
        assertThat(attributes(response.setCookie("hivemind_csrf").orElseThrow())).contains("secure");
    }

    // ---- from an untrusted peer ----

    @Test
    void forwardingHeadersFromAnUntrustedPeerAreIgnored() throws Exception {
        ApiClient client = signIn(distrusting, "ip_spoof", "X-Forwarded-For", "203.0.113.7");
        assertThat(signInRow(distrusting, "ip_spoof").clientIp()).isEqualTo("127.0.0.1");
        assertThat(sessionIp(client)).isEqualTo("127.0.0.1");

        signIn(distrusting, "ip_spoof2", "X-Forwarded-For", "198.51.100.1, 203.0.113.7");
        assertThat(signInRow(distrusting, "ip_spoof2").clientIp()).isEqualTo("127.0.0.1");

        signIn(distrusting, "ip_spoof3", "X-Real-IP", "192.0.2.55");
        assertThat(signInRow(distrusting, "ip_spoof3").clientIp()).isEqualTo("127.0.0.1");

        // A failed sign-in is recorded with the real address too.
        ApiClient.Response failed = distrusting.client().post("/api/v1/session",
                TestServer.credentials("ip_spoof", "wrong password"), "X-Forwarded-For", "10.1.2.3");
        assertThat(failed.status()).isEqualTo(401);
        assertThat(distrusting.audit("auth.sign_in").stream()
                .filter(r -> r.outcome().equals("failure") && "ip_spoof".equals(r.target())))
                .singleElement().extracting(TestServer.AuditRow::clientIp).isEqualTo("127.0.0.1");
    }

    @Test
    void xForwardedProtoFromAnUntrustedPeerDoesNotMakeCookiesSecure() throws Exception {
        distrusting.createUser("ip_proto", "user");
        ApiClient.Response response = distrusting.client().post("/api/v1/session",
                TestServer.credentials("ip_proto", TestServer.PASSWORD), "X-Forwarded-Proto", "https",
                "X-Forwarded-For", "203.0.113.7");
        assertThat(response.status()).isEqualTo(200);
        String session = response.setCookie("hivemind_session").orElseThrow();
        String csrf = response.setCookie("hivemind_csrf").orElseThrow();
        assertThat(attributes(session)).doesNotContain("secure").contains("httponly");
        assertThat(attributes(csrf)).doesNotContain("secure");
    }
}
