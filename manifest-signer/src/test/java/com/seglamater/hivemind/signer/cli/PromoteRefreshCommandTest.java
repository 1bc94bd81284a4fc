package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.release.ReleaseStatement;
import com.seglamater.hivemind.model.verify.ExpiredStatementException;
import com.seglamater.hivemind.model.verify.TrustedState;
import com.seglamater.hivemind.model.verify.VerifiedStatement;
import com.seglamater.hivemind.signer.testing.Cli;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;
import com.seglamater.hivemind.signer.testing.TreeSnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

    private Cli.Result promote(String... extra) {
        String[] base = {"promote", "--tree", f.tree.toString(), "--secret-key", f.alice.secret().toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return f.cli.run(args);
    }

    private Cli.Result refresh(String channel, String... extra) {
        String[] base = {"refresh", "--tree", f.tree.toString(), "--channel", channel, "--secret-key",
                f.alice.secret().toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return f.cli.run(args);
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
        f.publishOk("canary", "0.1.1", "--image", "server=" + SERVER_B);

        assertThat(promote("--from", "canary", "--to", "beta", "--version", "0.1.0").exitCode()).isZero();
        assertThat(promote("--from", "beta", "--to", "stable").exitCode()).isZero();

        assertThat(f.read(f.latest("beta")).version()).hasToString("0.1.0");
        assertThat(f.read(f.latest("stable")).version()).hasToString("0.1.0");
        assertThat(f.verifyAsAgent("stable", NOW).statement().sequence()).isEqualTo(1);
    }

    @Test
    void promoteToTheSameChannelIsAUsageError() {
        Cli.Result r = promote("--from", "canary", "--to", "canary");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("refresh");
    }

    @Test
    void promoteFromAChannelWithoutReleaseOrOfAnUnpublishedVersionIsAnInputError() throws Exception {
        assertThat(promote("--from", "canary", "--to", "beta").exitCode()).isEqualTo(ExitCode.INPUT);
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
        assertThat(r.err()).contains("releases/0.1.0/manifest.json does not verify");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void promoteRefusesToMoveTheTargetChannelBackUnlessAllowed() throws Exception {
        f.publishOk("canary", "0.1.0");
        f.publishOk("beta", "0.2.0", "--image", "server=" + SERVER_B);
        assertThat(promote("--from", "canary", "--to", "beta").exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(promote("--from", "canary", "--to", "beta", "--allow-downgrade").exitCode()).isZero();
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
                "--secret-key", f.alice.secret().toString(), "--expires-in", "2w");

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

        Cli.Result r = refresh("canary");

        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }
}
