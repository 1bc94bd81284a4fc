package com.seglamater.hivemind.server.sso;

import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading the proxy's identity headers into an {@link Identity}: what is taken, what is refused. */
class IdentityTest {

    private static ForwardAuthSettings settings(String... env) throws Exception {
        Map<String, String> vars = new java.util.HashMap<>(Map.of("HIVEMIND_FORWARD_AUTH", "true",
                "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS", "127.0.0.1/32"));
        for (int i = 0; i < env.length; i += 2) {
            vars.put(env[i], env[i + 1]);
        }
        return ForwardAuthSettings.from(vars);
    }

    private static WritableHeaders<?> headers(String... pairs) {
        WritableHeaders<?> headers = WritableHeaders.create();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.add(HeaderNames.create(pairs[i]), pairs[i + 1]);
        }
        return headers;
    }

    @Test
    void allFourAuthentikHeadersAreRead() throws Exception {
        Identity who = Identity.read(headers("X-Authentik-Username", " alice ", "X-Authentik-Email", "a@example.com",
                "X-Authentik-Name", "Alice L", "X-Authentik-Groups", "staff| hivemind-admin |staff"), settings()).orElseThrow();
        assertThat(who.username()).isEqualTo("alice");
        assertThat(who.email()).contains("a@example.com");
        assertThat(who.displayName()).contains("Alice L");
        assertThat(who.groups()).containsExactly("staff", "hivemind-admin");
        assertThat(who.unreadable()).isEmpty();
    }

    @Test
    void headerNamesAreMatchedWithoutRegardToCase() throws Exception {
        Identity who = Identity.read(headers("x-authentik-username", "bob", "X-AUTHENTIK-GROUPS", "hivemind-user"),
                settings()).orElseThrow();
        assertThat(who.username()).isEqualTo("bob");
        assertThat(who.groups()).containsExactly("hivemind-user");
    }

    @Test
    void anAbsentOrBlankUserHeaderIsNoIdentity() throws Exception {
        assertThat(Identity.read(headers("X-Authentik-Groups", "hivemind-admin"), settings())).isEmpty();
        assertThat(Identity.read(headers("X-Authentik-Username", "  ", "X-Authentik-Groups", "hivemind-admin"),
                settings())).isEmpty();
    }

    @Test
    void absentOptionalHeadersGiveNothingRatherThanEmptyValues() throws Exception {
        Identity who = Identity.read(headers("X-Authentik-Username", "carol", "X-Authentik-Email", ""), settings())
                .orElseThrow();
        assertThat(who.email()).isEmpty();
        assertThat(who.displayName()).isEmpty();
        assertThat(who.groups()).isEmpty();
    }

    @Test
    void theOverriddenHeadersOfAPresetAreTheOnesRead() throws Exception {
        ForwardAuthSettings oauth2 = settings("HIVEMIND_FORWARD_AUTH_PRESET", "oauth2-proxy",
                "HIVEMIND_FORWARD_AUTH_USER_HEADER", "X-Auth-Request-Preferred-Username");
        Identity who = Identity.read(headers("X-Auth-Request-Preferred-Username", "dave",
                "X-Forwarded-Preferred-Username", "mallory", "X-Forwarded-Groups", "a,hivemind-user",
                "X-Authentik-Name", "Not Read"), oauth2).orElseThrow();
        assertThat(who.username()).isEqualTo("dave");
        assertThat(who.groups()).containsExactly("a", "hivemind-user");
        assertThat(who.displayName()).as("oauth2-proxy has no name header").isEmpty();
    }

    @Test
    void pomeriumsEmailClaimIsBothUserAndEmail() throws Exception {
        Identity who = Identity.read(headers("X-Pomerium-Claim-Email", "erin@example.com",
                "X-Pomerium-Claim-Groups", "hivemind-user"), settings("HIVEMIND_FORWARD_AUTH_PRESET", "pomerium"))
                .orElseThrow();
        assertThat(who.username()).isEqualTo("erin@example.com");
        assertThat(who.email()).contains("erin@example.com");
    }

    @Test
    void aRepeatedUserOrEmailHeaderIsRefused() throws Exception {
        WritableHeaders<?> twice = headers("X-Authentik-Username", "frank");
        twice.add(HeaderNames.create("X-Authentik-Username"), "hivemind-admin");
        assertThatThrownBy(() -> Identity.read(twice, settings()))
                .isInstanceOf(Identity.InvalidException.class)
                .hasMessage("the identity header X-Authentik-Username from the proxy was sent 2 times: an identity must be one value");

        WritableHeaders<?> emails = headers("X-Authentik-Username", "frank", "X-Authentik-Email", "a@example.com");
        emails.add(HeaderNames.create("X-Authentik-Email"), "b@example.com");
        assertThatThrownBy(() -> Identity.read(emails, settings())).isInstanceOf(Identity.InvalidException.class)
                .hasMessageContaining("X-Authentik-Email");
    }

    @Test
    void aRepeatedGroupsHeaderIsRefusedAndALongOneBounded() throws Exception {
        // A proxy appending its line to the client's would otherwise grant what the client wrote.
        WritableHeaders<?> lines = headers("X-Authentik-Username", "gina", "X-Authentik-Groups", "a|b");
        lines.add(HeaderNames.create("X-Authentik-Groups"), "hivemind-admin");
        assertThatThrownBy(() -> Identity.read(lines, settings())).isInstanceOf(Identity.InvalidException.class)
                .hasMessageContaining("X-Authentik-Groups from the proxy was sent 2 times");

        assertThatThrownBy(() -> Identity.read(headers("X-Authentik-Username", "gina", "X-Authentik-Groups",
                "g|".repeat(4097)), settings())).isInstanceOf(Identity.InvalidException.class)
                .hasMessageContaining("X-Authentik-Groups from the proxy has more than 8192 characters");
    }

    @Test
    void anUnfilledCaddyPlaceholderCountsAsAbsent() throws Exception {
        // Caddy 2.6's copy_headers writes the placeholder itself when the auth answer lacks the header.
        Identity who = Identity.read(headers("X-Authentik-Username", "hank",
                "X-Authentik-Email", "{http.reverse_proxy.header.X-Authentik-Email}",
                "X-Authentik-Groups", "{http.reverse_proxy.header.X-Authentik-Groups}"), settings()).orElseThrow();
        assertThat(who.email()).isEmpty();
        assertThat(who.groups()).isEmpty();
        assertThat(Identity.read(headers("X-Authentik-Username", "{http.reverse_proxy.header.X-Authentik-Username}"),
                settings())).isEmpty();
    }

    @Test
    void anInvalidUsernameOrEmailOrNameIsRefusedNamingTheHeader() throws Exception {
        assertThatThrownBy(() -> Identity.read(headers("X-Authentik-Username", "anonymous"), settings()))
                .isInstanceOf(Identity.InvalidException.class).hasMessageContaining("X-Authentik-Username")
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> Identity.read(headers("X-Authentik-Username", "h", "X-Authentik-Email", "nope"),
                settings())).hasMessageContaining("X-Authentik-Email");
        assertThatThrownBy(() -> Identity.read(headers("X-Authentik-Username", "h", "X-Authentik-Name",
                "n".repeat(200)), settings())).hasMessageContaining("X-Authentik-Name");
        Identity.InvalidException e = org.junit.jupiter.api.Assertions.assertThrows(Identity.InvalidException.class,
                () -> Identity.read(headers("X-Authentik-Username", "x".repeat(100)), settings()));
        assertThat(e.username()).hasSize(65).endsWith("…");
    }

    @Test
    void aValueHoldingBytesBeyondAsciiIsNotTaken() throws Exception {
        // What the HTTP layer hands over for "José": each byte beyond ASCII as U+FFFD.
        Identity who = Identity.read(headers("X-Authentik-Username", "jose", "X-Authentik-Name", "Jos\uFFFD\uFFFD",
                "X-Authentik-Email", "jos\uFFFD@example.com"), settings()).orElseThrow();
        assertThat(who.displayName()).isEmpty();
        assertThat(who.email()).isEmpty();
        assertThat(who.unreadable()).containsExactly("X-Authentik-Email", "X-Authentik-Name");
        assertThatThrownBy(() -> Identity.read(headers("X-Authentik-Username", "jos\uFFFD"), settings()))
                .isInstanceOf(Identity.InvalidException.class);
    }
}
