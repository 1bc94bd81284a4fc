package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.pgp.CryptoPolicy;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.signer.pgp.KeyException;
import com.seglamater.hivemind.signer.pgp.SecretKey;
import com.seglamater.hivemind.signer.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeygenCommandTest {

    private static final Instant NOW = Instant.parse("2026-11-20T08:00:00Z");
    private static final String UID = "Hivemind Release TEST ONLY <release@invalid>";

    @TempDir
    Path dir;

    private final Cli cli = new Cli(NOW);

    @Test
    void writesOwnerOnlySecretKeyAndRevocationCertificateAndAReadableCertificate() throws Exception {
        Path secret = dir.resolve("release.asc");
        Cli.Result r = cli.run("keygen", "--uid", UID, "--output", secret.toString(), "--no-passphrase");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        Path pub = dir.resolve("release.pub.asc");
        Path rev = dir.resolve("release.rev.asc");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rev))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pub))).isEqualTo("rw-r--r--");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("release.asc", "release.pub.asc", "release.rev.asc");
        }

        SecretKey key = SecretKey.parse(Files.readAllBytes(secret), CryptoPolicy.defaults());
        assertThat(key.isProtected()).isFalse();
        assertThat(key.certificate().userIds()).containsExactly(UID);
        assertThat(key.certificate().primary().expires()).isEmpty();
        assertThat(key.certificate().primary().algorithm()).isEqualTo("Ed25519");
        TrustedKeyring keyring = TrustedKeyring.parse(Files.readAllBytes(pub), CryptoPolicy.defaults());
        assertThat(keyring.certificates()).singleElement()
                .satisfies(c -> assertThat(c.fingerprint()).isEqualTo(key.fingerprint()));
        assertThat(keyring.withRevocation(Files.readAllBytes(rev)).certificates().get(0).statusAt(NOW))
                .isEqualTo("revoked");
        assertThat(r.out()).contains(key.fingerprint()).contains(secret.toString()).contains(pub.toString())
                .contains(rev.toString());
    }

    @Test
    void outputWithoutAscSuffixGetsSuffixesAppended() {
        Cli.Result r = cli.run("keygen", "--uid", UID, "--output", dir.resolve("key").toString(), "--no-passphrase");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(dir.resolve("key.pub.asc")).exists();
        assertThat(dir.resolve("key.rev.asc")).exists();
    }

    @ParameterizedTest
    @ValueSource(strings = {"release.asc", "release.pub.asc", "release.rev.asc"})
    void refusesToOverwriteAnyOfTheThreeFiles(String existing) throws Exception {
        Files.writeString(dir.resolve(existing), "precious");
        Cli.Result r = cli.run("keygen", "--uid", UID, "--output", dir.resolve("release.asc").toString(),
                "--no-passphrase");

        assertThat(r.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(r.err()).contains(existing).contains("already exists");
        assertThat(Files.readString(dir.resolve(existing))).isEqualTo("precious");
        try (var files = Files.list(dir)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void readsThePassphraseFromTheFirstLineOfAFile() throws Exception {
        Path passFile = Files.writeString(dir.resolve("pass"), "correct horse\nsecond line ignored\n");
        Cli.Result r = cli.run("keygen", "--uid", UID, "--output", dir.resolve("k.asc").toString(),
                "--passphrase-file", passFile.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out() + r.err()).doesNotContain("correct horse");
        SecretKey key = SecretKey.parse(Files.readAllBytes(dir.resolve("k.asc")), CryptoPolicy.defaults());
        assertThat(key.isProtected()).isTrue();
        assertThat(key.sign(new byte[] {1}, Optional.of("correct horse".toCharArray()), NOW)).isNotEmpty();
        assertThatThrownBy(() -> key.sign(new byte[] {1}, Optional.of("correct horse\n".toCharArray()), NOW))
                .isInstanceOf(KeyException.class);
    }

    @Test
    void readsThePassphraseFromAnEnvironmentVariable() throws Exception {
        Cli.Result r = cli.env("HIVEMIND_TEST_PASS", "from env").run("keygen", "--uid", UID,
                "--output", dir.resolve("k.asc").toString(), "--passphrase-env", "HIVEMIND_TEST_PASS");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        SecretKey key = SecretKey.parse(Files.readAllBytes(dir.resolve("k.asc")), CryptoPolicy.defaults());
        assertThat(key.sign(new byte[] {1}, Optional.of("from env".toCharArray()), NOW)).isNotEmpty();
    }

    @Test
    void withoutConsoleOrPassphraseOptionFailsAsUsageErrorNamingTheOptions() {
        Cli.Result r = cli.run("keygen", "--uid", UID, "--output", dir.resolve("k.asc").toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errLines()).singleElement().asString()
                .startsWith("manifest-signer: ").contains("--passphrase-file").contains("--passphrase-env");
        assertThat(dir.resolve("k.asc")).doesNotExist();
    }

    @Test
    void asksTwiceOnTheConsoleAndRefusesDifferentAnswers() {
        Deque<String> answers = new ArrayDeque<>(List.of("one", "two"));
        Cli.Result r = cli.terminal(prompt -> answers.pop().toCharArray())
                .run("keygen", "--uid", UID, "--output", dir.resolve("k.asc").toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("passphrases differ");
        assertThat(dir.resolve("k.asc")).doesNotExist();
    }

    @Test
    void acceptsTheSamePassphraseTwiceOnTheConsole() throws Exception {
        Cli.Result r = cli.terminal(prompt -> "typed".toCharArray())
                .run("keygen", "--uid", UID, "--output", dir.resolve("k.asc").toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        SecretKey key = SecretKey.parse(Files.readAllBytes(dir.resolve("k.asc")), CryptoPolicy.defaults());
        assertThat(key.sign(new byte[] {1}, Optional.of("typed".toCharArray()), NOW)).isNotEmpty();
    }

    @Test
    void refusesAnEmptyPassphraseFromAFile() throws Exception {
        Path passFile = Files.writeString(dir.resolve("pass"), "\n");
        Cli.Result r = cli.run("keygen", "--uid", UID, "--output", dir.resolve("k.asc").toString(),
                "--passphrase-file", passFile.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("--no-passphrase");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "Evil\nUser <e@invalid>", "Bell\u0007 <b@invalid>"})
    void refusesAnEmptyUserIdOrOneWithControlCharacters(String uid) {
        Cli.Result r = cli.run("keygen", "--uid", uid, "--output", dir.resolve("k.asc").toString(), "--no-passphrase");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("--uid");
        assertThat(dir.resolve("k.asc")).doesNotExist();
    }

    @Test
    void expiresOptionSetsTheKeyExpiryFromADurationOrADate() throws Exception {
        assertThat(cli.run("keygen", "--uid", UID, "--output", dir.resolve("a.asc").toString(), "--no-passphrase",
                "--expires", "730d").exitCode()).isZero();
        assertThat(cli.run("keygen", "--uid", UID, "--output", dir.resolve("b.asc").toString(), "--no-passphrase",
                "--expires", "2027-01-01").exitCode()).isZero();

        assertThat(SecretKey.parse(Files.readAllBytes(dir.resolve("a.asc")), CryptoPolicy.defaults())
                .certificate().primary().expires()).contains(NOW.plus(Duration.ofDays(730)));
        assertThat(SecretKey.parse(Files.readAllBytes(dir.resolve("b.asc")), CryptoPolicy.defaults())
                .certificate().primary().expires()).contains(Instant.parse("2027-01-01T00:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "10x", "0d", "2020-01-01"})
    void refusesAnInvalidOrPastExpiry(String expires) {
        Cli.Result r = cli.run("keygen", "--uid", UID, "--output", dir.resolve("k.asc").toString(), "--no-passphrase",
                "--expires", expires);
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("--expires");
    }

    @Test
    void refusesAnUnknownAlgorithm() {
        Cli.Result r = cli.run("keygen", "--uid", UID, "--output", dir.resolve("k.asc").toString(), "--no-passphrase",
                "--algorithm", "dsa1024");
        assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("unknown key algorithm 'dsa1024'");
    }
}
