package com.seglamater.hivemind.server.origin;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PublicOrigins#originAllowed} without {@code HIVEMIND_PUBLIC_URL}: the Origin header
 * against the Host the browser sent (the CSRF check's first layer, as before the variable existed).
 */
class OriginWithoutPublicUrlTest {

    private static boolean sameOrigin(String origin, String host) {
        return PublicOrigins.none().originAllowed(origin, host, false);
    }

    @Test
    void overHttpsAsATrustedProxySaysTheOriginMustBeHttpsToo() {
        assertThat(PublicOrigins.none().originAllowed("https://hivemind.example.org", "hivemind.example.org", true)).isTrue();
        assertThat(PublicOrigins.none().originAllowed("http://hivemind.example.org", "hivemind.example.org", true)).isFalse();
    }

    @Test
    void sameHostAndPortMatches() {
        assertThat(sameOrigin("http://127.0.0.1:8585", "127.0.0.1:8585")).isTrue();
        assertThat(sameOrigin("https://hivemind.example.org:8443", "hivemind.example.org:8443")).isTrue();
    }

    @Test
    void defaultPortsMatchAHostWithoutPortAndTheExplicitDefault() {
        assertThat(sameOrigin("https://hivemind.example.org", "hivemind.example.org")).isTrue();
        assertThat(sameOrigin("http://hivemind.example.org", "hivemind.example.org")).isTrue();
        assertThat(sameOrigin("https://hivemind.example.org", "hivemind.example.org:443")).isTrue();
        assertThat(sameOrigin("http://hivemind.example.org", "hivemind.example.org:80")).isTrue();
        assertThat(sameOrigin("https://hivemind.example.org:443", "hivemind.example.org")).isTrue();
    }

    @Test
    void theDefaultPortOfTheSchemeIsNotAnyOtherPort() {
        assertThat(sameOrigin("https://hivemind.example.org", "hivemind.example.org:80")).isFalse();
        assertThat(sameOrigin("http://hivemind.example.org", "hivemind.example.org:443")).isFalse();
        assertThat(sameOrigin("https://hivemind.example.org", "hivemind.example.org:8443")).isFalse();
    }

    @Test
    void anExplicitNonDefaultPortMustBeInTheHost() {
        assertThat(sameOrigin("http://127.0.0.1:8585", "127.0.0.1")).isFalse();
        assertThat(sameOrigin("http://127.0.0.1:8585", "127.0.0.1:8586")).isFalse();
        assertThat(sameOrigin("http://127.0.0.1", "127.0.0.1:8585")).isFalse();
    }

    @Test
    void anotherHostDoesNotMatch() {
        assertThat(sameOrigin("https://evil.example", "hivemind.example.org")).isFalse();
        assertThat(sameOrigin("https://hivemind.example.org.evil.example", "hivemind.example.org")).isFalse();
        assertThat(sameOrigin("https://evil.example", "evil.example.hivemind.example.org")).isFalse();
        assertThat(sameOrigin("http://localhost:8585", "127.0.0.1:8585")).isFalse();
    }

    @Test
    void hostComparisonIgnoresCase() {
        assertThat(sameOrigin("HTTPS://Hivemind.Example.ORG", "hivemind.example.org")).isTrue();
        assertThat(sameOrigin("https://hivemind.example.org", "HIVEMIND.example.org:443")).isTrue();
    }

    @Test
    void ipv6LiteralsMatchWithBrackets() {
        assertThat(sameOrigin("http://[::1]:8585", "[::1]:8585")).isTrue();
        assertThat(sameOrigin("http://[::1]", "[::1]")).isTrue();
        assertThat(sameOrigin("https://[2001:db8::1]", "[2001:db8::1]:443")).isTrue();
        assertThat(sameOrigin("http://[::1]:8585", "[::1]:8586")).isFalse();
        assertThat(sameOrigin("http://[::2]:8585", "[::1]:8585")).isFalse();
    }

    @Test
    void theNullOriginIsRefused() {
        // Sandboxed iframes, file: pages and some redirects send "Origin: null".
        assertThat(sameOrigin("null", "127.0.0.1:8585")).isFalse();
        assertThat(sameOrigin("null", "null")).isFalse();
    }

    @Test
    void malformedOriginsAreRefused() {
        assertThat(sameOrigin("", "127.0.0.1:8585")).isFalse();
        assertThat(sameOrigin("not an origin", "127.0.0.1:8585")).isFalse();
        assertThat(sameOrigin("127.0.0.1:8585", "127.0.0.1:8585")).isFalse();
        assertThat(sameOrigin("//127.0.0.1:8585", "127.0.0.1:8585")).isFalse();
        assertThat(sameOrigin("http://", "127.0.0.1:8585")).isFalse();
        assertThat(sameOrigin("http://[::1", "[::1]")).isFalse();
        assertThat(sameOrigin("http://127.0.0.1:port", "127.0.0.1:8585")).isFalse();
    }

    @Test
    void aMissingHostIsRefused() {
        assertThat(sameOrigin("http://127.0.0.1:8585", "")).isFalse();
        assertThat(sameOrigin("http://127.0.0.1:8585", (String) null)).isFalse();
    }
}
