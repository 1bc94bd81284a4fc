package com.seglamater.hivemind.server.net;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClientIpResolverTest {

    /** Trusted: loopback and a private proxy tier, IPv4 and IPv6, parsed the way the server configures them. */
    private static final ClientIpResolver RESOLVER = resolver("127.0.0.1/32,::1/128,10.0.0.0/8,fd00::/8");

    private static ClientIpResolver resolver(String trustedProxies) {
        try {
            return new ClientIpResolver(ServerConfig.from(Map.of(ServerConfig.TRUSTED_PROXIES, trustedProxies))
                    .trustedProxies());
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    /** Tests only pass literals here, so this never looks anything up. */
    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A dual-stack socket's view of an IPv4 peer: an Inet6Address holding ::ffff:a.b.c.d. */
    private static InetAddress mappedIpv6(int a, int b, int c, int d) throws UnknownHostException {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        bytes[12] = (byte) a;
        bytes[13] = (byte) b;
        bytes[14] = (byte) c;
        bytes[15] = (byte) d;
        return Inet6Address.getByAddress(null, bytes, -1);
    }

    private static InetAddress clientVia(String peer, String... xForwardedFor) {
        return RESOLVER.resolve(ip(peer), List.of(xForwardedFor), List.of(), List.of()).clientIp();
    }

    private static boolean https(String peer, String... xForwardedProto) {
        return RESOLVER.resolve(ip(peer), List.of(), List.of(), List.of(xForwardedProto)).https();
    }

    @Test
    void untrustedPeerForgingEveryHeaderIsIgnored() {
        ForwardedInfo info = RESOLVER.resolve(ip("203.0.113.9"),
                List.of("198.51.100.7, 10.0.0.1"), List.of("198.51.100.8"), List.of("https"));

        assertThat(info).isEqualTo(new ForwardedInfo(ip("203.0.113.9"), false, false));
    }

    @Test
    void untrustedPeerIsTheClientEvenWhenItClaimsToBeBehindATrustedProxy() {
        assertThat(clientVia("203.0.113.9", "127.0.0.1")).isEqualTo(ip("203.0.113.9"));
        assertThat(RESOLVER.resolve(ip("203.0.113.9"), List.of(), List.of("127.0.0.1"), List.of()).clientIp())
                .isEqualTo(ip("203.0.113.9"));
    }

    @Test
    void trustedProxyInFrontGivesTheAddressItForwarded() {
        ForwardedInfo info = RESOLVER.resolve(ip("127.0.0.1"), List.of("198.51.100.7"), List.of(), List.of());

        assertThat(info).isEqualTo(new ForwardedInfo(ip("198.51.100.7"), true, false));
    }

    @Test
    void trustedPeerWithoutForwardingHeadersIsItselfTheClient() {
        ForwardedInfo info = RESOLVER.resolve(ip("10.0.0.3"), List.of(), List.of(), List.of());

        assertThat(info).isEqualTo(new ForwardedInfo(ip("10.0.0.3"), true, false));
    }

    @Test
    void chainOfTrustedProxiesIsSkippedFromTheRight() {
        assertThat(clientVia("10.0.0.3", "198.51.100.7, 10.0.0.1, 10.0.0.2")).isEqualTo(ip("198.51.100.7"));
    }

    @Test
    void entriesTheClientPrependedAreNotBelieved() {
        // The client sent "X-Forwarded-For: 6.6.6.6"; our proxies appended the real address and their own.
        assertThat(clientVia("10.0.0.3", "6.6.6.6, 198.51.100.7, 10.0.0.1")).isEqualTo(ip("198.51.100.7"));
        // Claiming to be a trusted proxy does not help either: the real address is untrusted and nearer.
        assertThat(clientVia("10.0.0.3", "10.9.9.9, 198.51.100.7")).isEqualTo(ip("198.51.100.7"));
    }

    @Test
    void chainOfOnlyTrustedProxiesGivesTheLeftmost() {
        assertThat(clientVia("127.0.0.1", "10.0.0.5, 10.0.0.1, 10.0.0.2")).isEqualTo(ip("10.0.0.5"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "evil.example", "localhost", "unknown", "_hidden", "fe80::1%eth0",
            "[fe80::1%eth0]", "[fe80::1%eth0]:80", "1.2.3.4:99999", "1.2.3.4:", "1.2.3.4:http", "[::1", "[::1]80",
            "[::1]:", "[1.2.3.4]", "01.2.3.4", "1.2.3", "256.1.1.1", "1.2.3.4 5.6.7.8", ".:", "::g", "\"1.2.3.4\""})
    void malformedEntryStopsTheWalkAtTheNearestAddress(String malformed) {
        // 1.1.1.1 lies left of the bad entry, so it cannot be believed; the proxy right of it is the client.
        assertThat(clientVia("127.0.0.1", "1.1.1.1, " + malformed + ", 10.0.0.1")).isEqualTo(ip("10.0.0.1"));
    }

    @Test
    void malformedRightmostEntryLeavesThePeerAsTheClient() {
        assertThat(clientVia("127.0.0.1", "198.51.100.7, evil.example")).isEqualTo(ip("127.0.0.1"));
        assertThat(clientVia("127.0.0.1", "198.51.100.7,")).isEqualTo(ip("127.0.0.1"));
        // A present but unusable X-Forwarded-For does not fall back to X-Real-IP.
        assertThat(RESOLVER.resolve(ip("127.0.0.1"), List.of("bogus"), List.of("198.51.100.8"), List.of())
                .clientIp()).isEqualTo(ip("127.0.0.1"));
    }

    @Test
    void entriesMayCarryPortsAndBrackets() {
        assertThat(clientVia("127.0.0.1", "198.51.100.7:5678")).isEqualTo(ip("198.51.100.7"));
        assertThat(clientVia("127.0.0.1", "[2001:db8::1]:443")).isEqualTo(ip("2001:db8::1"));
        assertThat(clientVia("127.0.0.1", "[2001:db8::1]")).isEqualTo(ip("2001:db8::1"));
        assertThat(clientVia("127.0.0.1", " 2001:db8::1 ")).isEqualTo(ip("2001:db8::1"));
        // A trusted proxy written with a port is still recognised and skipped.
        assertThat(clientVia("127.0.0.1", "198.51.100.7, 10.0.0.1:8080, [fd00::1]:443"))
                .isEqualTo(ip("198.51.100.7"));
    }

    @Test
    void ipv6PeersAndCidrsAreHonoured() {
        assertThat(clientVia("::1", "198.51.100.7")).isEqualTo(ip("198.51.100.7"));
        assertThat(clientVia("fd00::5", "2001:db8::7, fd00::1, 10.0.0.1")).isEqualTo(ip("2001:db8::7"));
        assertThat(clientVia("2001:db8::66", "198.51.100.7")).isEqualTo(ip("2001:db8::66"));
        assertThat(RESOLVER.trusted(ip("fdff:ffff::1"))).isTrue();
        assertThat(RESOLVER.trusted(ip("fe00::1"))).isFalse();
    }

    @Test
    void ipv4MappedPeerMatchesAnIpv4Cidr() throws UnknownHostException {
        InetAddress peer = mappedIpv6(10, 0, 0, 3);
        assertThat(peer).isInstanceOf(Inet6Address.class);

        assertThat(RESOLVER.trusted(peer)).isTrue();
        ForwardedInfo info = RESOLVER.resolve(peer, List.of("198.51.100.7"), List.of(), List.of("https"));
        assertThat(info).isEqualTo(new ForwardedInfo(ip("198.51.100.7"), true, true));
    }

    @Test
    void ipv4MappedUntrustedPeerIsReportedAsIpv4() throws UnknownHostException {
        ForwardedInfo info = RESOLVER.resolve(mappedIpv6(203, 0, 113, 9), List.of("198.51.100.7"), List.of(),
                List.of());

        assertThat(info.peerTrusted()).isFalse();
        assertThat(info.clientIp()).isInstanceOf(Inet4Address.class).isEqualTo(ip("203.0.113.9"));
    }

    @Test
    void ipv4MappedEntriesAreComparedAsIpv4() {
        assertThat(clientVia("127.0.0.1", "198.51.100.7, ::ffff:10.0.0.1, [::ffff:10.0.0.2]:80"))
                .isEqualTo(ip("198.51.100.7"));
        assertThat(clientVia("127.0.0.1", "::ffff:198.51.100.7")).isInstanceOf(Inet4Address.class)
                .isEqualTo(ip("198.51.100.7"));
    }

    @Test
    void multipleHeaderLinesAreJoinedInOrder() {
        assertThat(clientVia("10.0.0.3", "198.51.100.7", "10.0.0.1, 10.0.0.2")).isEqualTo(ip("198.51.100.7"));
        // The rightmost line was appended last, by the nearest proxy.
        assertThat(clientVia("10.0.0.3", "198.51.100.7", "203.0.113.5")).isEqualTo(ip("203.0.113.5"));
        assertThat(clientVia("10.0.0.3", "6.6.6.6", "198.51.100.7", "10.0.0.1")).isEqualTo(ip("198.51.100.7"));
    }

    @Test
    void realIpIsUsedOnlyWhenForwardedForIsAbsent() {
        InetAddress peer = ip("127.0.0.1");
        assertThat(RESOLVER.resolve(peer, List.of(), List.of("198.51.100.8"), List.of()).clientIp())
                .isEqualTo(ip("198.51.100.8"));
        assertThat(RESOLVER.resolve(peer, List.of(" "), List.of(" 198.51.100.8 "), List.of()).clientIp())
                .isEqualTo(ip("198.51.100.8"));
        assertThat(RESOLVER.resolve(peer, List.of("203.0.113.5"), List.of("198.51.100.8"), List.of()).clientIp())
                .isEqualTo(ip("203.0.113.5"));
    }

    @Test
    void realIpSentAsTwoLinesIsNotBelievedBecauseTheClientsForgedOneMayBeEither() {
        assertThat(RESOLVER.resolve(ip("127.0.0.1"), List.of(), List.of("198.51.100.8", "203.0.113.5"), List.of())
                .clientIp()).isEqualTo(ip("127.0.0.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not-an-ip", "evil.example", "198.51.100.8, 203.0.113.5", "fe80::1%eth0",
            "198.51.100.8 x"})
    void malformedRealIpIsIgnored(String realIp) {
        assertThat(RESOLVER.resolve(ip("127.0.0.1"), List.of(), List.of(realIp), List.of()).clientIp())
                .isEqualTo(ip("127.0.0.1"));
    }

    @Test
    void httpsIsTheLastForwardedProtoFromATrustedPeer() {
        assertThat(https("127.0.0.1", "https")).isTrue();
        assertThat(https("127.0.0.1", " HTTPS ")).isTrue();
        assertThat(https("127.0.0.1", "http, https")).isTrue();
        assertThat(https("127.0.0.1", "http", "https")).isTrue();
        assertThat(https("127.0.0.1", "https, http")).isFalse();
        assertThat(https("127.0.0.1", "https", "http")).isFalse();
        assertThat(https("127.0.0.1", "http")).isFalse();
        assertThat(https("127.0.0.1", "https,")).isFalse();
        assertThat(https("127.0.0.1")).isFalse();
    }

    @Test
    void httpsClaimFromAnUntrustedPeerIsIgnored() {
        assertThat(https("203.0.113.9", "https")).isFalse();
        assertThat(https("2001:db8::66", "https")).isFalse();
    }

    @Test
    void onlyTheRightmostSixtyFourEntriesAreConsidered() {
        // 1000 trusted proxies behind a forged client: the walk stops at the 64th from the right.
        List<String> entries = new ArrayList<>(List.of("6.6.6.6"));
        for (int i = 0; i < 1000; i++) {
            entries.add("10.0." + (i / 256) + "." + (i % 256));
        }
        InetAddress sixtyFourth = ip("10.0.3.168"); // entry 936 = 1000 - 64

        assertThat(clientVia("127.0.0.1", String.join(", ", entries))).isEqualTo(sixtyFourth);
        assertThat(clientVia("127.0.0.1", entries.toArray(String[]::new))).isEqualTo(sixtyFourth);
    }

    @Test
    void hugeHeaderIsBoundedAndKeepsTheNearestClient() {
        String forged = "6.6.6.6,".repeat(200_000);
        assertThat(clientVia("127.0.0.1", forged + "198.51.100.7, 10.0.0.1")).isEqualTo(ip("198.51.100.7"));
        assertThat(clientVia("127.0.0.1", "x".repeat(1_000_000))).isEqualTo(ip("127.0.0.1"));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            lines.add("6.6.6.6");
        }
        lines.add("10.0.0.1");
        assertThat(RESOLVER.resolve(ip("127.0.0.1"), lines, List.of(), List.of()).clientIp())
                .isEqualTo(ip("6.6.6.6"));
    }

    @Test
    void entryCutByTheEightKibBoundIsNotBelieved() {
        // Padding makes the one trusted entry fill the bound but seven characters; "111.1.1.1" is cut to
        // "1.1.1.1", which must not be taken for a whole address.
        String trusted = "," + " ".repeat(8192 - 7 - 1 - "10.0.0.1".length()) + "10.0.0.1";
        assertThat(clientVia("127.0.0.1", "111.1.1.1" + trusted)).isEqualTo(ip("10.0.0.1"));

        // An entry that ends exactly at the bound is whole and still believed.
        String tail = "," + " ".repeat(8192 - "198.51.100.7".length() - 1 - "10.0.0.1".length()) + "10.0.0.1";
        assertThat(clientVia("127.0.0.1", "6.6.6.6,198.51.100.7" + tail)).isEqualTo(ip("198.51.100.7"));
    }
}
