package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.pgp.CryptoPolicy;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.signer.testing.Cli;
import com.seglamater.hivemind.signer.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mistakes and hostile inputs around files and options: each gets its documented exit code and
 * a message that names what the user gave, never a temporary file or a Java exception.
 */
class FileAndOptionHandlingTest {

    private static final Instant NOW = Instant.parse("2026-11-20T08:00:00Z");
    private static final String UID = "Hivemind TEST ONLY <files@invalid>";

    @TempDir
    Path dir;

    private final Cli cli = new Cli(NOW);

    /** A keyring file in the test directory holding the certificates of {@code keys}. */
    private Path keyringWith(TestKeys.KeyFiles... keys) {
        Path keyring = dir.resolve("ring.asc");
        List<String> args = new ArrayList<>(List.of("keyring", "add", "--keyring", keyring.toString()));
        for (TestKeys.KeyFiles k : keys) {
            args.add(k.certificate().toString());
        }
        Cli.Result added = cli.run(args.toArray(String[]::new));
        assertThat(added.exitCode()).as(added.toString()).isZero();
        return keyring;
    }

    @Test
    void passphraseFileThatIsNotUtf8IsRefusedInsteadOfDecodedLossily() throws Exception {
        // Lossy decoding would turn both files into the same string of U+FFFD characters.
        Path binary = Files.write(dir.resolve("binary.pass"), new byte[] {(byte) 0xff, (byte) 0xfe, (byte) 0xfd, 0x41});
        Cli.Result r = cli.run("keygen", "--uid", UID, "--output", dir.resolve("k.asc").toString(),
                "--passphrase-file", binary.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.INPUT);
        assertThat(r.err()).contains("is not UTF-8 text");
        assertThat(dir.resolve("k.asc")).doesNotExist();
    }

    @Test
    void emptyPassphraseForAProtectedKeyIsNamedAsSuch() throws Exception {
        TestKeys.KeyFiles key = TestKeys.create(dir, "prot", NOW.minus(Duration.ofDays(1)), Optional.of("secret"),
                Optional.empty());
        Path data = Files.writeString(dir.resolve("data.txt"), "x");
        Path empty = Files.writeString(dir.resolve("empty.pass"), "\n");
        Cli.Result r = cli.run("sign", "--secret-key", key.secret().toString(), "--passphrase-file", empty.toString(),
                data.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.KEY_UNUSABLE);
        assertThat(r.err()).contains("is empty").contains(key.fingerprint());
    }

    @Test
    void keyExpiryDateBeyondWhatOpenPgpCanStoreIsRefused() {
        Cli.Result r = cli.run("keygen", "--uid", UID, "--output", dir.resolve("k.asc").toString(), "--no-passphrase",
                "--expires", "2163-01-01");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("more than 100 years");
        assertThat(dir.resolve("k.asc")).doesNotExist();
    }

    @Test
    void keyExpiryDateIsWrittenExactly() throws Exception {
        Cli.Result r = cli.run("keygen", "--uid", UID, "--output", dir.resolve("k.asc").toString(), "--no-passphrase",
                "--expires", "2030-06-30");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        TrustedKeyring ring = TrustedKeyring.parse(Files.readAllBytes(dir.resolve("k.pub.asc")), CryptoPolicy.defaults());
        assertThat(ring.certificates().get(0).primary().expires()).contains(Instant.parse("2030-06-30T00:00:00Z"));
    }

    @Test
    void signRefusesToWriteTheSignatureOverTheFileItSigns() throws Exception {
        TestKeys.KeyFiles key = TestKeys.create(dir, "signer", NOW.minus(Duration.ofDays(1)));
        Path data = Files.writeString(dir.resolve("doc.txt"), "content\n");
        Cli.Result r = cli.run("sign", "--secret-key", key.secret().toString(), "--force",
                "--output", dir.resolve("./doc.txt").toString(), data.toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("is the file to sign");
        assertThat(Files.readString(data)).isEqualTo("content\n");
    }

    @Test
    void outputIntoAMissingDirectoryNamesTheDirectoryNotATemporaryFile() throws Exception {
        Path target = dir.resolve("no-such-dir").resolve("k.asc");
        Cli.Result r = cli.run("keygen", "--uid", UID, "--output", target.toString(), "--no-passphrase");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.INPUT);
        assertThat(r.err()).contains("cannot write " + target).contains("does not exist")
                .doesNotContain(".tmp").doesNotContain("Exception");
    }

