package com.seglamater.hivemind.agent.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.seglamater.hivemind.agent.Agent;
import com.seglamater.hivemind.agent.channel.ChannelClient;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.ops.CheckOutcome;
import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.state.AgentState;
import com.seglamater.hivemind.agent.state.ChannelTrust;
import com.seglamater.hivemind.agent.state.LastCheck;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.state.StateStore;
import com.seglamater.hivemind.agent.testing.Engine;
import com.seglamater.hivemind.agent.testing.ReleaseHost.Exchange;
import com.seglamater.hivemind.agent.testing.ReleaseHost.Failure;
import com.seglamater.hivemind.agent.testing.ReleaseHost;
import com.seglamater.hivemind.model.admin.AdminJson;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.UpdateEvent;
import com.seglamater.hivemind.model.verify.StatementVerifier;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;
import com.seglamater.hivemind.signer.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static com.seglamater.hivemind.agent.testing.FakeStack.SERVER;
import static com.seglamater.hivemind.agent.testing.FakeStack.UPDATER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The acceptance rules of DESIGN.md ("Release files") end to end, through the path production
 * uses: release trees written by manifest-signer, served over HTTP by {@link ReleaseHost},
 * fetched by {@link ChannelClient}, verified by the shared {@link StatementVerifier} with the
 * release team's keyring, remembered by {@link Checker} in {@code state.json}, and applied by
 * {@link Agent} over a fake compose stack.
 *
 * <p>Every refusal is checked for the same three facts: the verifier's reason code is what the
 * agent records and reports, {@code state.json} is unchanged but for {@code lastCheck}, and
 * the stack was not touched.
 */
@Timeout(60)
class ChannelVerificationTest {

