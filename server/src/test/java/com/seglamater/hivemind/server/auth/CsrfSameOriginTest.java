package com.seglamater.hivemind.server.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Csrf#sameOrigin(String, String)}: the Origin header against the Host the browser sent. */
class CsrfSameOriginTest {

    @Test
    void sameHostAndPortMatches() {
        assertThat(Csrf.sameOrigin("http://127.0.0.1:8585", "127.0.0.1:8585")).isTrue();
        assertThat(Csrf.sameOrigin("https://hivemind.example.org:8443", "hivemind.example.org:8443")).isTrue();
    }

    @Test
    void defaultPortsMatchAHostWithoutPortAndTheExplicitDefault() {
        assertThat(Csrf.sameOrigin("https://hivemind.example.org", "hivemind.example.org")).isTrue();
        assertThat(Csrf.sameOrigin("http://hivemind.example.org", "hivemind.example.org")).isTrue();
        assertThat(Csrf.sameOrigin("https://hivemind.example.org", "hivemind.example.org:443")).isTrue();
        assertThat(Csrf.sameOrigin("http://hivemind.example.org", "hivemind.example.org:80")).isTrue();
        assertThat(Csrf.sameOrigin("https://hivemind.example.org:443", "hivemind.example.org")).isTrue();
    }

    @Test
    void theDefaultPortOfTheSchemeIsNotAnyOtherPort() {
        assertThat(Csrf.sameOrigin("https://hivemind.example.org", "hivemind.example.org:80")).isFalse();
        assertThat(Csrf.sameOrigin("http://hivemind.example.org", "hivemind.example.org:443")).isFalse();
        assertThat(Csrf.sameOrigin("https://hivemind.example.org", "hivemind.example.org:8443")).isFalse();
    }

    @Test
    void anExplicitNonDefaultPortMustBeInTheHost() {
        assertThat(Csrf.sameOrigin("http://127.0.0.1:8585", "127.0.0.1")).isFalse();
        assertThat(Csrf.sameOrigin("http://127.0.0.1:8585", "127.0.0.1:8586")).isFalse();
        assertThat(Csrf.sameOrigin("http://127.0.0.1", "127.0.0.1:8585")).isFalse();
    }

    @Test
    void anotherHostDoesNotMatch() {
        assertThat(Csrf.sameOrigin("https://evil.example", "hivemind.example.org")).isFalse();
        assertThat(Csrf.sameOrigin("https://hivemind.example.org.evil.example", "hivemind.example.org")).isFalse();
        assertThat(Csrf.sameOrigin("https://evil.example", "evil.example.hivemind.example.org")).isFalse();
        assertThat(Csrf.sameOrigin("http://localhost:8585", "127.0.0.1:8585")).isFalse();
    }

    @Test
    void hostComparisonIgnoresCase() {
        assertThat(Csrf.sameOrigin("HTTPS://Hivemind.Example.ORG", "hivemind.example.org")).isTrue();
        assertThat(Csrf.sameOrigin("https://hivemind.example.org", "HIVEMIND.example.org:443")).isTrue();
    }

    @Test
    void ipv6LiteralsMatchWithBrackets() {
        assertThat(Csrf.sameOrigin("http://[::1]:8585", "[::1]:8585")).isTrue();
        assertThat(Csrf.sameOrigin("http://[::1]", "[::1]")).isTrue();
        assertThat(Csrf.sameOrigin("https://[2001:db8::1]", "[2001:db8::1]:443")).isTrue();
        assertThat(Csrf.sameOrigin("http://[::1]:8585", "[::1]:8586")).isFalse();
        assertThat(Csrf.sameOrigin("http://[::2]:8585", "[::1]:8585")).isFalse();
    }

    @Test
    void theNullOriginIsRefused() {
        // Sandboxed iframes, file: pages and some redirects send "Origin: null".
        assertThat(Csrf.sameOrigin("null", "127.0.0.1:8585")).isFalse();
        assertThat(Csrf.sameOrigin("null", "null")).isFalse();
    }

    @Test
    void malformedOriginsAreRefused() {
        assertThat(Csrf.sameOrigin("", "127.0.0.1:8585")).isFalse();
        assertThat(Csrf.sameOrigin("not an origin", "127.0.0.1:8585")).isFalse();
        assertThat(Csrf.sameOrigin("127.0.0.1:8585", "127.0.0.1:8585")).isFalse();
        assertThat(Csrf.sameOrigin("//127.0.0.1:8585", "127.0.0.1:8585")).isFalse();
        assertThat(Csrf.sameOrigin("http://", "127.0.0.1:8585")).isFalse();
        assertThat(Csrf.sameOrigin("http://[::1", "[::1]")).isFalse();
        assertThat(Csrf.sameOrigin("http://127.0.0.1:port", "127.0.0.1:8585")).isFalse();
    }

    @Test
    void aMissingHostIsRefused() {
        assertThat(Csrf.sameOrigin("http://127.0.0.1:8585", "")).isFalse();
        assertThat(Csrf.sameOrigin("http://127.0.0.1:8585", (String) null)).isFalse();
    }
}