    @Test
    void outputThatIsADirectoryIsAUsageError() throws Exception {
        Cli.Result r = cli.run("keygen", "--uid", UID, "--output", dir.toString(), "--no-passphrase");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("is a directory");

        // With a real secret key, so the output path is what gets refused.
        TestKeys.KeyFiles key = TestKeys.create(dir.resolve("keys"), "exporter", NOW.minus(Duration.ofDays(1)));
        Cli.Result root = cli.run("export", "--secret-key", key.secret().toString(), "--output", "/");
        assertThat(root.exitCode()).as(root.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(root.err()).contains("--output /").doesNotContain("Exception");
    }

    @Test
    void keyringReachedThroughASymlinkIsUpdatedWhereItLives() throws Exception {
        TestKeys.KeyFiles alice = TestKeys.create(dir, "alice", NOW.minus(Duration.ofDays(1)));
        TestKeys.KeyFiles bob = TestKeys.create(dir, "bob", NOW.minus(Duration.ofDays(1)));
        Path real = dir.resolve("real-keyring.asc");
        assertThat(cli.run("keyring", "add", "--keyring", real.toString(), alice.certificate().toString()).exitCode())
                .isZero();
        Path link = Files.createSymbolicLink(dir.resolve("link.asc"), real.getFileName());

        Cli.Result r = cli.run("keyring", "add", "--keyring", link.toString(), bob.certificate().toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(TrustedKeyring.parse(Files.readAllBytes(real), CryptoPolicy.defaults()).certificates()).hasSize(2);
    }

    @Test
    void revocationCertificateWithReasonOptionsIsAUsageError() throws Exception {
        TestKeys.KeyFiles alice = TestKeys.create(dir, "alice", NOW.minus(Duration.ofDays(1)));
        Path keyring = keyringWith(alice);
        byte[] before = Files.readAllBytes(keyring);
        Cli.Result r = cli.run("keyring", "revoke", "--keyring", keyring.toString(),
                "--revocation", alice.revocation().toString(), "--reason", "compromised");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("go with --secret-key");
        assertThat(Files.readAllBytes(keyring)).isEqualTo(before);
    }

    @Test
    void revokingTwiceSaysTheKeyIsAlreadyRevokedAndRevokingTheLastValidKeyWarns() throws Exception {
        TestKeys.KeyFiles alice = TestKeys.create(dir, "alice", NOW.minus(Duration.ofDays(1)));
        Path keyring = keyringWith(alice);

        Cli.Result first = cli.run("keyring", "revoke", "--keyring", keyring.toString(),
                "--revocation", alice.revocation().toString());
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.err()).contains("WARNING").contains("no certificate that can sign releases");

        byte[] revoked = Files.readAllBytes(keyring);
        Cli.Result second = cli.run("keyring", "revoke", "--keyring", keyring.toString(),
                "--secret-key", alice.secret().toString(), "--reason", "compromised");
        assertThat(second.exitCode()).as(second.toString()).isEqualTo(ExitCode.REFUSED);
        assertThat(second.err()).contains("already revoked").contains(alice.fingerprint());

        Cli.Result again = cli.run("keyring", "revoke", "--keyring", keyring.toString(),
                "--revocation", alice.revocation().toString());
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(ExitCode.REFUSED);
        assertThat(again.err()).contains("already revoked");
        assertThat(Files.readAllBytes(keyring)).isEqualTo(revoked);
    }

    @Test
    void anyReasonOptionWithARevocationCertificateIsAUsageErrorEvenTheDefaultOne() throws Exception {
        TestKeys.KeyFiles alice = TestKeys.create(dir, "alice", NOW.minus(Duration.ofDays(1)));
        Path keyring = keyringWith(alice);
        Cli.Result r = cli.run("keyring", "revoke", "--keyring", keyring.toString(),
                "--revocation", alice.revocation().toString(), "--reason", "unspecified");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void removingTheLastValidKeyIsRefused() throws Exception {
        TestKeys.KeyFiles alice = TestKeys.create(dir, "alice", NOW.minus(Duration.ofDays(1)));
        TestKeys.KeyFiles bob = TestKeys.create(dir, "bob", NOW.minus(Duration.ofDays(1)));
        Path keyring = keyringWith(alice, bob);
        assertThat(cli.run("keyring", "revoke", "--keyring", keyring.toString(),
                "--revocation", alice.revocation().toString()).exitCode()).isZero();
        byte[] before = Files.readAllBytes(keyring);

        Cli.Result r = cli.run("keyring", "remove", "--keyring", keyring.toString(), bob.fingerprint());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.REFUSED);
        assertThat(r.err()).contains("no certificate that can sign releases would be left");
        assertThat(Files.readAllBytes(keyring)).isEqualTo(before);
        // Removing the revoked one is fine: a valid key stays.
        assertThat(cli.run("keyring", "remove", "--keyring", keyring.toString(), alice.fingerprint()).exitCode()).isZero();
    }

    @Test
    void keygenWithAnUnsetPassphraseVariableIsAUsageError() {
        Cli.Result r = cli.run("keygen", "--uid", UID, "--output", dir.resolve("k.asc").toString(),
                "--passphrase-env", "HIVEMIND_TEST_UNSET_VARIABLE");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(r.err()).contains("HIVEMIND_TEST_UNSET_VARIABLE").contains("is not set");
    }

    @Test
    void listShowsSubkeysOfARevokedCertificateAsRevoked() throws Exception {
        TestKeys.KeyFiles alice = TestKeys.create(dir, "alice", NOW.minus(Duration.ofDays(1)));
        Path keyring = keyringWith(alice);
        assertThat(cli.run("keyring", "revoke", "--keyring", keyring.toString(),
                "--revocation", alice.revocation().toString()).exitCode()).isZero();

        Cli.Result list = cli.run("keyring", "list", "--keyring", keyring.toString());
        String sub = list.out().lines().filter(l -> l.trim().startsWith("sub")).findFirst().orElseThrow();
        assertThat(sub).contains("revoked").doesNotContain("valid");
    }

    @Test
    void keygenRevocationCertificateIsArmoredAsGnupgExpects() throws Exception {
        Cli.Result r = cli.run("keygen", "--uid", UID, "--output", dir.resolve("k.asc").toString(), "--no-passphrase");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Files.readString(dir.resolve("k.rev.asc"), StandardCharsets.US_ASCII))
                .startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----");
    }
}