    private static final String CHANNEL = "canary";
    private static final String LATEST = "channels/canary/latest.json";
    private static final String SIGNATURE = LATEST + ".asc";
    private static final ChannelClient.Timeouts TIMEOUTS =
            new ChannelClient.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10));
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    @TempDir
    Path dir;

    ReleaseFixture release;
    Engine engine;
    ReleaseHost host;
    Map<String, String> v1;
    Map<String, String> v2;
    Map<String, String> v3;

    @BeforeEach
    void setUp() throws Exception {
        release = new ReleaseFixture(Files.createDirectories(dir.resolve("release")));
        engine = new Engine(dir.resolve("agent"));
        v1 = engine.release("1.0.0", 'a', "4");
        // The updater image stays the same, so applying needs no handoff to a one-off updater.
        v2 = Map.of(SERVER, engine.release("1.1.0", 'b', "5").get(SERVER), UPDATER, v1.get(UPDATER));
        v3 = Map.of(SERVER, engine.release("1.2.0", 'c', "6").get(SERVER), UPDATER, v1.get(UPDATER));
        engine.installed("1.0.0", v1);
        host = ReleaseHost.http(release.tree);
    }

    @AfterEach
    void stopHost() throws Exception {
        host.close();
    }

    // --- the agent as a CLI process or the daemon builds it, over HTTP ---

    private Agent running;

    /** The agent of this test's one daemon process, built at first use with the team's keyring as it is then. */
    private Agent agent() throws Exception {
        if (running == null) {
            running = agent(TIMEOUTS);
        }
        return running;
    }

    /** A new agent process (a restart, or a `hivemind-updater check` without daemon); its keyring is the team's as it is now. */
    private Agent restartedAgent() throws Exception {
        running = agent(TIMEOUTS);
        return running;
    }

    private Agent agent(ChannelClient.Timeouts timeouts) throws Exception {
        return engine.agent(AgentConfig.Approval.AUTO, new ChannelClient(host.baseUri(), true, timeouts),
                release.trustedKeyring());
    }

    private void publish(String version, Map<String, String> images, String... extra) {
        publish(CHANNEL, version, images, extra);
    }

    private void publish(String channel, String version, Map<String, String> images, String... extra) {
        List<String> args = new ArrayList<>(List.of("--image", SERVER + "=" + images.get(SERVER),
                "--image", UPDATER + "=" + images.get(UPDATER)));
        args.addAll(List.of(extra));
        release.publishOk(channel, version, args.toArray(String[]::new));
    }

    /** 1.1.0 published as statement 1, accepted and installed; the logs of that are cleared. */
    private void installedFromTheChannel() throws Exception {
        publish("1.1.0", v2);
        OperationResult applied = agent().check(false);
        assertThat(applied.code()).as(applied.message()).isEqualTo(OperationCode.APPLIED);
        assertThat(engine.store.load().trust(CHANNEL).map(ChannelTrust::sequence)).contains(1L);
        clearLogs();
    }

    private void clearLogs() {
        engine.stack.calls.clear();
        engine.server.drains.clear();
        engine.server.events.clear();
        engine.server.statuses.clear();
        host.clearExchanges();
    }

    private Path tree(String path) {
        return release.tree.resolve(path);
    }

    private static String etagOf(Path file) throws Exception {
        return '"' + StatementVerifier.sha256(Files.readAllBytes(file)) + '"';
    }

    // --- what "changes nothing" means ---

    /** What a refused check must leave as it found: state.json (but lastCheck), the pins file. */
    private record Before(AgentState state, JsonNode stateFile, byte[] pins) {
    }

    private Before before() throws Exception {
        return new Before(engine.store.load(), stateFileWithoutLastCheck(), Files.readAllBytes(engine.pins.file()));
    }

    /** state.json as written on disk, as a JSON tree without its lastCheck member. */
    private JsonNode stateFileWithoutLastCheck() throws Exception {
        ObjectNode file = (ObjectNode) AdminJson.mapper()
                .readTree(Files.readAllBytes(engine.store.dir().resolve(StateStore.STATE_FILE)));
        file.remove("lastCheck");
        return file;
    }

    private static AgentState withoutLastCheck(AgentState s) {
        return new AgentState(s.channels(), s.installed(), s.previous(), s.failed(), Optional.empty(), s.lastError());
    }

    /** The state on disk differs only in lastCheck, and nothing on the stack or server changed. */
    private void assertNothingChangedButTheLastCheck(Before before) throws Exception {
        AgentState after = engine.store.load();
        assertThat(stateFileWithoutLastCheck()).as("state.json but lastCheck").isEqualTo(before.stateFile());
        assertThat(withoutLastCheck(after)).isEqualTo(withoutLastCheck(before.state()));
        assertThat(after.trust(CHANNEL)).isEqualTo(before.state().trust(CHANNEL));
        assertThat(after.installed()).isEqualTo(before.state().installed());
        assertThat(after.failed()).isEqualTo(before.state().failed());
        assertThat(after.lastCheck()).as("the check itself is recorded").isPresent()
                .isNotEqualTo(before.state().lastCheck());
        assertThat(engine.store.journal()).as("no update started").isEmpty();
        assertThat(engine.stack.actions()).as("compose actions").isEmpty();
        assertThat(engine.server.drains).as("server drained").isEmpty();
        assertThat(Files.readAllBytes(engine.pins.file())).as("pins file").isEqualTo(before.pins());
    }

    /**
     * A check refused with the verifier's {@code code}: failed for the operator, recorded with that
     * code (and a message containing {@code reasons}) in lastCheck, reported to the server as a
     * "rejected" event and as the status's last error, and nothing else changed.
     */
    private LastCheck assertRefused(Before before, OperationResult result, String code, String... reasons)
            throws Exception {
        assertThat(result.success()).as(result.message()).isFalse();
        assertThat(result.code()).isEqualTo(OperationCode.REJECTED);
        assertThat(result.reason()).as("the verifier's code, for check --json").contains(code);
        LastCheck last = engine.store.load().lastCheck().orElseThrow();
        assertThat(last.result()).isEqualTo(CheckOutcome.REJECTED);
        assertThat(last.code()).as(last.message()).contains(code);
        assertThat(last.message()).contains(reasons);
        assertThat(last.availableVersion()).isEmpty();
        assertThat(engine.server.events).extracting(e -> e.kind().wireName(), UpdateEvent::code)
                .containsExactly(tuple("rejected", Optional.of(code)));
        assertThat(lastStatus().lastError()).hasValueSatisfying(e -> assertThat(e).startsWith(code + ": "));
        assertNothingChangedButTheLastCheck(before);
        return last;
    }

    private AgentStatus lastStatus() {
        assertThat(engine.server.statuses).isNotEmpty();
        return engine.server.statuses.get(engine.server.statuses.size() - 1);
    }

    // --- accepted statements ---

    @Test
    void aNewReleaseIsVerifiedAndApplied() throws Exception {
        publish("1.1.0", v2);

        OperationResult result = agent().check(false);

        assertThat(result.code()).as(result.message()).isEqualTo(OperationCode.APPLIED);
        assertThat(result.success()).isTrue();
        assertThat(engine.stack.imageOf(SERVER)).contains(v2.get(SERVER));
        assertThat(engine.stack.imageOf(UPDATER)).contains(v2.get(UPDATER));
        assertThat(engine.pins.read()).isEqualTo(v2);
        AgentState state = engine.store.load();
        ChannelTrust trust = state.trust(CHANNEL).orElseThrow();
        assertThat(trust.sequence()).isEqualTo(1);
        assertThat(trust.version()).isEqualTo("1.1.0");
        assertThat(trust.images()).isEqualTo(v2);
        assertThat(trust.sha256()).isEqualTo(StatementVerifier.sha256(Files.readAllBytes(release.latest(CHANNEL))));
        assertThat(trust.etag()).contains(etagOf(release.latest(CHANNEL)));
        assertThat(state.installed().map(Release::version)).contains("1.1.0");
        assertThat(state.installed().map(Release::images)).contains(v2);
        assertThat(state.previous().map(Release::version)).contains("1.0.0");
        assertThat(state.lastCheck().map(LastCheck::result)).contains(CheckOutcome.UPDATE_AVAILABLE);
        assertThat(host.exchanges()).extracting(Exchange::path, Exchange::status)
                .containsExactly(tuple(LATEST, 200), tuple(SIGNATURE, 200));
    }

    @Test
    void theNotesOfTheReleaseAwaitingApprovalAreReportedButNotKeptInTheStateFile() throws Exception {
        publish("1.1.0", v2, "--notes", "Fixes the login loop; see https://example.org/1.1.0");
        Agent manual = engine.agent(AgentConfig.Approval.MANUAL, new ChannelClient(host.baseUri(), true, TIMEOUTS),
                release.trustedKeyring());
        assertThat(manual.check(false).code()).isEqualTo(OperationCode.AWAITING_APPROVAL);
        AgentStatus waiting = lastStatus();
        assertThat(waiting.state()).isEqualTo(AgentStatus.State.AWAITING_APPROVAL);
        assertThat(waiting.availableVersion()).contains("1.1.0");
        assertThat(waiting.availableNotes()).contains("Fixes the login loop; see https://example.org/1.1.0");
        // state.json stays as an older agent reads it (a rollback may start one on it).
        assertThat(Files.readString(engine.store.dir().resolve(StateStore.STATE_FILE))).doesNotContain("login loop");

        assertThat(manual.check(false).code()).as("answered by 304").isEqualTo(OperationCode.AWAITING_APPROVAL);
        assertThat(lastStatus().availableNotes()).as("kept across a 304").contains(
                "Fixes the login loop; see https://example.org/1.1.0");

        assertThat(manual.approve("1.1.0").code()).isEqualTo(OperationCode.APPLIED);
        assertThat(lastStatus().availableVersion()).as("installed: no longer available").isEmpty();
        assertThat(lastStatus().availableNotes()).isEmpty();
    }

    @Test
    void theSameStatementAgainIsANoOpAnsweredBy304() throws Exception {
        installedFromTheChannel();
        AgentState installed = engine.store.load();

        OperationResult again = agent().check(false);

        assertThat(again.code()).as(again.message()).isEqualTo(OperationCode.UP_TO_DATE);
        assertThat(again.success()).isTrue();
        List<Exchange> exchanges = host.exchanges();
        assertThat(exchanges).hasSize(1);
        Exchange poll = exchanges.get(0);
        assertThat(poll.path()).isEqualTo(LATEST);
        assertThat(poll.status()).isEqualTo(304);
        assertThat(poll.body().sent()).isZero();
        assertThat(poll.header("If-None-Match")).isEqualTo(installed.trust(CHANNEL).orElseThrow().etag());
        assertThat(poll.header("If-Modified-Since")).isEqualTo(installed.trust(CHANNEL).orElseThrow().lastModified())
                .isPresent();
        assertThat(engine.stack.actions()).isEmpty();
        assertThat(engine.store.load().installed()).isEqualTo(installed.installed());
        assertThat(engine.store.load().trust(CHANNEL)).isEqualTo(installed.trust(CHANNEL));
    }

    @Test
    void pollsAreConditionalOnTheValidatorsOfTheAcceptedStatement() throws Exception {
        publish("1.1.0", v2);
        String firstTag = etagOf(release.latest(CHANNEL));
        String firstDate = HTTP_DATE.format(Files.getLastModifiedTime(release.latest(CHANNEL)).toInstant()
                .truncatedTo(ChronoUnit.SECONDS));

        agent().check(false);

        // Nothing trusted yet: unconditional; the signature is always fetched unconditionally.
        assertThat(host.exchanges()).extracting(Exchange::path).containsExactly(LATEST, SIGNATURE);
        for (Exchange e : host.exchanges()) {
            assertThat(e.header("If-None-Match")).as(e.path()).isEmpty();
            assertThat(e.header("If-Modified-Since")).as(e.path()).isEmpty();
        }
        ChannelTrust trust = engine.store.load().trust(CHANNEL).orElseThrow();
        assertThat(trust.etag()).contains(firstTag);
        assertThat(trust.lastModified()).contains(firstDate);

        host.clearExchanges();
        publish("1.2.0", v3);
        OperationResult next = agent().check(false);

        assertThat(next.code()).as(next.message()).isEqualTo(OperationCode.APPLIED);
        assertThat(host.exchanges()).extracting(Exchange::path, Exchange::status)
                .containsExactly(tuple(LATEST, 200), tuple(SIGNATURE, 200));
        Exchange poll = host.exchanges().get(0);
        assertThat(poll.header("If-None-Match")).contains(firstTag);
        assertThat(poll.header("If-Modified-Since")).contains(firstDate);
        assertThat(host.exchanges().get(1).header("If-None-Match")).isEmpty();
        assertThat(engine.store.load().trust(CHANNEL).orElseThrow().etag()).contains(etagOf(release.latest(CHANNEL)));
    }

    @Test
    void aChannelWithoutAReleaseIsANormalState() throws Exception {
        Before before = before();

        OperationResult result = agent().check(false);

        assertThat(result.success()).isTrue();
        assertThat(result.code()).isEqualTo(OperationCode.NO_RELEASE);
        AgentState state = engine.store.load();
        assertThat(state.lastError()).isEmpty();
        assertThat(state.lastCheck().map(LastCheck::result)).contains(CheckOutcome.NO_RELEASE);
        assertThat(state.lastCheck().flatMap(LastCheck::code)).isEmpty();
        assertThat(lastStatus().lastError()).isEmpty();
        assertThat(engine.server.events).isEmpty();
        assertThat(host.exchanges()).extracting(Exchange::path, Exchange::status).containsExactly(tuple(LATEST, 404));
        assertNothingChangedButTheLastCheck(before);
    }

    // --- refused statements: one test per acceptance rule ---

    @Test
    void aTamperedStatementIsRefused() throws Exception {
        installedFromTheChannel();
        publish("1.2.0", v3);
        byte[] bytes = Files.readAllBytes(release.latest(CHANNEL));
        bytes[bytes.length / 2] ^= 1;
        Files.write(release.latest(CHANNEL), bytes);
        Before before = before();

        OperationResult result = agent().check(false);

        assertRefused(before, result, "signature_rejected", "does not match the data");
    }

    @Test
    void aStatementWithoutSignatureFileIsRefused() throws Exception {
        publish("1.1.0", v2);
        Files.delete(tree(SIGNATURE));
        Before before = before();

        OperationResult result = agent().check(false);

        LastCheck last = assertRefused(before, result, "signature_rejected", "signature file is missing");
        assertThat(last.message()).doesNotContain("empty");
        assertThat(engine.store.load().trust(CHANNEL)).as("nothing trusted at first contact").isEmpty();
        assertThat(host.exchanges()).extracting(Exchange::path, Exchange::status)
                .containsExactly(tuple(LATEST, 200), tuple(SIGNATURE, 404));
    }

    @Test
    void aStatementWithAnEmptySignatureFileIsRefused() throws Exception {
        installedFromTheChannel();
        publish("1.2.0", v3);
        Files.write(tree(SIGNATURE), new byte[0]);
        Before before = before();

        OperationResult result = agent().check(false);

        assertRefused(before, result, "signature_rejected", "signature file is empty");
    }

    @Test
    void aStatementSignedByAKeyOutsideTheAgentsKeyringIsRefused() throws Exception {
        installedFromTheChannel();
        publish("1.2.0", v3);
        TestKeys.KeyFiles mallory = TestKeys.create(dir.resolve("mallory"), "mallory",
                ReleaseFixture.NOW.minus(Duration.ofDays(1)));
        byte[] statement = Files.readAllBytes(release.latest(CHANNEL));
        Files.write(tree(SIGNATURE), mallory.key().sign(statement, Optional.empty(), ReleaseFixture.NOW));
        Before before = before();

        OperationResult result = agent().check(false);

        assertRefused(before, result, "signature_rejected", "not in the trusted keyring");
    }

    @Test
    void aStatementSignedByARevokedKeyIsRefused() throws Exception {
        installedFromTheChannel();
        TestKeys.KeyFiles bob = release.addKey("bob", Optional.empty());
        publish("1.2.0", v3, "--secret-key", bob.secret().toString());
        // Bob's key is compromised: the team revokes it, and the agent's keyring is the team's from now on.
        release.revoke(bob);
        Before before = before();

        // The revocation reaches the agent with its keyring: a new agent image, a new process.
        OperationResult result = restartedAgent().check(false);

        assertRefused(before, result, "signature_rejected", "revoked");
    }

    @Test
    void anOlderReleaseIsInstalledOnlyWhenTheOperatorAsksForADowngrade() throws Exception {
        installedFromTheChannel();
        engine.stack.calls.clear();
        Map<String, String> v105 = Map.of(SERVER, engine.release("1.0.5", 'd', "5").get(SERVER), UPDATER, v1.get(UPDATER));
        publish("1.0.5", v105, "--allow-downgrade");

        OperationResult refused = agent().check(true);
        assertThat(refused.code()).isEqualTo(OperationCode.REJECTED);
        assertThat(engine.store.load().lastCheck().orElseThrow().code()).contains("version_rollback");
        assertThat(engine.stack.actions()).isEmpty();

        OperationResult downgraded = agent().downgrade();

        assertThat(downgraded.code()).as(downgraded.message()).isEqualTo(OperationCode.APPLIED);
        assertThat(downgraded.operation()).isEqualTo("downgrade");
        assertThat(engine.store.load().installed().map(Release::version)).contains("1.0.5");
        assertThat(engine.stack.imageOf(SERVER)).contains(v105.get(SERVER));
    }

    @Test
    void aHeldStatementOlderThanWhatRunsIsNotInstalledFromA304() throws Exception {
        installedFromTheChannel();
        // Something newer runs now (installed from another channel, say) while canary still says 1.1.0.
        AgentState state = engine.store.load();
        engine.store.save(state.withInstalled(new Release("1.2.0", v3, Optional.empty(), Optional.empty())));
        engine.stack.calls.clear();
        host.clearExchanges();

        OperationResult result = agent().check(false);

        assertThat(host.exchanges()).extracting(Exchange::status).containsExactly(304);
        assertThat(result.code()).isEqualTo(OperationCode.REJECTED);
        assertThat(engine.store.load().lastCheck().orElseThrow().code()).contains("version_rollback");
        assertThat(engine.stack.actions()).as("rule 5 holds on the 304 path too").isEmpty();
    }

    @Test
    void aRestartedAgentVerifiesTheAcceptedStatementAgainBeforeTrusting304s() throws Exception {
        installedFromTheChannel();
        host.clearExchanges();

        OperationResult result = restartedAgent().check(false);

        assertThat(result.code()).as(result.message()).isEqualTo(OperationCode.UP_TO_DATE);
        assertThat(host.exchanges()).extracting(Exchange::path, Exchange::status)
                .containsExactly(tuple(LATEST, 200), tuple(SIGNATURE, 200));
        assertThat(host.exchanges().get(0).header("If-None-Match")).isEmpty();
        host.clearExchanges();
        agent().check(false);
        assertThat(host.exchanges()).extracting(Exchange::status).as("then conditional again").containsExactly(304);
    }

    @Test
    void anAcceptedStatementWhoseSignerWasRevokedIsNotTrustedAfterARestart() throws Exception {
        // 1.2.0, signed by bob, is accepted and installed; then bob's key is revoked in a new agent image.
        TestKeys.KeyFiles bob = release.addKey("bob", Optional.empty());
        installedFromTheChannel();
        publish("1.2.0", v3, "--secret-key", bob.secret().toString());
        assertThat(restartedAgent().check(false).code()).isEqualTo(OperationCode.APPLIED);
        release.revoke(bob);

        OperationResult result = restartedAgent().check(false);

        assertThat(result.code()).isEqualTo(OperationCode.REJECTED);
        assertThat(engine.store.load().lastCheck().orElseThrow().code()).contains("signature_rejected");
    }

    @Test
    void anExpiredStatementIsRefusedWithTheStaleChannelWarning() throws Exception {
        installedFromTheChannel();
        publish("1.2.0", v3, "--expires-in", "1h");
        engine.clock.advance(Duration.ofHours(2));
        Before before = before();

        OperationResult result = agent().check(false);

        LastCheck last = assertRefused(before, result, "expired", "expired at");
        assertThat(last.warning()).hasValueSatisfying(w -> assertThat(w).contains(Checker.STALE));
    }

    @Test
    void aReplayedOlderStatementIsRefused() throws Exception {
        publish("1.1.0", v2);
        byte[] oldStatement = Files.readAllBytes(release.latest(CHANNEL));
        byte[] oldSignature = Files.readAllBytes(tree(SIGNATURE));
        assertThat(agent().check(false).code()).isEqualTo(OperationCode.APPLIED);
        publish("1.2.0", v3);
        assertThat(agent().check(false).code()).isEqualTo(OperationCode.APPLIED);
        assertThat(engine.store.load().trust(CHANNEL).map(ChannelTrust::sequence)).contains(2L);
        clearLogs();
        // A mirror (or an attacker in the path) serves statement 1 again: validly signed, but older.
        Files.write(release.latest(CHANNEL), oldStatement);
        Files.write(tree(SIGNATURE), oldSignature);
        Before before = before();

        OperationResult result = agent().check(false);

        assertRefused(before, result, "sequence_rollback", "sequence 1", "trusted sequence 2");
        assertThat(engine.stack.imageOf(SERVER)).contains(v3.get(SERVER));
    }

    @Test
    void aLowerVersionWithAHigherSequenceIsRefused() throws Exception {
        installedFromTheChannel();
        publish("1.0.5", v1, "--allow-downgrade");
        assertThat(release.read(release.latest(CHANNEL)).sequence()).isEqualTo(2);
        Before before = before();

        OperationResult result = agent().check(false);

        assertRefused(before, result, "version_rollback", "1.0.5", "1.1.0");
    }

    @Test
    void aStatementForAnotherChannelIsRefused() throws Exception {
        installedFromTheChannel();
        publish("beta", "1.2.0", v3);
        Files.copy(tree("channels/beta/latest.json"), release.latest(CHANNEL), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(tree("channels/beta/latest.json.asc"), tree(SIGNATURE), StandardCopyOption.REPLACE_EXISTING);
        Before before = before();

        OperationResult result = agent().check(false);

        assertRefused(before, result, "wrong_channel", "'beta'", "'canary'");
    }

    @Test
    void aStatementNamingAnImageByTagIsRefusedThoughValidlySigned() throws Exception {
        installedFromTheChannel();
        publish("1.2.0", v3);
        // ImageReference refuses tags, so no tool writes this: the bytes are edited, then signed by a trusted key.
        String tagged = "registry.example.org/hivemind/server:1.2.0";
        String json = Files.readString(release.latest(CHANNEL), StandardCharsets.UTF_8);
        assertThat(json).contains(v3.get(SERVER));
        byte[] bytes = json.replace(v3.get(SERVER), tagged).getBytes(StandardCharsets.UTF_8);
        Files.write(release.latest(CHANNEL), bytes);
        Files.write(tree(SIGNATURE), release.alice.key().sign(bytes, Optional.empty(), ReleaseFixture.NOW));
        Before before = before();

        OperationResult result = agent().check(false);

        assertRefused(before, result, "malformed_statement", "not pinned by digest", "tags are not allowed");
    }

    @Test
    void anOversizedStatementIsRefusedWithoutBeingReadWhole() throws Exception {
        installedFromTheChannel();
        host.fail(LATEST, new Failure.Oversize(10L * 1024 * 1024, true));
        Before before = before();

        OperationResult result = agent().check(false);

        // What is known is the limit, not the size: the read stopped at 65 537 bytes of 10 MiB.
        LastCheck last = assertRefused(before, result, "oversized", "statement is larger than the 65 536-byte limit");
        assertThat(last.message()).doesNotContain("65537").doesNotContain("65 537");
        Exchange served = host.exchanges().get(0);
        assertThat(served.body().await(Duration.ofSeconds(20))).isTrue();
        assertThat(served.body().sent()).isLessThan(10L * 1024 * 1024);
    }

    @Test
    void aSlowServerTimesOutAsUnreachableAndChangesNothing() throws Exception {
        installedFromTheChannel();
        publish("1.2.0", v3);
        // 20 bytes a second: within the read timeout, far beyond the bound of one whole fetch.
        host.fail(LATEST, new Failure.Throttle(20));
        Before before = before();

        OperationResult result = agent(new ChannelClient.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5),
                Duration.ofSeconds(1))).check(false);

        assertThat(result.success()).isFalse();
        assertThat(result.code()).isEqualTo(OperationCode.UNREACHABLE);
        assertThat(result.message()).as("the whole-fetch bound, not the read timeout").contains("within 1 s");
        LastCheck last = engine.store.load().lastCheck().orElseThrow();
        assertThat(last.result()).isEqualTo(CheckOutcome.UNREACHABLE);
        assertThat(last.code()).isEmpty();
        assertThat(engine.server.eventKinds()).containsExactly("check");
        assertNothingChangedButTheLastCheck(before);
    }

    // --- across polls ---

    @Test
    void aStatementPublishedBeforeItsSignatureIsRefusedOnceThenAccepted() throws Exception {
        installedFromTheChannel();
        String acceptedTag = engine.store.load().trust(CHANNEL).orElseThrow().etag().orElseThrow();
        byte[] oldSignature = Files.readAllBytes(tree(SIGNATURE));
        publish("1.2.0", v3);
        byte[] newSignature = Files.readAllBytes(tree(SIGNATURE));
        // The upload of latest.json landed; its signature file is still the previous statement's.
        Files.write(tree(SIGNATURE), oldSignature);
        Before before = before();

        OperationResult first = agent().check(false);

        assertRefused(before, first, "signature_rejected", "does not match the data");
        clearLogs();
        Files.write(tree(SIGNATURE), newSignature);

        OperationResult second = agent().check(false);

        assertThat(second.code()).as(second.message()).isEqualTo(OperationCode.APPLIED);
        assertThat(engine.stack.imageOf(SERVER)).contains(v3.get(SERVER));
        assertThat(engine.store.load().trust(CHANNEL).map(ChannelTrust::sequence)).contains(2L);
        // The refused fetch's validators were not kept: the poll was conditional on statement 1's, so it got the bytes.
        Exchange poll = host.exchanges().get(0);
        assertThat(poll.path()).isEqualTo(LATEST);
        assertThat(poll.header("If-None-Match")).contains(acceptedTag);
        assertThat(poll.status()).isEqualTo(200);
    }

    // --- a 304 stands for the copy kept, which is verified again ---

    private Path keptStatement() {
        return engine.store.dir().resolve(StateStore.CHANNELS_DIR).resolve(CHANNEL).resolve("latest.json");
    }

    private Path keptSignature() {
        return keptStatement().resolveSibling("latest.json.asc");
    }

    @Test
    void theAcceptedStatementAndItsSignatureAreKeptByteForByteAndARefusedOneDoesNotReplaceThem() throws Exception {
        installedFromTheChannel();
        byte[] statement = Files.readAllBytes(release.latest(CHANNEL));
        byte[] signature = Files.readAllBytes(tree(SIGNATURE));
        assertThat(Files.readAllBytes(keptStatement())).isEqualTo(statement);
        assertThat(Files.readAllBytes(keptSignature())).isEqualTo(signature);

        publish("1.2.0", v3);
        Files.write(tree(SIGNATURE), new byte[0]);
        assertThat(agent().check(false).code()).isEqualTo(OperationCode.REJECTED);

        assertThat(Files.readAllBytes(keptStatement())).isEqualTo(statement);
        assertThat(Files.readAllBytes(keptSignature())).isEqualTo(signature);
    }

    @Test
    void a304ForAStatementWhoseSigningKeyExpiredSinceIsRefused() throws Exception {
        // Carol's key, in the keyring the agent starts with, expires in two days.
        TestKeys.KeyFiles carol = release.addKey("carol", Optional.of(Duration.ofDays(3)));
        installedFromTheChannel();
        // 1.2.0, valid for 21 days, signed by carol alone.
        publish("1.2.0", v3);
        byte[] statement = Files.readAllBytes(release.latest(CHANNEL));
        Files.write(tree(SIGNATURE), carol.key().sign(statement, Optional.empty(), ReleaseFixture.NOW));
        assertThat(agent().check(false).code()).as("carol's key is valid now").isEqualTo(OperationCode.APPLIED);
        clearLogs();
        engine.clock.advance(Duration.ofDays(3));
        Before before = before();

        OperationResult result = agent().check(false);

        assertThat(host.exchanges()).extracting(Exchange::path, Exchange::status).containsExactly(tuple(LATEST, 304));
        assertRefused(before, result, "signature_rejected", "expired");
    }

    @Test
    void a304ForADamagedCopyIsRefusedAndTheNextPollFetchesTheStatementAgain() throws Exception {
        installedFromTheChannel();
        byte[] kept = Files.readAllBytes(keptStatement());
        byte[] damaged = kept.clone();
        damaged[damaged.length / 2] ^= 1;
        Files.write(keptStatement(), damaged);
        Before before = before();

        OperationResult refused = agent().check(false);

        assertThat(host.exchanges()).extracting(Exchange::status).containsExactly(304);
        assertRefused(before, refused, "signature_rejected", "does not match the data");
        clearLogs();

        OperationResult again = agent().check(false);

        assertThat(again.code()).as(again.message()).isEqualTo(OperationCode.UP_TO_DATE);
        assertThat(host.exchanges()).extracting(Exchange::path, Exchange::status)
                .containsExactly(tuple(LATEST, 200), tuple(SIGNATURE, 200));
        assertThat(host.exchanges().get(0).header("If-None-Match")).as("unconditional").isEmpty();
        assertThat(Files.readAllBytes(keptStatement())).as("the copy kept again").isEqualTo(kept);
        host.clearExchanges();
        assertThat(agent().check(false).code()).isEqualTo(OperationCode.UP_TO_DATE);
        assertThat(host.exchanges()).extracting(Exchange::status).as("then conditional again").containsExactly(304);
    }

    @Test
    void a304ForAStatementWhoseMinimumVersionIsAboveWhatRunsNowIsNotInstalled() throws Exception {
        installedFromTheChannel();
        publish("1.2.0", v3, "--minimum-version", "1.1.0");
        assertThat(agent().check(false).code()).isEqualTo(OperationCode.APPLIED);
        // The stack runs 1.0.0 again (restored from a backup of the host, say) while canary still offers 1.2.0.
        AgentState state = engine.store.load();
        engine.store.save(state.withInstalled(new Release("1.0.0", v1, Optional.empty(), Optional.empty())));
        clearLogs();

        OperationResult result = agent().check(false);

        assertThat(host.exchanges()).extracting(Exchange::status).containsExactly(304);
        assertThat(result.code()).isEqualTo(OperationCode.REJECTED);
        assertThat(result.reason()).contains("minimum_version");
        assertThat(engine.stack.actions()).as("rule 6 holds on the 304 path too").isEmpty();
    }

    @Test
    void withoutAKeptCopyThePollIsUnconditional() throws Exception {
        installedFromTheChannel();
        // Accepted by an agent version that kept no copy, or the copy was removed.
        Files.delete(keptStatement());

        OperationResult result = agent().check(false);

        assertThat(result.code()).as(result.message()).isEqualTo(OperationCode.UP_TO_DATE);
        assertThat(host.exchanges()).extracting(Exchange::path, Exchange::status)
                .containsExactly(tuple(LATEST, 200), tuple(SIGNATURE, 200));
        assertThat(host.exchanges().get(0).header("If-None-Match")).isEmpty();
        assertThat(keptStatement()).exists();
    }

    @Test
    void anInstalledStatementPastItsExpiryIsUpToDateWithTheStaleChannelWarning() throws Exception {
        publish("1.1.0", v2, "--expires-in", "1h");
        assertThat(agent().check(false).code()).isEqualTo(OperationCode.APPLIED);
        Instant expires = engine.store.load().trust(CHANNEL).orElseThrow().expires();
        clearLogs();
        // Nobody refreshes the channel (or someone holds it frozen): the host keeps answering 304.
        engine.clock.set(expires.plus(Duration.ofMinutes(10)));
        Agent agent = agent();

        OperationResult result = agent.check(false);

        assertThat(result.success()).isTrue();
        assertThat(result.code()).isEqualTo(OperationCode.UP_TO_DATE);
        assertThat(host.exchanges()).extracting(Exchange::path, Exchange::status).containsExactly(tuple(LATEST, 304));
        LastCheck last = engine.store.load().lastCheck().orElseThrow();
        assertThat(last.warning()).hasValueSatisfying(w -> assertThat(w).contains(Checker.STALE, "1.1.0"));
        AgentStatus status = lastStatus();
        assertThat(status.lastCheckResult()).contains("up_to_date");
        assertThat(status.warning()).hasValueSatisfying(w -> assertThat(w).contains("channel stale or frozen"));
        assertThat(status.installedVersion()).contains("1.1.0");
        assertThat(engine.stack.actions()).isEmpty();
        assertThat(engine.store.load().installed().map(Release::version)).contains("1.1.0");

        // Once the team refreshes the statement, the warning is gone.
        release.cli.at(engine.clock.instant());
        release.refresh(CHANNEL).assertSuccess();
        OperationResult refreshed = agent.check(false);
        assertThat(refreshed.code()).as(refreshed.message()).isEqualTo(OperationCode.UP_TO_DATE);
        assertThat(lastStatus().warning()).isEmpty();
        assertThat(engine.stack.actions()).isEmpty();
    }
}
