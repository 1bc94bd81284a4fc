package com.seglamater.hivemind.agent.channel;

import com.seglamater.hivemind.agent.channel.ChannelFetch.Fetched;
import com.seglamater.hivemind.agent.channel.ChannelFetch.NoRelease;
import com.seglamater.hivemind.agent.channel.ChannelFetch.NotModified;
import com.seglamater.hivemind.agent.channel.ChannelFetch.Unreachable;
import com.seglamater.hivemind.agent.channel.ChannelFetch.Validators;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.testing.ReleaseHost;
import com.seglamater.hivemind.agent.testing.ReleaseHost.Exchange;
import com.seglamater.hivemind.agent.testing.ReleaseHost.Failure;
import com.seglamater.hivemind.model.pgp.DetachedSignatureVerifier;
import com.seglamater.hivemind.model.release.StatementCodec;
import com.seglamater.hivemind.model.verify.OversizedInputException;
import com.seglamater.hivemind.model.verify.SignatureRejectedException;
import com.seglamater.hivemind.model.verify.StatementVerifier;
import com.seglamater.hivemind.model.verify.TrustedState;
import com.seglamater.hivemind.model.verify.VerificationPolicy;
import com.seglamater.hivemind.model.verify.VerificationRequest;
import com.seglamater.hivemind.model.verify.VerifiedStatement;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

@Timeout(60)
class ChannelClientTest {

