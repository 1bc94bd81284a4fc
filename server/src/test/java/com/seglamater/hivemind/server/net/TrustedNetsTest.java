package com.seglamater.hivemind.server.net;

import com.seglamater.hivemind.model.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedNetsTest {

    private static TrustedNets nets(String list) throws ConfigException {
        return TrustedNets.parse("V", list);
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    /** An IPv4-mapped address kept as IPv6, as InetAddress.getByName would not keep it. */
    private static InetAddress mapped(int a, int b, int c, int d) throws UnknownHostException {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        bytes[12] = (byte) a;
        bytes[13] = (byte) b;
        bytes[14] = (byte) c;
        bytes[15] = (byte) d;
        return Inet6Address.getByAddress(null, bytes, -1);
    }

    @Test
    void ipv4NetworkContainsItsFirstAndLastAddressButNotTheNeighbours() throws Exception {
        TrustedNets nets = nets("172.17.0.0/16");
        assertThat(nets.contains(ip("172.17.0.0"))).isTrue();
        assertThat(nets.contains(ip("172.17.255.255"))).isTrue();
        assertThat(nets.contains(ip("172.16.255.255"))).isFalse();
        assertThat(nets.contains(ip("172.18.0.0"))).isFalse();
    }

    @Test
    void singleHostNetworkContainsOnlyThatHost() throws Exception {
        TrustedNets nets = nets("127.0.0.1/32");
        assertThat(nets.contains(ip("127.0.0.1"))).isTrue();
        assertThat(nets.contains(ip("127.0.0.2"))).isFalse();
        assertThat(nets.contains(ip("127.0.0.0"))).isFalse();
    }

    @Test
    void ipv6LoopbackAndUniqueLocalNetworks() throws Exception {
        TrustedNets nets = nets("::1/128, fd00::/8");
        assertThat(nets.contains(ip("::1"))).isTrue();
        assertThat(nets.contains(ip("::2"))).isFalse();
        assertThat(nets.contains(ip("fd00::"))).isTrue();
        assertThat(nets.contains(ip("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))).isTrue();
        assertThat(nets.contains(ip("fc00::1"))).isFalse();
        assertThat(nets.contains(ip("fe00::"))).isFalse();
    }

    @Test
    void ipv4NetworkDoesNotContainIpv6AddressesAndViceVersa() throws Exception {
        assertThat(nets("127.0.0.1/32").contains(ip("::1"))).isFalse();
        assertThat(nets("::1/128").contains(ip("127.0.0.1"))).isFalse();
    }

    @Test
    void ipv4MappedPeerMatchesIpv4Network() throws Exception {
        TrustedNets nets = nets("10.0.0.0/8");
        assertThat(nets.contains(mapped(10, 0, 0, 0))).isTrue();
        assertThat(nets.contains(mapped(10, 255, 255, 255))).isTrue();
        assertThat(nets.contains(mapped(11, 0, 0, 0))).isFalse();
        assertThat(nets.contains(mapped(9, 255, 255, 255))).isFalse();
    }

    @Test
    void ipv4MappedNetworkMatchesIpv4AndMappedPeers() throws Exception {
        TrustedNets nets = nets("::ffff:10.0.0.0/104");
        assertThat(nets.cidrs().getFirst()).hasToString("10.0.0.0/8");
        assertThat(nets.contains(ip("10.1.2.3"))).isTrue();
        assertThat(nets.contains(mapped(10, 1, 2, 3))).isTrue();
        assertThat(nets.contains(ip("11.0.0.0"))).isFalse();
        assertThat(nets("::ffff:127.0.0.1/128").contains(ip("127.0.0.1"))).isTrue();
    }

    @Test
    void ipv4MappedNetworkWithPrefixShorterThan96IsRefused() {
        assertThatThrownBy(() -> nets("::ffff:0:0/95"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("V: '::ffff:0:0/95' is IPv4-mapped and needs a prefix of /96 or more");
    }

    @Test
    void addressMerelyStartingLikeMappedIsNotUnmapped() throws Exception {
        // ::1:ffff:a00:1 has a non-zero word before ffff: a plain IPv6 address, not 10.0.0.1.
        assertThat(nets("10.0.0.0/8").contains(ip("::1:ffff:a00:1"))).isFalse();
    }

    @Test
    void nullPeerIsNeverTrusted() throws Exception {
        assertThat(nets("10.0.0.0/8").contains(null)).isFalse();
    }

    @Test
    void blankListTrustsNobody() throws Exception {
        TrustedNets nets = nets("  ");
        assertThat(nets.isEmpty()).isTrue();
        assertThat(nets.contains(ip("127.0.0.1"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.1/8", "abc", "10.0.0.0", "10.0.0.0/", "10.0.0.0/-1",
            "::1/129", "fd00::1/8", "300.0.0.0/8", "example.com/32", "10.0.0.0/8,,::1/128", "10.0.0.0/8,"})
    void malformedListsAreRefusedOnOneLineNamingTheVariable(String list) {
        assertThatThrownBy(() -> nets(list))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith("V: ").doesNotContain("\n"));
    }

    @Test
    void hostBitsAreRefusedNamingTheCidr() {
        assertThatThrownBy(() -> nets("127.0.0.1/32,10.0.0.1/8"))
                .hasMessage("V: '10.0.0.1/8' has host bits set beyond the /8 prefix");
    }

    @Test
    void emptyEntryIsRefused() {
        assertThatThrownBy(() -> nets("10.0.0.0/8,,::1/128"))
                .hasMessage("V: '10.0.0.0/8,,::1/128' has an empty entry");
    }

    @Test
    void everyoneIsFoundForEachFamilyAndMappedForm() throws Exception {
        assertThat(nets("10.0.0.0/8,0.0.0.0/0").everyone()).isPresent();
        assertThat(nets("::/0").everyone()).isPresent();
        assertThat(nets("::ffff:0:0/96").everyone()).isPresent();
        assertThat(nets("10.0.0.0/8,::1/128").everyone()).isEmpty();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"::/0,::/0", "::1/128,::1/128", "fe80::/10,fe80::/10",
            "2001:db8:0:0:1:0:0:1/128,2001:db8::1:0:0:1/128", "2001:db8:0:1:0:0:0:0/64,2001:db8:0:1::/64",
            "2001:0DB8:0:0:0:0:0:0/32,2001:db8::/32", "1:0:1:0:1:0:1:0/128,1:0:1:0:1:0:1:0/128",
            "0:0:1:0:0:0:1:0/128,0:0:1::1:0/128"})
    void ipv6NetworksAreShownAsRfc5952WritesThem(String cidr, String shown) throws Exception {
        assertThat(TrustedNets.parse("V", cidr).toString()).isEqualTo(shown);
    }
}
