package com.seglamater.hivemind.server.net;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written IPv4 check runs on every request: it must accept exactly the dotted quads. */
class IpAddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "127.0.0.1", "255.255.255.255", "10.0.0.9", "172.30.85.1", "199.249.100.1"})
    void dottedQuadsAreIpv4Literals(String text) {
        assertThat(IpAddresses.isIpv4Literal(text)).isTrue();
        assertThat(IpAddresses.parseLiteral(text)).isNotNull();
        assertThat(IpAddresses.parseLiteral(text).getHostAddress()).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "1", "1.2.3", "1.2.3.4.", "1.2.3.4.5", ".1.2.3.4", "1..2.3", "256.1.1.1",
            "1.2.3.256", "300.1.1.1", "1000.1.1.1", "01.2.3.4", "1.2.3.04", "00.0.0.0", "1.2.3.4 ", " 1.2.3.4",
            "1.2.3.a", "a.b.c.d", "1.2.3.4:80", "1,2,3,4", "１.2.3.4", "-1.2.3.4", "localhost", "::1"})
    void anythingElseIsNot(String text) {
        assertThat(IpAddresses.isIpv4Literal(text)).as(text).isFalse();
    }
}
