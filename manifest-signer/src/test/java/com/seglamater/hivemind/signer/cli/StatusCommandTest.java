package com.seglamater.hivemind.signer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.signer.testing.Cli;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

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
        String[] base = {"status", "--tree", f.tree.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return f.cli.run(args);
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
        assertThat(r.err()).contains("ERROR: channel canary does not verify");
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
        assertThat(canary.get("secondsLeft").asLong()).isEqualTo(Duration.ofDays(21).toSeconds());
        assertThat(canary.get("signers").get(0).get("certificate").asText()).isEqualTo(f.alice.fingerprint());
        assertThat(root.get("channels").get(1).get("state").asText()).isEqualTo("no-release");
    }

    @Test
    void aTreeWithoutKeyringNeedsTheKeyringOption() throws Exception {
        Path copy = f.keys.resolve("ring.asc");
        Files.delete(f.keyring);
        assertThat(status().exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(status("--keyring", copy.toString()).exitCode()).isZero();
    }
}