    private static final String LATEST = "channels/canary/latest.json";
    private static final String SIGNATURE = LATEST + ".asc";
    private static final ChannelClient.Timeouts TEST_TIMEOUTS =
            new ChannelClient.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10));

    @TempDir
    Path dir;

    private ReleaseFixture fixture;
    private ReleaseHost host;

    @BeforeEach
    void publishCanary() throws Exception {
        fixture = new ReleaseFixture(dir);
        fixture.publishOk("canary", "0.1.0");
        host = ReleaseHost.http(fixture.tree);
    }

    @AfterEach
    void stopHost() throws Exception {
        host.close();
    }

    private ChannelClient client() {
        return new ChannelClient(host.baseUri(), true, TEST_TIMEOUTS);
    }

    @Test
    void firstFetchReturnsTheStatementAndItsSignatureExactly() throws Exception {
        ChannelFetch fetch = client().fetch("canary", Validators.NONE);

        Fetched fetched = (Fetched) fetch;
        assertThat(fetched.statement()).isEqualTo(Files.readAllBytes(fixture.latest("canary")));
        assertThat(fetched.signature()).hasValue(Files.readAllBytes(fixture.tree.resolve(SIGNATURE)));
        assertThat(fetched.validators().etag()).hasValueSatisfying(tag -> assertThat(tag).startsWith("\""));
        assertThat(fetched.validators().lastModified()).isPresent();
        assertThat(host.exchanges()).extracting(Exchange::path, Exchange::status)
                .containsExactly(tuple(LATEST, 200),
                        tuple(SIGNATURE, 200));
    }

    @Test
    void fetchedBytesVerifyWithTheReleaseTeamsKeyring() throws Exception {
        Fetched fetched = (Fetched) client().fetch("canary", Validators.NONE);

        StatementVerifier verifier = new StatementVerifier(fixture.trustedKeyring(), VerificationPolicy.defaults(),
                Clock.fixed(ReleaseFixture.NOW, ZoneOffset.UTC));
        VerifiedStatement verified = verifier.verify(VerificationRequest.of(fetched.statement(),
                fetched.signature().orElseThrow(), TrustedState.initial("canary", Optional.empty())));

        assertThat(verified.statement().version().toString()).isEqualTo("0.1.0");
        assertThat(verified.signers()).extracting(s -> s.certificate()).containsExactly(fixture.alice.fingerprint());
    }

    @Test
    void idlePollIsOneConditionalRequestAnsweredByABodiless304() throws Exception {
        ChannelClient client = client();
        Fetched first = (Fetched) client.fetch("canary", Validators.NONE);
        host.clearExchanges();

        ChannelFetch second = client.fetch("canary", first.validators());

        assertThat(second).isInstanceOf(NotModified.class);
        List<Exchange> exchanges = host.exchanges();
        assertThat(exchanges).hasSize(1);
        Exchange poll = exchanges.get(0);
        assertThat(poll.path()).isEqualTo(LATEST);
        assertThat(poll.status()).isEqualTo(304);
        assertThat(poll.body().sent()).isZero();
        assertThat(poll.header("If-None-Match")).isEqualTo(first.validators().etag());
        assertThat(poll.header("If-Modified-Since")).isEqualTo(first.validators().lastModified());
    }

    @Test
    void sendsItsNameAsksForUncompressedBytesAndKeepsNoCookies() {
        host.fail(SIGNATURE, new Failure.Status(404));
        ChannelClient client = client();
        client.fetch("canary", Validators.NONE);
        client.fetch("canary", Validators.NONE);

        assertThat(host.exchanges()).allSatisfy(e -> {
            assertThat(e.header("User-Agent")).hasValueSatisfying(ua -> assertThat(ua).startsWith("hivemind-updater/"));
            assertThat(e.header("Accept-Encoding")).hasValue("identity");
            assertThat(e.header("Cookie")).isEmpty();
        });
    }

    @Test
    void aRepublishedStatementIsFetchedAgainDespiteTheOldValidators() throws Exception {
        ChannelClient client = client();
        Fetched first = (Fetched) client.fetch("canary", Validators.NONE);
        fixture.publishOk("canary", "0.1.1");

        ChannelFetch second = client.fetch("canary", first.validators());

        Fetched fetched = (Fetched) second;
        assertThat(fetched.statement()).isEqualTo(Files.readAllBytes(fixture.latest("canary")));
        assertThat(fixture.read(fixture.latest("canary")).version().toString()).isEqualTo("0.1.1");
        assertThat(fetched.validators()).isNotEqualTo(first.validators());
    }

    @Test
    void aChannelWithoutAStatementHasNoRelease() {
        ChannelFetch fetch = client().fetch("stable", Validators.NONE);

        assertThat(fetch).isEqualTo(new NoRelease(404));
        assertThat(host.exchanges()).hasSize(1);
    }

    @Test
    void aGoneStatementIsNoReleaseToo() {
        host.fail(LATEST, new Failure.Status(410));

        assertThat(client().fetch("canary", Validators.NONE)).isEqualTo(new NoRelease(410));
    }

    @Test
    void aMissingSignatureIsFetchedAsAbsentSoTheVerifierRefusesItAsMissing() throws Exception {
        Files.delete(fixture.tree.resolve(SIGNATURE));

        Fetched fetched = (Fetched) client().fetch("canary", Validators.NONE);

        assertThat(fetched.signature()).isEmpty();
        StatementVerifier verifier = new StatementVerifier(fixture.trustedKeyring(), VerificationPolicy.defaults(),
                Clock.fixed(ReleaseFixture.NOW, ZoneOffset.UTC));
        assertThatThrownBy(() -> verifier.verify(new VerificationRequest(fetched.statement(), fetched.signature(),
                "canary", TrustedState.initial("canary", Optional.empty()), Set.of(), false)))
                .isInstanceOf(SignatureRejectedException.class)
                .hasMessageEndingWith(": signature file is missing");
    }

    @Test
    void anEmptySignatureFileIsFetchedAsEmptyNotMissing() throws Exception {
        Files.write(fixture.tree.resolve(SIGNATURE), new byte[0]);

        Fetched fetched = (Fetched) client().fetch("canary", Validators.NONE);

        assertThat(fetched.signature()).hasValueSatisfying(s -> assertThat(s).isEmpty());
    }

    @Test
    void serverErrorIsUnreachable() {
        host.fail(LATEST, new Failure.Status(500));

        ChannelFetch fetch = client().fetch("canary", Validators.NONE);

        assertThat(fetch).isInstanceOf(Unreachable.class);
        assertThat(((Unreachable) fetch).reason()).contains("HTTP 500").contains("latest.json").doesNotContain("\n");
    }

    @Test
    void serverErrorOnTheSignatureIsUnreachable() {
        host.fail(SIGNATURE, new Failure.Status(503));

        assertThat(client().fetch("canary", Validators.NONE)).isInstanceOf(Unreachable.class);
    }

    @Test
    void otherClientErrorsAreUnreachable() {
        host.fail(LATEST, new Failure.Status(403));

        assertThat(((Unreachable) client().fetch("canary", Validators.NONE)).reason()).contains("HTTP 403");
    }

    @Test
    void refusedConnectionIsUnreachable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        ChannelClient client = new ChannelClient(URI.create("http://127.0.0.1:" + port), true, TEST_TIMEOUTS);

        ChannelFetch fetch = client.fetch("canary", Validators.NONE);

        assertThat(fetch).isInstanceOf(Unreachable.class);
        assertThat(((Unreachable) fetch).reason()).contains("connection refused").doesNotContain("\n");
    }

    @Test
    void droppedConnectionIsUnreachable() {
        host.fail(LATEST, new Failure.Drop());

        ChannelFetch fetch = client().fetch("canary", Validators.NONE);

        assertThat(fetch).isInstanceOf(Unreachable.class);
        assertThat(((Unreachable) fetch).reason()).doesNotContain("\n");
    }

    @Test
    @Timeout(20)
    void aTricklingHostIsCutOffByTheWholeFetchTimeout() {
        // 20 bytes a second never trips the 5 s read timeout; only the 1 s bound of the whole fetch can stop it
        // (a read timeout reads "timed out", the whole-fetch bound "no complete answer within 1 s").
        host.fail(LATEST, new Failure.Throttle(20));
        ChannelClient client = new ChannelClient(host.baseUri(), true,
                new ChannelClient.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(1)));

        ChannelFetch fetch = client.fetch("canary", Validators.NONE);

        assertThat(fetch).isInstanceOf(Unreachable.class);
        assertThat(((Unreachable) fetch).reason()).endsWith(LATEST + ": no complete answer within 1 s");
    }

    @Test
    void theWholeFetchBoundSpansBothFiles() {
        // The ticker says the bound was spent on the statement: the signature is not asked for.
        Deque<Long> ticks = new ArrayDeque<>(List.of(0L, 0L));
        ChannelClient client = new ChannelClient(host.baseUri(), true, TEST_TIMEOUTS, new OkHttpClient(),
                () -> ticks.isEmpty() ? TEST_TIMEOUTS.fetch().toNanos() : ticks.removeFirst());

        ChannelFetch fetch = client.fetch("canary", Validators.NONE);

        assertThat(fetch).isInstanceOf(Unreachable.class);
        assertThat(((Unreachable) fetch).reason()).endsWith(SIGNATURE + ": no answer within 10 s");
        assertThat(host.exchanges()).extracting(Exchange::path).containsExactly(LATEST);
    }

    @Test
    void theWholeFetchBoundSpansRedirects() {
        host.fail(LATEST, new Failure.Redirect(302, "/moved/" + LATEST));
        Deque<Long> ticks = new ArrayDeque<>(List.of(0L, 0L));
        ChannelClient client = new ChannelClient(host.baseUri(), true, TEST_TIMEOUTS, new OkHttpClient(),
                () -> ticks.isEmpty() ? TEST_TIMEOUTS.fetch().toNanos() : ticks.removeFirst());

        ChannelFetch fetch = client.fetch("canary", Validators.NONE);

        assertThat(fetch).isInstanceOf(Unreachable.class);
        assertThat(((Unreachable) fetch).reason()).endsWith(LATEST + ": no answer within 10 s");
        assertThat(host.exchanges()).extracting(Exchange::path).as("the redirect is not followed").containsExactly(LATEST);
    }

    @Test
    void anOversizedStatementIsCutAtLimitPlusOneWithoutReadingTheRest() throws Exception {
        assertCutOff(LATEST, true);
    }

    @Test
    void anOversizedStatementWithoutContentLengthIsCutToo() throws Exception {
        assertCutOff(LATEST, false);
    }

    @Test
    void anOversizedSignatureIsCutAtLimitPlusOne() throws Exception {
        assertCutOff(SIGNATURE, false);
    }

    private void assertCutOff(String path, boolean declareLength) throws Exception {
        long huge = 64L * 1024 * 1024;
        host.fail(path, new Failure.Oversize(huge, declareLength));

        Fetched fetched = (Fetched) client().fetch("canary", Validators.NONE);

        int limit = path.equals(LATEST) ? StatementCodec.MAX_STATEMENT_BYTES : DetachedSignatureVerifier.MAX_SIGNATURE_BYTES;
        byte[] cut = path.equals(LATEST) ? fetched.statement() : fetched.signature().orElseThrow();
        assertThat(cut).hasSize(limit + 1);
        Exchange served = host.exchanges().stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
        assertThat(served.body().await(Duration.ofSeconds(20))).as("server stopped writing").isTrue();
        // What the server got rid of is what sits in the two loopback socket buffers (a few MiB);
        // a client that drained the rest to keep the connection (OkHttp does, for up to 100 ms,
        // when a body is closed unfinished) takes tens of MiB more.
        assertThat(served.body().sent()).isLessThan(16L * 1024 * 1024);
        StatementVerifier verifier = new StatementVerifier(fixture.trustedKeyring(), VerificationPolicy.defaults(),
                Clock.fixed(ReleaseFixture.NOW, ZoneOffset.UTC));
        assertThatThrownBy(() -> verifier.verify(VerificationRequest.of(fetched.statement(),
                fetched.signature().orElseThrow(), TrustedState.initial("canary", Optional.empty()))))
                .isInstanceOfSatisfying(OversizedInputException.class, e -> {
                    assertThat(e.limit()).isEqualTo(limit);
                    // The file is 64 MiB; the bounded read's limit + 1 bytes is not its size and is not quoted.
                    assertThat(e).hasMessage((path.equals(LATEST) ? "statement" : "signature")
                            + " is larger than the " + (path.equals(LATEST) ? "65 536" : "16 384") + "-byte limit");
                });
    }

    @Test
    void anUntrustedCertificateIsUnreachable() throws Exception {
        try (ReleaseHost secure = ReleaseHost.https(fixture.tree, dir.resolve("tls"))) {
            ChannelFetch fetch = new ChannelClient(secure.baseUri(), false, TEST_TIMEOUTS).fetch("canary", Validators.NONE);

            assertThat(fetch).isInstanceOf(Unreachable.class);
            assertThat(((Unreachable) fetch).reason()).contains("TLS failure").doesNotContain("\n");
            assertThat(secure.exchanges()).isEmpty();
        }
    }

    @Test
    void isBuiltFromTheAgentsConfiguration() throws Exception {
        AgentConfig config = AgentConfig.from(Map.of(AgentConfig.UPDATE_URL, host.baseUri().toString(),
                AgentConfig.ALLOW_HTTP_LOOPBACK, "true"));

        assertThat(new ChannelClient(config).fetch("canary", Validators.NONE)).isInstanceOf(Fetched.class);
    }

    @Test
    void plainHttpToANonLoopbackHostIsRefused() {
        assertThatThrownBy(() -> new ChannelClient(URI.create("http://updates.example.org/hivemind"), true, TEST_TIMEOUTS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain HTTP");
    }

    @Test
    void plainHttpToLoopbackNeedsTheSwitch() {
        assertThatThrownBy(() -> new ChannelClient(host.baseUri(), false, TEST_TIMEOUTS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HTTPS");
    }

    @Test
    void aRedirectFromHttpsToHttpIsRefusedAndNotFollowed() throws Exception {
        try (ReleaseHost secure = ReleaseHost.https(fixture.tree, dir.resolve("tls"))) {
            secure.fail(LATEST, new Failure.Redirect(302, host.baseUri() + "/" + LATEST));
            ChannelClient client = new ChannelClient(secure.baseUri(), false, TEST_TIMEOUTS, secure.clientTemplate());

            ChannelFetch fetch = client.fetch("canary", Validators.NONE);

            assertThat(fetch).isInstanceOf(Unreachable.class);
            assertThat(((Unreachable) fetch).reason()).contains("redirect to " + host.baseUri()).contains("refused");
            assertThat(host.exchanges()).isEmpty();
        }
    }

    @Test
    void aRedirectToPlainHttpElsewhereIsRefusedEvenWithTheLoopbackSwitch() {
        host.fail(LATEST, new Failure.Redirect(301, "http://updates.example.org/hivemind/" + LATEST));

        ChannelFetch fetch = client().fetch("canary", Validators.NONE);

        assertThat(((Unreachable) fetch).reason()).contains("redirect to http://updates.example.org").contains("refused");
    }

    @Test
    void aRedirectToHttpsIsFollowedAndTheValidatorsAreThoseOfTheFinalAnswer() throws Exception {
        try (ReleaseHost secure = ReleaseHost.https(fixture.tree, dir.resolve("tls"))) {
            // The tree moved from /old to /: every file of the old location redirects to the new one.
            secure.fail("old/" + LATEST, new Failure.Redirect(301, "/" + LATEST));
            secure.fail("old/" + SIGNATURE, new Failure.Redirect(308, secure.baseUri() + "/" + SIGNATURE));
            ChannelClient client = new ChannelClient(URI.create(secure.baseUri() + "/old"), false, TEST_TIMEOUTS,
                    secure.clientTemplate());

            Fetched fetched = (Fetched) client.fetch("canary", Validators.NONE);

            assertThat(fetched.statement()).isEqualTo(Files.readAllBytes(fixture.latest("canary")));
            assertThat(fetched.signature()).hasValue(Files.readAllBytes(fixture.tree.resolve(SIGNATURE)));
            assertThat(secure.exchanges()).extracting(Exchange::path, Exchange::status).containsExactly(
                    tuple("old/" + LATEST, 301), tuple(LATEST, 200), tuple("old/" + SIGNATURE, 308), tuple(SIGNATURE, 200));
            assertThat(client.fetch("canary", fetched.validators())).isInstanceOf(NotModified.class);
        }
    }

    @Test
    void endlessRedirectsAreCutOff() {
        host.fail(LATEST, new Failure.Redirect(302, "/" + LATEST));

        ChannelFetch fetch = client().fetch("canary", Validators.NONE);

        assertThat(((Unreachable) fetch).reason()).contains("more than " + ChannelClient.MAX_REDIRECTS + " redirects");
        assertThat(host.exchanges()).hasSize(ChannelClient.MAX_REDIRECTS + 1);
    }
}
