package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.signer.testing.Cli;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;
import com.seglamater.hivemind.signer.testing.TestKeys;
import com.seglamater.hivemind.signer.testing.TreeSnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static com.seglamater.hivemind.signer.testing.ReleaseFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Agents reject a signature once its key has expired, so a statement must not outlive the key
 * that signs it: publish, promote and refresh refuse (exit 6) and say how long it may be valid.
 */
class SigningKeyExpiryTest {

    @TempDir
    Path dir;

    private ReleaseFixture f;
    /** Created a day ago, valid for ten days: expires in nine. */
    private TestKeys.KeyFiles shortLived;
    private final Instant keyExpires = NOW.plus(Duration.ofDays(9));

    @BeforeEach
    void setUp() throws Exception {
        f = new ReleaseFixture(dir);
        shortLived = f.addKey("short", Optional.of(Duration.ofDays(10)));
    }

    @Test
    void publishRefusesAStatementThatWouldOutliveItsSigningKey() throws Exception {
        f.publishOk("canary", "0.1.0");
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = f.publish("canary", "0.1.1", "--secret-key", shortLived.secret().toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.KEY_UNUSABLE);
        assertThat(r.errLines()).singleElement().asString().isEqualTo("manifest-signer: key "
                + shortLived.fingerprint() + " expires at " + keyExpires + ", before this statement would expire at "
                + NOW.plus(Duration.ofDays(21)) + ": pass --expires-in of at most 9d or extend the key");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void aValidityWithinTheKeysLifetimeIsAccepted() throws Exception {
        f.publishOk("canary", "0.1.0", "--secret-key", shortLived.secret().toString(), "--expires-in", "9d");
        assertThat(f.verifyAsAgent("canary", NOW).statement().expires()).isEqualTo(keyExpires);
    }

    @Test
    void refreshAndPromoteRefuseItToo() throws Exception {
        f.publishOk("canary", "0.1.0");
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result refresh = f.refresh("canary", "--secret-key", shortLived.secret().toString(), "--expires-in", "14d");
        assertThat(refresh.exitCode()).isEqualTo(ExitCode.KEY_UNUSABLE);
        assertThat(refresh.errLines()).singleElement().asString()
                .contains("before this statement would expire at " + NOW.plus(Duration.ofDays(14)))
                .endsWith("pass --expires-in of at most 9d or extend the key");

        Cli.Result promote = f.promote("--from", "canary", "--to", "beta", "--secret-key",
                shortLived.secret().toString());
        assertThat(promote.exitCode()).isEqualTo(ExitCode.KEY_UNUSABLE);
        assertThat(promote.errLines()).singleElement().asString().contains("expires at " + keyExpires);
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void aKeyThatExpiresWithinTheHourCanOnlyBeExtended() throws Exception {
        TestKeys.KeyFiles almostGone = f.addKey("almost", Optional.of(Duration.ofDays(1).plusMinutes(30)));

        Cli.Result r = f.publish("canary", "0.1.0", "--secret-key", almostGone.secret().toString(),
                "--expires-in", "1h");

        assertThat(r.exitCode()).isEqualTo(ExitCode.KEY_UNUSABLE);
        assertThat(r.errLines()).singleElement().asString()
                .contains("expires at " + NOW.plus(Duration.ofMinutes(30)))
                .endsWith("extend the key (it expires sooner than the shortest --expires-in, 1h) or sign with another key");
        assertThat(TreeSnapshot.files(f.tree)).isEmpty();
    }
}
