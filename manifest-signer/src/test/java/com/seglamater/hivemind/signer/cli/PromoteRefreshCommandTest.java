package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.release.ReleaseStatement;
import com.seglamater.hivemind.model.verify.ExpiredStatementException;
import com.seglamater.hivemind.model.verify.TrustedState;
import com.seglamater.hivemind.model.verify.VerifiedStatement;
import com.seglamater.hivemind.signer.testing.Cli;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;
import com.seglamater.hivemind.signer.testing.TestKeys;
import com.seglamater.hivemind.signer.testing.TreeSnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.seglamater.hivemind.signer.testing.ReleaseFixture.NOW;
import static com.seglamater.hivemind.signer.testing.ReleaseFixture.SERVER_B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PromoteRefreshCommandTest {

    @TempDir
    Path dir;

    private ReleaseFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new ReleaseFixture(dir);
    }

    private Cli.Result promote(String... args) {
        return f.promote(args);
    }

    private Cli.Result refresh(String channel, String... extra) {
        return f.refresh(channel, extra);
    }

    @Test
    void promoteCanaryToBetaStartsBetaAtSequenceOneWithTheSameReleaseAndLeavesTheManifest() throws Exception {
        f.publishOk("canary", "0.1.0");
        f.publishOk("canary", "0.1.1");
        byte[] manifest = Files.readAllBytes(f.manifest("0.1.1"));
        f.cli.at(NOW.plus(Duration.ofHours(2)));

        Cli.Result r = promote("--from", "canary", "--to", "beta");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        VerifiedStatement beta = f.verifyAsAgent("beta", NOW.plus(Duration.ofHours(2)));
        ReleaseStatement canary = f.read(f.latest("canary"));
        assertThat(beta.statement().channel()).isEqualTo("beta");
        assertThat(beta.statement().sequence()).isEqualTo(1);
        assertThat(beta.statement().sameReleaseAs(canary)).isTrue();
        assertThat(beta.statement().published()).isEqualTo(NOW.plus(Duration.ofHours(2)));
        assertThat(Files.readAllBytes(f.manifest("0.1.1"))).isEqualTo(manifest);
        assertThat(r.out()).doesNotContain("releases/");
    }

    @Test
    void promoteAnOlderVersionByNameAndThenOnwardsToStable() throws Exception {
        f.publishOk("canary", "0.1.0");
        f.publishOk("canary", "0.1.1", "--image", "hivemind-server=" + SERVER_B);

        promote("--from", "canary", "--to", "beta", "--version", "0.1.0").assertSuccess();
        promote("--from", "beta", "--to", "stable").assertSuccess();

        assertThat(f.read(f.latest("beta")).version()).hasToString("0.1.0");
        assertThat(f.read(f.latest("stable")).version()).hasToString("0.1.0");
        assertThat(f.verifyAsAgent("stable", NOW).statement().sequence()).isEqualTo(1);
    }

    @Test
    void promoteToTheSameChannelIsAUsageError() {
        Cli.Result r = promote("--from", "canary", "--to", "canary");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("use refresh to re-sign a channel");
    }

    @ParameterizedTest
    @ValueSource(strings = {"promote --from canary --to beta", "refresh --channel canary"})
    void keyringIsRequired(String command) throws Exception {
        f.publishOk("canary", "0.1.0");
        Map<String, String> before = TreeSnapshot.of(f.tree);
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--tree", f.tree.toString(), "--secret-key", f.alice.secret().toString()));

        Cli.Result r = f.cli.run(args.toArray(String[]::new));

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("Missing required option: '--keyring=FILE'");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void promoteOfAVersionWithBuildMetadataIsAUsageError() throws Exception {
        f.publishOk("canary", "0.1.0");
        Map<String, String> before = TreeSnapshot.of(f.tree);
        Cli.Result r = promote("--from", "canary", "--to", "beta", "--version", "0.1.0+build.1");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("--version 0.1.0+build.1 has build metadata");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void refreshWithAnExpiryOutsideTheRangeIsAUsageError() throws Exception {
        f.publishOk("canary", "0.1.0");
        Map<String, String> before = TreeSnapshot.of(f.tree);
        Cli.Result r = refresh("canary", "--expires-in", "30m");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("--expires-in must be from 1h to 365d");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void promoteFromAChannelWithoutReleaseOrOfAnUnpublishedVersionIsAnInputError() throws Exception {
        Cli.Result empty = promote("--from", "canary", "--to", "beta");
        assertThat(empty.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(empty.errLines()).singleElement().asString().contains("channel canary has no release yet");
        f.publishOk("canary", "0.1.0");
        Cli.Result r = promote("--from", "canary", "--to", "beta", "--version", "9.9.9");
        assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(r.err()).contains("release 9.9.9 was never published");
    }

    @Test
    void promoteOfATamperedManifestFailsVerificationAndChangesNothing() throws Exception {
        f.publishOk("canary", "0.1.0");
        Files.writeString(f.manifest("0.1.0"), Files.readString(f.manifest("0.1.0")).replace('a', 'b'));
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = promote("--from", "canary", "--to", "beta");

        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.errLines()).singleElement().asString().contains("releases/0.1.0/manifest.json does not verify")
                .contains("restore it from a backup");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void promoteOntoATargetWhoseStatementIsGoneButWhoseSignatureRemainsIsRefused() throws Exception {
        f.publishOk("canary", "0.1.0");
        f.publishOk("beta", "0.1.0");
        Files.delete(f.latest("beta"));
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = promote("--from", "canary", "--to", "beta", "--allow-untrusted-current");

        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.errLines()).singleElement().asString().endsWith("channels/beta/latest.json is missing but its "
                + "signature exists: the channel has history; restore latest.json");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void promoteReplacesATargetSignedByARevokedKeyOnlyWhenAllowed() throws Exception {
        f.publishOk("beta", "0.0.9");
        TestKeys.KeyFiles bob = f.addKey("bob", Optional.empty());
        f.revoke(f.alice);
        f.publishOk("canary", "0.1.0", "--secret-key", bob.secret().toString());
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result refused = promote("--from", "canary", "--to", "beta", "--secret-key", bob.secret().toString());
        assertThat(refused.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(refused.errLines()).singleElement().asString()
                .contains("channels/beta/latest.json does not verify").contains("was revoked")
                .contains("--allow-untrusted-current");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);

        Cli.Result r = promote("--from", "canary", "--to", "beta", "--secret-key", bob.secret().toString(),
                "--allow-untrusted-current");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(f.verifyAsAgent("beta", NOW).statement().sequence()).isEqualTo(2);
    }

    @Test
    void promoteRefusesToMoveTheTargetChannelBackUnlessAllowed() throws Exception {
        f.publishOk("canary", "0.1.0");
        f.publishOk("beta", "0.2.0", "--image", "hivemind-server=" + SERVER_B);
        Map<String, String> before = TreeSnapshot.of(f.tree);
        Cli.Result refused = promote("--from", "canary", "--to", "beta");
        assertThat(refused.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(refused.errLines()).singleElement().asString()
                .contains("channel beta is at 0.2.0, newer than 0.1.0: pass --allow-downgrade");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
        promote("--from", "canary", "--to", "beta", "--allow-downgrade").assertSuccess();
        assertThat(f.read(f.latest("beta")).sequence()).isEqualTo(2);
    }

    @Test
    void refreshRenewsAnExpiredChannelWithTheNextSequence() throws Exception {
        f.publishOk("canary", "0.1.0");
        VerifiedStatement original = f.verifyAsAgent("canary", NOW);
        TrustedState agentState = original.nextState(TrustedState.initial("canary", Optional.empty()));
        Instant later = NOW.plus(Duration.ofDays(30));
        // The old statement is expired for agents...
        assertThatThrownBy(() -> f.verifyAsAgent("canary", later, agentState))
                .isInstanceOf(ExpiredStatementException.class);

        // ...and refresh still accepts it as the channel's current release.
        Cli.Result r = f.cli.at(later).run("refresh", "--tree", f.tree.toString(), "--channel", "canary",
                "--secret-key", f.alice.secret().toString(), "--keyring", f.keyring.toString(), "--expires-in", "14d");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        VerifiedStatement refreshed = f.verifyAsAgent("canary", later, agentState);
        assertThat(refreshed.statement().sequence()).isEqualTo(2);
        assertThat(refreshed.statement().published()).isEqualTo(later);
        assertThat(refreshed.statement().expires()).isEqualTo(later.plus(Duration.ofDays(14)));
        assertThat(refreshed.statement().sameReleaseAs(original.statement())).isTrue();
    }

    @Test
    void refreshOfAChannelWithoutReleaseIsAnInputError() {
        Cli.Result r = refresh("canary");
        assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(r.err()).contains("has no release yet");
    }

    @Test
    void refreshOfATamperedChannelFailsVerificationAndChangesNothing() throws Exception {
        f.publishOk("canary", "0.1.0");
        Files.writeString(f.latest("canary"), Files.readString(f.latest("canary")).replace("0.1.0", "0.1.1"));
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = refresh("canary", "--allow-untrusted-current");

        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.errLines()).singleElement().asString().contains("channels/canary/latest.json does not verify")
                .contains("does not match the data").contains("restore it from a backup");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void refreshOfAChannelWhoseStatementIsGoneButWhoseSignatureRemainsIsRefused() throws Exception {
        f.publishOk("canary", "0.1.0");
        Files.delete(f.latest("canary"));
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = refresh("canary");

        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.errLines()).singleElement().asString().endsWith("channels/canary/latest.json is missing but "
                + "its signature exists: the channel has history; restore latest.json");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void refreshRecoversAChannelSignedByARevokedKeyOnlyWithAllowUntrustedCurrent() throws Exception {
        f.publishOk("canary", "0.1.0");
        f.publishOk("canary", "0.1.0");
        ReleaseStatement old = f.read(f.latest("canary"));
        TestKeys.KeyFiles bob = f.addKey("bob", Optional.empty());
        f.revoke(f.alice);
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result refused = refresh("canary", "--secret-key", bob.secret().toString());
        assertThat(refused.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(refused.errLines()).singleElement().asString()
                .contains("channels/canary/latest.json does not verify").contains("was revoked")
                .contains("replace it with --allow-untrusted-current");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);

        Cli.Result r = refresh("canary", "--secret-key", bob.secret().toString(), "--allow-untrusted-current");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).contains("WARNING: replacing channels/canary/latest.json, which does NOT verify")
                .contains("continuing after its sequence 2");
        VerifiedStatement s = f.verifyAsAgent("canary", NOW);
        assertThat(s.statement().sequence()).isEqualTo(3);
        assertThat(s.statement().sameReleaseAs(old)).isTrue();
        assertThat(s.signers()).singleElement()
                .satisfies(v -> assertThat(v.certificate()).isEqualTo(bob.fingerprint()));
    }

    @Test
    void refreshRecoversAChannelWhoseKeyWasRemovedFromTheKeyring() throws Exception {
        f.publishOk("canary", "0.1.0");
        TestKeys.KeyFiles bob = f.addKey("bob", Optional.empty());
        f.cli.run("keyring", "remove", "--keyring", f.keyring.toString(), f.alice.fingerprint()).assertSuccess();

        Cli.Result r = refresh("canary", "--secret-key", bob.secret().toString(), "--allow-untrusted-current");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).contains("which is not in the trusted keyring");
        assertThat(f.verifyAsAgent("canary", NOW).statement().sequence()).isEqualTo(2);
    }
}
