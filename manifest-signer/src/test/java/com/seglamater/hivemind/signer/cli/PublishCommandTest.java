package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.release.ReleaseStatement;
import com.seglamater.hivemind.model.verify.TrustedState;
import com.seglamater.hivemind.model.verify.UnknownServiceException;
import com.seglamater.hivemind.model.verify.VerifiedStatement;
import com.seglamater.hivemind.signer.testing.Cli;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;
import com.seglamater.hivemind.signer.testing.TestKeys;
import com.seglamater.hivemind.signer.testing.TreeSnapshot;
import com.seglamater.hivemind.signer.tree.TreeLock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static com.seglamater.hivemind.signer.testing.ReleaseFixture.NOW;
import static com.seglamater.hivemind.signer.testing.ReleaseFixture.SERVER_A;
import static com.seglamater.hivemind.signer.testing.ReleaseFixture.SERVER_B;
import static com.seglamater.hivemind.signer.testing.ReleaseFixture.UPDATER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PublishCommandTest {

    @TempDir
    Path dir;

    private ReleaseFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new ReleaseFixture(dir);
    }

    @Test
    void firstPublishWritesExactlyTheDesignTreeAndAgentsAcceptIt() throws Exception {
        Cli.Result r = f.publish("canary", "0.1.7", "--image", "hivemind-server=" + SERVER_A, "--image", "hivemind-updater=" + UPDATER,
                "--minimum-version", "0.1.0", "--notes", "https://example.org/notes/0.1.7");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(TreeSnapshot.files(f.tree)).containsExactly(
                "channels/canary/latest.json", "channels/canary/latest.json.asc", "keys/release-keys.asc",
                "releases/0.1.7/manifest.json", "releases/0.1.7/manifest.json.asc");
        VerifiedStatement verified = f.verifyAsAgent("canary", NOW);
        ReleaseStatement s = verified.statement();
        assertThat(s.channel()).isEqualTo("canary");
        assertThat(s.version()).hasToString("0.1.7");
        assertThat(s.sequence()).isEqualTo(1);
        assertThat(s.published()).isEqualTo(NOW);
        assertThat(s.expires()).isEqualTo(NOW.plus(Duration.ofDays(21)));
        assertThat(s.images()).containsOnlyKeys("hivemind-server", "hivemind-updater");
        assertThat(s.images().get("hivemind-server")).hasToString(SERVER_A);
        assertThat(s.minimumVersion()).map(Object::toString).contains("0.1.0");
        assertThat(s.notes()).contains("https://example.org/notes/0.1.7");
        assertThat(verified.signers()).singleElement()
                .satisfies(v -> assertThat(v.certificate()).isEqualTo(f.alice.fingerprint()));
        assertThat(f.manifest("0.1.7")).hasSameBinaryContentAs(f.latest("canary"));
        assertThat(r.out()).contains("sequence:  1").contains("expires:   " + NOW.plus(Duration.ofDays(21)))
                .contains("wrote:     releases/0.1.7/manifest.json").contains("wrote:     channels/canary/latest.json");
    }

    @Test
    void copiesTheGivenKeyringIntoTheTreeWhenItChanged() throws Exception {
        Cli.Result first = f.publishOk("canary", "0.1.0");
        assertThat(f.treeKeyring).hasSameBinaryContentAs(f.keyring);
        assertThat(first.out()).contains("wrote:     keys/release-keys.asc");

        Cli.Result unchanged = f.publishOk("canary", "0.1.1");
        assertThat(unchanged.out()).doesNotContain("keys/release-keys.asc");

        f.addKey("bob", Optional.empty());
        Cli.Result changed = f.publishOk("canary", "0.1.2");
        assertThat(changed.out()).contains("wrote:     keys/release-keys.asc");
        assertThat(f.treeKeyring).hasSameBinaryContentAs(f.keyring);
    }

    @Test
    void keyringIsRequiredAndTheTreeCopyIsNeverUsedInstead() throws Exception {
        f.publishOk("canary", "0.1.0");
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = f.cli.run("publish", "--tree", f.tree.toString(), "--channel", "canary", "--version", "0.1.1",
                "--image", "hivemind-server=" + SERVER_A, "--secret-key", f.alice.secret().toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("Missing required option: '--keyring=FILE'");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void aKeyRevokedInTheGivenKeyringCannotSignEvenThoughTheTreeCopyStillTrustsIt() throws Exception {
        f.publishOk("canary", "0.1.0");
        f.addKey("bob", Optional.empty());
        f.revoke(f.alice);
        Map<String, String> before = TreeSnapshot.of(f.tree);

        // A new channel and release, so neither alice's canary statement nor her manifest stops it first.
        Cli.Result r = f.publish("beta", "0.2.0");

        assertThat(r.exitCode()).isEqualTo(ExitCode.KEY_UNUSABLE);
        assertThat(r.errLines()).singleElement().asString()
                .contains("agents would reject the new statement signed by " + f.alice.fingerprint())
                .contains("was revoked");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void secondPublishIncrementsTheSequenceAndAgentsMoveOn() throws Exception {
        f.publishOk("canary", "0.1.0");
        VerifiedStatement first = f.verifyAsAgent("canary", NOW);
        f.publishOk("canary", "0.1.1", "--image", "hivemind-server=" + SERVER_B);

        VerifiedStatement second = f.verifyAsAgent("canary", NOW, first.nextState(
                TrustedState.initial("canary", Optional.empty())));
        assertThat(second.statement().sequence()).isEqualTo(2);
        assertThat(second.statement().version()).hasToString("0.1.1");
        assertThat(f.manifest("0.1.0")).exists();
        assertThat(f.read(f.manifest("0.1.1")).images().get("hivemind-server")).hasToString(SERVER_B);
    }

    @Test
    void republishingTheSameReleaseLeavesItsManifestUntouched() throws Exception {
        f.publishOk("canary", "0.1.0");
        byte[] manifest = Files.readAllBytes(f.manifest("0.1.0"));
        byte[] manifestSig = Files.readAllBytes(f.manifest("0.1.0").resolveSibling("manifest.json.asc"));

        f.cli.at(NOW.plus(Duration.ofHours(1)));
        Cli.Result r = f.publishOk("canary", "0.1.0");

        assertThat(r.out()).doesNotContain("releases/0.1.0");
        assertThat(Files.readAllBytes(f.manifest("0.1.0"))).isEqualTo(manifest);
        assertThat(Files.readAllBytes(f.manifest("0.1.0").resolveSibling("manifest.json.asc"))).isEqualTo(manifestSig);
        assertThat(f.read(f.latest("canary")).sequence()).isEqualTo(2);
    }

    @Test
    void republishingAVersionWithDifferentImagesIsRefusedAndTheTreeIsUnchanged() throws Exception {
        f.publishOk("canary", "0.1.0");
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = f.publish("canary", "0.1.0", "--image", "hivemind-server=" + SERVER_B, "--image", "hivemind-updater=" + UPDATER);

        assertThat(r.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(r.errLines()).singleElement().asString()
                .contains("release 0.1.0 was already published with different content")
                .contains("image hivemind-server was " + SERVER_A + ", now " + SERVER_B);
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "hivemind-server=registry.example.org/hivemind/server:0.1.0",
            "hivemind-server=registry.example.org/hivemind/server:0.1.0@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "hivemind-server=hivemind/server@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "registry.example.org/hivemind/server@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "bad service=registry.example.org/hivemind/server@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void imagesMustBeServiceEqualsAnImagePinnedByDigest(String image) throws Exception {
        Map<String, String> before = TreeSnapshot.of(f.tree);
        Cli.Result r = f.publish("canary", "0.1.0", "--image", image);
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).hasSize(1);
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void rejectsAServiceNameTheShippedStackDoesNotHaveAndWritesNothing() throws Exception {
        f.publishOk("canary", "0.1.0");
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = f.publish("canary", "0.1.1", "--image", "server=" + SERVER_B, "--image", "updater=" + UPDATER);

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).containsExactly("manifest-signer: --image names service 'server', which the shipped "
                + "stack does not have (did you mean 'hivemind-server'?): its services are hivemind-server, "
                + "hivemind-updater, hivemind-db. Agents would refuse the release (unknown_service), and it could not "
                + "be changed once published. For a stack of your own that has this service, pass --allow-service server");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void rejectsAMisspelledServiceNameWithoutGuessing() {
        Cli.Result r = f.publish("canary", "0.1.0", "--image", "hivemind-sever=" + SERVER_A);

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString()
                .startsWith("manifest-signer: --image names service 'hivemind-sever', which the shipped stack does not "
                        + "have: its services are hivemind-server, hivemind-updater, hivemind-db.");
        assertThat(TreeSnapshot.files(f.tree)).isEmpty();
    }

    @Test
    void allowServiceLetsACustomStacksServiceThroughAndOnlyThatOne() throws Exception {
        Cli.Result other = f.publish("canary", "0.1.0", "--image", "web=" + SERVER_A, "--image", "worker=" + UPDATER,
                "--allow-service", "web");
        assertThat(other.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(other.err()).contains("service 'worker'");
        assertThat(TreeSnapshot.files(f.tree)).isEmpty();

        f.publishOk("canary", "0.1.0", "--image", "web=" + SERVER_A, "--image", "worker=" + UPDATER,
                "--image", "hivemind-updater=" + UPDATER, "--allow-service", "web", "--allow-service", "worker");

        assertThat(f.read(f.latest("canary")).images()).containsOnlyKeys("web", "worker", "hivemind-updater");
        // Why it takes an explicit option: an agent of the shipped stack refuses such a release.
        assertThatThrownBy(() -> f.verifyAsAgent("canary", NOW)).isInstanceOf(UnknownServiceException.class);
    }

    @Test
    void allowServiceTakesOnlyAValidServiceName() {
        Cli.Result r = f.publish("canary", "0.1.0", "--allow-service", "bad service");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("'bad service' is not a valid compose service name");
        assertThat(TreeSnapshot.files(f.tree)).isEmpty();
    }

    @Test
    void aTagInsteadOfADigestIsAUsageErrorThatSaysSo() {
        Cli.Result r = f.publish("canary", "0.1.0", "--image", "hivemind-server=registry.example.org/hivemind/server:latest");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("tags are not allowed");
    }

    @Test
    void theSameServiceTwiceIsAUsageError() {
        Cli.Result r = f.publish("canary", "0.1.0", "--image", "hivemind-server=" + SERVER_A, "--image", "hivemind-server=" + SERVER_B);
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("twice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--channel=Canary", "--channel=../x", "--version=v1.0.0", "--version=1.0",
            "--minimum-version=2.0.0", "--expires-in=forever", "--version=1.0.0+build.5",
            "--minimum-version=0.1.0+build.5", "--expires-in=59m", "--expires-in=366d", "--expires-in=2y"})
    void invalidChannelVersionMinimumOrExpiryIsAUsageError(String option) {
        String[] kv = option.split("=", 2);
        String channel = kv[0].equals("--channel") ? kv[1] : "canary";
        String version = kv[0].equals("--version") ? kv[1] : "1.0.0";
        Cli.Result r = kv[0].equals("--channel") || kv[0].equals("--version")
                ? f.publish(channel, version)
                : f.publish(channel, version, "--image", "hivemind-server=" + SERVER_A, option);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).hasSize(1);
        assertThat(TreeSnapshot.files(f.tree)).isEmpty();
    }

    @Test
    void buildMetadataInAVersionIsAUsageErrorThatSaysWhy() {
        Cli.Result version = f.publish("canary", "0.1.7+build.5");
        assertThat(version.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(version.errLines()).singleElement().asString()
                .contains("--version 0.1.7+build.5 has build metadata (+build.5)")
                .contains("versions that differ only in it are equal to agents");

        Cli.Result minimum = f.publish("canary", "0.1.7", "--minimum-version", "0.1.0+ci");
        assertThat(minimum.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(minimum.errLines()).singleElement().asString()
                .contains("--minimum-version 0.1.0+ci has build metadata (+ci)");
        assertThat(TreeSnapshot.files(f.tree)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"59m", "3599s", "366d", "8761h", "730d"})
    void expiresInOutsideOneHourToOneYearIsAUsageErrorNamingTheRange(String expiresIn) {
        Cli.Result r = f.publish("canary", "0.1.0", "--expires-in", expiresIn);
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("'" + expiresIn + "'")
                .contains("--expires-in must be from 1h to 365d");
        assertThat(TreeSnapshot.files(f.tree)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2w", "1y", "21D", "1h30m"})
    void expiresInOutsideTheDurationGrammarIsAUsageErrorSayingWhatIsAccepted(String expiresIn) {
        Cli.Result r = f.publish("canary", "0.1.0", "--expires-in", expiresIn);
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString()
                .startsWith("manifest-signer: Invalid value for option '--expires-in': '" + expiresIn
                        + "' is not a duration (a whole number and s, m, h or d, such as 30m or 12h)");
        assertThat(TreeSnapshot.files(f.tree)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1h", "60m", "8760h", "365d"})
    void expiresInAcceptsTheBoundsOfItsRange(String expiresIn) throws Exception {
        f.publishOk("canary", "0.1.0", "--expires-in", expiresIn);
        assertThat(f.read(f.latest("canary")).expires()).isEqualTo(NOW.plus(new DurationConverter().convert(expiresIn)));
    }

    @Test
    void aKeyNotInTheKeyringIsUnusableAndTheTreeIsUnchanged() throws Exception {
        f.publishOk("canary", "0.1.0");
        Map<String, String> before = TreeSnapshot.of(f.tree);
        TestKeys.KeyFiles mallory = TestKeys.create(f.keys, "mallory", NOW.minus(Duration.ofDays(1)));

        Cli.Result r = f.publish("canary", "0.2.0", "--image", "hivemind-server=" + SERVER_B, "--secret-key",
                mallory.secret().toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.KEY_UNUSABLE);
        assertThat(r.errLines()).singleElement().asString()
                .contains("key " + mallory.fingerprint()).contains("is not in the keyring agents trust");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aTamperedCurrentStatementIsNeverReplacedNotEvenWithAllowUntrustedCurrent(boolean allow) throws Exception {
        f.publishOk("canary", "0.1.0");
        String tampered = Files.readString(f.latest("canary")).replace("\"sequence\" : 1", "\"sequence\" : 99");
        assertThat(tampered).isNotEqualTo(Files.readString(f.latest("canary")));
        Files.writeString(f.latest("canary"), tampered);
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = allow ? f.publish("canary", "0.1.1", "--allow-untrusted-current") : f.publish("canary", "0.1.1");

        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.errLines()).singleElement().asString().contains("channels/canary/latest.json does not verify")
                .contains("does not match the data").contains("restore it from a backup")
                .doesNotContain("--allow-untrusted-current");
        assertThat(r.err()).doesNotContain("WARNING");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aMissingSignatureOfTheCurrentStatementIsDamageNotKeyRotation(boolean allow) throws Exception {
        f.publishOk("canary", "0.1.0");
        Files.delete(f.latest("canary").resolveSibling("latest.json.asc"));
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = allow ? f.publish("canary", "0.1.1", "--allow-untrusted-current") : f.publish("canary", "0.1.1");

        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.errLines()).singleElement().asString().contains("latest.json.asc is missing")
                .contains("restore it from a backup");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aStatementWhoseSignatureIsMissingIsNotANewChannel(boolean allow) throws Exception {
        f.publishOk("canary", "0.1.0");
        f.publishOk("canary", "0.1.1");
        Files.delete(f.latest("canary"));
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = allow ? f.publish("canary", "0.1.2", "--allow-untrusted-current") : f.publish("canary", "0.1.2");

        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.errLines()).singleElement().asString().endsWith("channels/canary/latest.json is missing but its "
                + "signature exists: the channel has history; restore latest.json");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void aStatementSignedByAKeyRevokedSinceButWhoseContentWasChangedIsDamaged() throws Exception {
        f.publishOk("canary", "0.1.0");
        f.addKey("bob", Optional.empty());
        f.revoke(f.alice);
        // The verifier stops at the revoked key without checking the bytes; publish checks them.
        Files.writeString(f.latest("canary"),
                Files.readString(f.latest("canary")).replace("\"sequence\" : 1", "\"sequence\" : 99"));
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = f.publish("canary", "0.1.1", "--secret-key", f.keys.resolve("bob.asc").toString(),
                "--allow-untrusted-current");

        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.errLines()).singleElement().asString().contains("channels/canary/latest.json does not verify")
                .contains("was revoked").contains("restore it from a backup");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void aStatementSignedCorrectlyButForAnotherChannelIsDamaged() throws Exception {
        f.publishOk("beta", "0.1.0");
        Files.createDirectories(f.latest("canary").getParent());
        Files.copy(f.latest("beta"), f.latest("canary"));
        Files.copy(f.tree.resolve("channels/beta/latest.json.asc"), f.tree.resolve("channels/canary/latest.json.asc"));
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = f.publish("canary", "0.1.1", "--allow-untrusted-current");

        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.errLines()).singleElement().asString()
                .contains("it is signed, but it is for channel beta, not canary").contains("restore it from a backup");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void anUntrustedCurrentStatementAtTheLargestSequenceIsRefusedWithAReason() throws Exception {
        f.publishOk("canary", "0.1.0");
        ReleaseStatement max = f.read(f.latest("canary")).republish("canary", ReleaseStatement.MAX_SEQUENCE, NOW,
                NOW.plus(Duration.ofDays(21)));
        f.writeSigned(f.latest("canary"), max, f.alice);
        TestKeys.KeyFiles bob = f.addKey("bob", Optional.empty());
        f.revoke(f.alice);
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = f.publish("canary", "0.1.1", "--secret-key", bob.secret().toString(),
                "--allow-untrusted-current");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.REFUSED);
        assertThat(r.errLines()).singleElement().asString()
                .contains("channels/canary/latest.json has sequence " + ReleaseStatement.MAX_SEQUENCE)
                .contains("the largest a statement may carry (2^53)").contains("publish to a new channel");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void aTrustedCurrentStatementAtTheLargestSequenceIsRefusedWithAReason() throws Exception {
        f.publishOk("canary", "0.1.0");
        f.writeSigned(f.latest("canary"), f.read(f.latest("canary")).republish("canary",
                ReleaseStatement.MAX_SEQUENCE, NOW, NOW.plus(Duration.ofDays(21))), f.alice);
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = f.publish("canary", "0.1.1");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.REFUSED);
        assertThat(r.errLines()).singleElement().asString().contains("the largest a statement may carry (2^53)");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void allowUntrustedCurrentReplacesAChannelSignedByARevokedKeyAndSaysSoLoudly() throws Exception {
        f.publishOk("canary", "0.1.0");
        f.publishOk("canary", "0.1.1");
        // Alice's key is compromised: revoke it, add Bob's, and re-sign the channel with Bob's key.
        TestKeys.KeyFiles bob = f.addKey("bob", Optional.empty());
        f.revoke(f.alice);
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result refused = f.publish("canary", "0.1.2", "--image", "hivemind-server=" + SERVER_B, "--secret-key",
                bob.secret().toString());
        assertThat(refused.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(refused.errLines()).singleElement().asString().contains("was revoked")
                .contains("replace it with --allow-untrusted-current");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);

        Cli.Result r = f.publish("canary", "0.1.2", "--image", "hivemind-server=" + SERVER_B, "--secret-key",
                bob.secret().toString(), "--allow-untrusted-current");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).contains("WARNING").contains("does NOT verify").contains("sequence 2");
        VerifiedStatement s = f.verifyAsAgent("canary", NOW);
        assertThat(s.statement().sequence()).isEqualTo(3);
        assertThat(s.signers()).singleElement().satisfies(v -> assertThat(v.certificate()).isEqualTo(bob.fingerprint()));
    }

    @Test
    void aDowngradeIsRefusedUnlessAllowed() throws Exception {
        f.publishOk("canary", "0.2.0");
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result refused = f.publish("canary", "0.1.9", "--image", "hivemind-server=" + SERVER_B);
        assertThat(refused.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(refused.err()).contains("channel canary is at 0.2.0, newer than 0.1.9").contains("--allow-downgrade");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);

        Cli.Result allowed = f.publish("canary", "0.1.9", "--image", "hivemind-server=" + SERVER_B, "--allow-downgrade");
        assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
        assertThat(f.read(f.latest("canary")).version()).hasToString("0.1.9");
        assertThat(f.read(f.latest("canary")).sequence()).isEqualTo(2);
    }

    @Test
    void aLockedTreeIsRefused() throws Exception {
        TreeLock held = TreeLock.tryAcquire(f.tree).orElseThrow();
        try {
            Cli.Result r = f.publish("canary", "0.1.0");
            assertThat(r.exitCode()).isEqualTo(ExitCode.REFUSED);
            assertThat(r.errLines()).singleElement().asString().contains("is locked by another publish");
        } finally {
            held.close();
        }
        assertThat(TreeSnapshot.files(f.tree)).isEmpty();
        assertThat(f.publish("canary", "0.1.0").exitCode()).isZero();
    }

    @Test
    void aFailedRenameInTheMiddleRollsBackEveryFileAndDirectory() throws Exception {
        f.publishOk("canary", "0.1.0");
        // The channel's signature path is a non-empty directory: its rename fails after the release's
        // manifest and latest.json were already renamed into place.
        Files.createDirectories(f.tree.resolve("channels/beta/latest.json.asc/blocker"));
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = f.publish("beta", "0.2.0");

        assertThat(r.exitCode()).isEqualTo(ExitCode.INTERNAL);
        assertThat(r.errLines()).singleElement().asString()
                .isEqualTo("manifest-signer: writing the release tree failed: could not replace "
                        + "channels/beta/latest.json.asc (Is a directory); it was rolled back "
                        + "and the tree is as it was");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
        assertThat(f.tree.resolve("releases/0.2.0")).doesNotExist();
        try (var files = Files.walk(f.tree)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.endsWith(".tmp") || n.endsWith(".bak"));
        }
    }

    @Test
    void aProtectedKeyWithTheWrongPassphraseIsUnusableAndTheTreeIsUnchanged() throws Exception {
        f.publishOk("canary", "0.1.0");
        TestKeys.KeyFiles locked = TestKeys.create(f.keys, "locked", NOW.minus(Duration.ofDays(1)),
                Optional.of("right"), Optional.empty());
        f.cli.run("keyring", "add", "--keyring", f.keyring.toString(),
                locked.certificate().toString()).assertSuccess();
        Map<String, String> before = TreeSnapshot.of(f.tree);

        f.cli.env("PASS", "wrong");
        Cli.Result r = f.publish("canary", "0.1.1", "--secret-key", locked.secret().toString(),
                "--passphrase-env", "PASS");

        assertThat(r.exitCode()).isEqualTo(ExitCode.KEY_UNUSABLE);
        assertThat(r.errLines()).singleElement().asString()
                .isEqualTo("manifest-signer: cannot unlock key " + locked.fingerprint() + ": wrong passphrase?");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);

        f.cli.env("PASS", "right");
        assertThat(f.publish("canary", "0.1.1", "--secret-key", locked.secret().toString(),
                "--passphrase-env", "PASS").exitCode()).isZero();
    }
}
