package com.seglamater.hivemind.signer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.signer.testing.Cli;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;
import com.seglamater.hivemind.signer.testing.TestKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static com.seglamater.hivemind.signer.testing.ReleaseFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

class StatusCommandTest {

    @TempDir
    Path dir;

    private ReleaseFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new ReleaseFixture(dir);
        f.publishOk("canary", "0.1.0");
    }

    private Cli.Result status(String... extra) {
        return f.status(extra);
    }

    @Test
    void freshChannelsAreOk() {
        Cli.Result r = status();
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("canary: ok").contains("version:   0.1.0").contains("sequence:  1")
                .contains("(21d left)").contains("signed by: " + f.alice.fingerprint());
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aChannelDirectoryWithoutReleaseIsNormal() throws Exception {
        Files.createDirectories(f.tree.resolve("channels/stable"));
        Cli.Result r = status();
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("stable: no release yet");
    }

    @Test
    void aChannelExpiringWithinTheWindowIsAnAlertNamingRefresh() {
        Cli.Result r = status("--warn-within", "30d");
        assertThat(r.exitCode()).isEqualTo(ExitCode.CHANNEL_EXPIRING);
        assertThat(r.out()).contains("canary: expires soon");
        assertThat(r.err()).contains("WARNING: channel canary expires at")
                .contains("manifest-signer refresh --channel canary");
    }

    @Test
    void anExpiredChannelIsAnAlert() {
        Cli.Result r = f.cli.at(NOW.plus(Duration.ofDays(22))).run("status", "--tree", f.tree.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.CHANNEL_EXPIRING);
        assertThat(r.out()).contains("canary: EXPIRED").contains("expired 1d ago");
        assertThat(r.err()).contains("WARNING: channel canary has expired");
    }

    @Test
    void aTamperedChannelFailsVerificationEvenWhenAnotherExpires() throws Exception {
        f.publishOk("beta", "0.1.0", "--expires-in", "1d");
        Files.writeString(f.latest("canary"), Files.readString(f.latest("canary")).replace("0.1.0", "0.0.1"));
        Cli.Result r = status();
        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.out()).contains("canary: does not verify").contains("beta: expires soon");
        assertThat(r.err()).contains("ERROR: channel canary does not verify").contains("does not match the data")
                .contains("(tampered with or damaged: restore it from a backup)");
        JsonNode canary = new ObjectMapper().readTree(status("--json").out()).get("channels").get(1);
        assertThat(canary.get("state").asText()).isEqualTo("untrusted");
        assertThat(canary.get("cause").asText()).isEqualTo("damaged");
        // Dates of an unverified statement are not offered as time left.
        assertThat(canary.has("secondsLeft")).isFalse();
        assertThat(canary.has("effectiveExpires")).isFalse();
    }

    @Test
    void aStatementWhoseFileIsGoneButWhoseSignatureRemainsDoesNotVerify() throws Exception {
        Files.delete(f.latest("canary"));

        Cli.Result r = status();

        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.out()).contains("canary: does not verify")
                .contains("problem:   latest.json is missing but its signature latest.json.asc exists");
        assertThat(r.errLines()).singleElement().asString().isEqualTo("ERROR: channel canary does not verify: "
                + "latest.json is missing but its signature latest.json.asc exists (the channel has history: "
                + "restore latest.json from a backup)");
    }

    @Test
    void aChannelSignedByARevokedKeyDoesNotVerifyAndStatusSaysHowToRecover() throws Exception {
        f.addKey("bob", Optional.empty());
        f.revoke(f.alice);

        Cli.Result r = status("--keyring", f.keyring.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.errLines()).singleElement().asString().startsWith("ERROR: channel canary does not verify: ")
                .contains("was revoked").endsWith("(its key is no longer trusted: re-sign it with a trusted key, "
                        + "e.g. refresh --allow-untrusted-current)");
        JsonNode canary = new ObjectMapper().readTree(status("--json", "--keyring", f.keyring.toString()).out())
                .get("channels").get(0);
        assertThat(canary.get("cause").asText()).isEqualTo("key-not-trusted");
    }

    @Test
    void aKeyThatExpiresBeforeTheStatementLimitsItAndIsAnAlert() throws Exception {
        // Signed outside publish (which refuses this): the key expires in 9 days, the statement in 21.
        TestKeys.KeyFiles shortLived = f.addKey("short", Optional.of(Duration.ofDays(10)));
        Instant keyExpires = NOW.plus(Duration.ofDays(9));
        f.writeSigned(f.latest("canary"), f.read(f.latest("canary")).republish("canary", 2, NOW,
                NOW.plus(Duration.ofDays(21))), shortLived);
        Path teamKeyring = f.keyring;

        Cli.Result quiet = status("--keyring", teamKeyring.toString());
        assertThat(quiet.exitCode()).as(quiet.toString()).isZero();
        assertThat(quiet.out()).contains("canary: ok").contains("key expires: " + keyExpires + " (9d left; key ");

        Cli.Result r = status("--keyring", teamKeyring.toString(), "--warn-within", "10d");
        assertThat(r.exitCode()).isEqualTo(ExitCode.CHANNEL_EXPIRING);
        assertThat(r.out()).contains("canary: expires soon");
        assertThat(r.errLines()).singleElement().asString()
                .startsWith("WARNING: channel canary stops verifying at " + keyExpires + ", when key ")
                .contains("expires (before the statement itself, at " + NOW.plus(Duration.ofDays(21)) + ")")
                .contains("extend the key");

        JsonNode canary = new ObjectMapper().readTree(status("--json", "--keyring", teamKeyring.toString()).out())
                .get("channels").get(0);
        assertThat(canary.get("expires").asText()).isEqualTo(NOW.plus(Duration.ofDays(21)).toString());
        assertThat(canary.get("effectiveExpires").asText()).isEqualTo(keyExpires.toString());
        assertThat(canary.get("secondsLeft").asLong()).isEqualTo(Duration.ofDays(9).toSeconds());
        assertThat(canary.get("expiringKey").asText()).isIn(shortLived.fingerprint(),
                shortLived.key().certificate().subkeys().get(0).fingerprint());
    }

    @Test
    void jsonReportsEveryChannel() throws Exception {
        Files.createDirectories(f.tree.resolve("channels/stable"));
        Cli.Result r = status("--json");

        assertThat(r.exitCode()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("exitCode").asInt()).isZero();
        JsonNode canary = root.get("channels").get(0);
        assertThat(canary.get("channel").asText()).isEqualTo("canary");
        assertThat(canary.get("state").asText()).isEqualTo("ok");
        assertThat(canary.get("version").asText()).isEqualTo("0.1.0");
        assertThat(canary.get("sequence").asLong()).isEqualTo(1);
        assertThat(canary.get("expires").asText()).isEqualTo(NOW.plus(Duration.ofDays(21)).toString());
        assertThat(canary.get("effectiveExpires").asText()).isEqualTo(NOW.plus(Duration.ofDays(21)).toString());
        assertThat(canary.get("secondsLeft").asLong()).isEqualTo(Duration.ofDays(21).toSeconds());
        assertThat(canary.has("expiringKey")).isFalse();
        assertThat(canary.get("signers").get(0).get("certificate").asText()).isEqualTo(f.alice.fingerprint());
        assertThat(root.get("channels").get(1).get("state").asText()).isEqualTo("no-release");
    }

    @Test
    void aTreeWithoutKeyringNeedsTheKeyringOption() throws Exception {
        Files.delete(f.treeKeyring);
        Cli.Result r = status();
        assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(r.errLines()).singleElement().asString().contains("the tree has no keyring at")
                .contains("pass --keyring FILE");
        assertThat(status("--keyring", f.keyring.toString()).exitCode()).isZero();
    }
}
