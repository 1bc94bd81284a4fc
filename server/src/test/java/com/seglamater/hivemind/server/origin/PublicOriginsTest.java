package com.seglamater.hivemind.server.origin;

import com.seglamater.hivemind.model.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link PublicOrigins} with {@code HIVEMIND_PUBLIC_URL} set: which Host and Origin values pass. */
class PublicOriginsTest {

    private static PublicOrigins origins(String value) throws ConfigException {
        return PublicOrigins.parse("HIVEMIND_PUBLIC_URL", Optional.of(value));
    }

    @Test
    void theConfiguredHostsPassWithOrWithoutTheirDefaultPort() throws Exception {
        PublicOrigins origins = origins("https://hivemind.example.org,http://intranet.example:8585");

        assertThat(origins.hostAllowed("hivemind.example.org")).isTrue();
        assertThat(origins.hostAllowed("HIVEMIND.example.org:443")).isTrue();
        assertThat(origins.hostAllowed("intranet.example:8585")).isTrue();
        assertThat(origins.hostAllowed("intranet.example")).as("port 80, not 8585").isFalse();
        assertThat(origins.hostAllowed("hivemind.example.org:80")).isFalse();
        assertThat(origins.hostAllowed("rebind.evil.example:8585")).isFalse();
        assertThat(origins.hostAllowed("hivemind.example.org.evil.example")).isFalse();
        assertThat(origins.hostAllowed(null)).isFalse();
        assertThat(origins.hostAllowed("")).isFalse();
    }

    @Test
    void loopbackHostsPassOnAnyPortAndLookAlikesDoNot() throws Exception {
        PublicOrigins origins = origins("https://hivemind.example.org");

        for (String host : new String[] {"127.0.0.1:8585", "127.0.0.1", "127.8.9.10:1", "localhost:8585", "LocalHost",
                "[::1]:8585", "[::1]", "[0:0:0:0:0:0:0:1]:1", "[::ffff:127.0.0.1]:8585"}) {
            assertThat(origins.hostAllowed(host)).as(host).isTrue();
        }
        for (String host : new String[] {"localhost.", "localhost.evil.example", "127.1", "0.0.0.0:8585", "[::]:8585",
                "[::2]", "127.0.0.1.nip.io", "user@127.0.0.1", "127.0.0.1:99999", "[::1", "127.0.0.1:x"}) {
            assertThat(origins.hostAllowed(host)).as(host).isFalse();
        }
    }

    @Test
    void withoutConfiguredOriginsEveryHostPasses() {
        assertThat(PublicOrigins.none().hostAllowed("rebind.evil.example:8585")).isTrue();
        assertThat(PublicOrigins.none().configured()).isFalse();
    }

    @Test
    void anOriginMustBeAConfiguredOneSchemeAndPortIncluded() throws Exception {
        PublicOrigins origins = origins("https://hivemind.example.org");
        String host = "hivemind.example.org";

        assertThat(origins.originAllowed("https://hivemind.example.org", host, false)).isTrue();
        assertThat(origins.originAllowed("https://hivemind.example.org:443", host, false)).isTrue();
        assertThat(origins.originAllowed("HTTPS://Hivemind.Example.ORG", host, false)).isTrue();
        assertThat(origins.originAllowed("http://hivemind.example.org", host, false)).as("scheme").isFalse();
        assertThat(origins.originAllowed("https://hivemind.example.org:8443", host, false)).isFalse();
        assertThat(origins.originAllowed("https://rebind.evil.example", "rebind.evil.example", false))
                .as("same-origin in the browser's eyes, but not ours").isFalse();
        assertThat(origins.originAllowed("null", host, false)).isFalse();
    }

    @Test
    void aLoopbackHostAcceptsItsOwnOriginOrAConfiguredOne() throws Exception {
        PublicOrigins origins = origins("https://hivemind.example.org");

        assertThat(origins.originAllowed("http://127.0.0.1:8585", "127.0.0.1:8585", false)).isTrue();
        assertThat(origins.originAllowed("http://localhost:8585", "localhost:8585", false)).isTrue();
        // A proxy that does not pass the browser's Host on (nginx's default).
        assertThat(origins.originAllowed("https://hivemind.example.org", "127.0.0.1:8585", true)).isTrue();
        assertThat(origins.originAllowed("http://127.0.0.1:8586", "127.0.0.1:8585", false)).isFalse();
        assertThat(origins.originAllowed("http://localhost:8585", "127.0.0.1:8585", false)).isFalse();
        assertThat(origins.originAllowed("https://evil.example", "127.0.0.1:8585", false)).isFalse();
        assertThat(origins.originAllowed("http://127.0.0.1:8585", "127.0.0.1:8585", true))
                .as("over https the page's origin is https").isFalse();
    }

    @Test
    void onlyAHostServedByHttpsOriginsAloneIsAnHttpsHost() throws Exception {
        PublicOrigins origins = origins("https://hivemind.example.org,http://intranet.example:8585");

        assertThat(origins.httpsHost("hivemind.example.org")).isTrue();
        assertThat(origins.httpsHost("hivemind.example.org:443")).isTrue();
        assertThat(origins.httpsHost("intranet.example:8585")).isFalse();
        assertThat(origins.httpsHost("127.0.0.1:8585")).isFalse();
        assertThat(origins.httpsHost("elsewhere.example")).isFalse();
        assertThat(origins("https://both.example:8080,http://both.example:8080").httpsHost("both.example:8080")).isFalse();
    }

    @Test
    void theFirstOriginIsTheCanonicalOne() throws Exception {
        assertThat(origins("https://b.example, https://a.example").canonical()).map(Object::toString)
                .contains("https://b.example");
        assertThat(PublicOrigins.none().canonical()).isEmpty();
    }
}
