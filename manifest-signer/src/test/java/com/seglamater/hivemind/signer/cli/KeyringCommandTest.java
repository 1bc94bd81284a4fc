package com.seglamater.hivemind.signer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.model.pgp.CryptoPolicy;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.testing.TestKey;
import com.seglamater.hivemind.signer.interop.Gpg;
import com.seglamater.hivemind.signer.testing.Cli;
import com.seglamater.hivemind.signer.testing.TestKeys;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class KeyringCommandTest {

    private static final Instant NOW = Instant.parse("2026-11-20T08:00:00Z");
    /** TEST-ONLY keys made 2026-01-01 that cannot sign releases at NOW: certify-only, and a lapsed signing subkey. */
    private static final TestKey CERTIFY_ONLY = TestKey.named("certify-only").primaryFlags(KeyFlags.CERTIFY_OTHER).build();
    private static final TestKey EXPIRED_SUBKEY = TestKey.named("expired-subkey")
            .signingSubkey(KeyFlags.SIGN_DATA, true, Duration.ofDays(10)).build();

    @TempDir
    Path dir;

    private final Cli cli = new Cli(NOW);
    private Path keyring;
    private TestKeys.KeyFiles alice;
    private TestKeys.KeyFiles bob;

    @BeforeEach
    void keys() throws Exception {
        keyring = dir.resolve("release-keys.asc");
        alice = TestKeys.create(dir, "alice", NOW.minus(Duration.ofDays(1)));
        bob = TestKeys.create(dir, "bob", NOW.minus(Duration.ofDays(1)));
    }

    private TrustedKeyring readKeyring() throws Exception {
        return TrustedKeyring.parse(Files.readAllBytes(keyring), CryptoPolicy.defaults());
    }

    @Test
    void addCreatesTheKeyringWithEveryCertificateGiven() throws Exception {
        Cli.Result r = cli.run("keyring", "add", "--keyring", keyring.toString(),
                alice.certificate().toString(), bob.certificate().toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(readKeyring().certificates()).extracting(c -> c.fingerprint())
                .containsExactly(alice.fingerprint(), bob.fingerprint());
        assertThat(r.out()).contains("added " + alice.fingerprint()).contains("added " + bob.fingerprint());
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void addMergesAnUpdatedCopyOfACertificateAlreadyPresent() throws Exception {
        assertThat(cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString(),
                bob.certificate().toString()).exitCode()).isZero();
        // An updated copy: the same certificate carrying its revocation.
        TrustedKeyring revoked = TrustedKeyring.parse(Files.readAllBytes(alice.certificate()), CryptoPolicy.defaults())
                .withRevocation(Files.readAllBytes(alice.revocation()));
        Path updated = Files.write(dir.resolve("alice-updated.asc"), revoked.encode());

        Cli.Result r = cli.run("keyring", "add", "--keyring", keyring.toString(), updated.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("updated " + alice.fingerprint());
        assertThat(r.err()).contains("warning: " + alice.fingerprint() + " cannot sign releases")
                .contains(": revoked at ");
        assertThat(readKeyring().certificate(alice.fingerprint()).orElseThrow().statusAt(NOW)).isEqualTo("revoked");
    }

    @Test
    void addMergesTheRevocationOfTheLastKeyThatCanSignOnlyWhenToldTo() throws Exception {
        cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString()).assertSuccess();
        byte[] before = Files.readAllBytes(keyring);
        Path revoked = Files.write(dir.resolve("alice-revoked.asc"),
                TrustedKeyring.parse(Files.readAllBytes(alice.certificate()), CryptoPolicy.defaults())
                        .withRevocation(Files.readAllBytes(alice.revocation())).encode());

        Cli.Result refused = cli.run("keyring", "add", "--keyring", keyring.toString(), revoked.toString());

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCode.REFUSED);
        assertThat(refused.err()).contains("without a certificate that can sign releases")
                .contains("--allow-no-signing-key").contains("nothing was added");
        assertThat(Files.readAllBytes(keyring)).isEqualTo(before);

        Cli.Result forced = cli.run("keyring", "add", "--keyring", keyring.toString(), "--allow-no-signing-key",
                revoked.toString());

        assertThat(forced.exitCode()).as(forced.toString()).isZero();
        assertThat(forced.err()).contains("WARNING: " + keyring + " now holds no certificate that can sign releases");
        assertThat(readKeyring().certificate(alice.fingerprint()).orElseThrow().statusAt(NOW)).isEqualTo("revoked");
    }

    /** A certificate whose keys cannot sign: the release engineer exported the wrong key, or one whose subkey lapsed. */
    private Path certificateThatCannotSign(TestKey key) throws Exception {
        return Files.write(dir.resolve(key.fingerprint() + ".pub.asc"), key.certificate());
    }

    @Test
    void addRefusesToMakeAKeyringOfCertificatesThatCannotSign() throws Exception {
        Path certifyOnly = certificateThatCannotSign(CERTIFY_ONLY);
        Path expiredSubkey = certificateThatCannotSign(EXPIRED_SUBKEY);

        Cli.Result r = cli.run("keyring", "add", "--keyring", keyring.toString(), certifyOnly.toString(),
                expiredSubkey.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.REFUSED);
        assertThat(r.err()).contains("cannot sign releases, so agents will not accept signatures made with it: "
                        + "none of its keys may sign data (primary key [C], no subkey)")
                .contains("no usable signing key: signing subkey ").contains(" expired at 2026-01-11T00:00:00Z")
                .contains("manifest-signer: refusing to leave " + keyring + " without a certificate that can sign "
                        + "releases");
        assertThat(keyring).doesNotExist();
    }

    @Test
    void addAcceptsACertificateThatCannotSignBesideOneThatCanAndListsItAsCannotSign() throws Exception {
        // For example a designated revoker's certificate: it may revoke, but signs nothing.
        Path certifyOnly = certificateThatCannotSign(CERTIFY_ONLY);

        Cli.Result r = cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString(),
                certifyOnly.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).contains("warning: " + CERTIFY_ONLY.fingerprint() + " cannot sign releases");
        Cli.Result list = cli.run("keyring", "list", "--keyring", keyring.toString());
        assertThat(list.out()).contains("pub   " + CERTIFY_ONLY.fingerprint() + "  cannot-sign  Ed25519  [C]")
                .contains("pub   " + alice.fingerprint() + "  valid        Ed25519  [C]")
                .contains("2 certificate(s) in " + keyring + ", 1 can sign releases");
        JsonNode json = new ObjectMapper().readTree(cli.run("keyring", "list", "--keyring", keyring.toString(), "--json")
                .out());
        assertThat(json.get(1).get("status").asText()).isEqualTo("cannot-sign");
    }

    /** The bypass the attack pass found: a certify-only certificate counted as "valid", so the real key could go. */
    @Test
    void removeRefusesToRemoveTheLastKeyThatCanSignWhenOnlyCertificatesThatCannotSignRemain() throws Exception {
        Path certifyOnly = certificateThatCannotSign(CERTIFY_ONLY);
        Path expiredSubkey = certificateThatCannotSign(EXPIRED_SUBKEY);
        cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString(),
                certifyOnly.toString(), expiredSubkey.toString()).assertSuccess();
        byte[] before = Files.readAllBytes(keyring);

        Cli.Result r = cli.run("keyring", "remove", "--keyring", keyring.toString(), alice.fingerprint());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.REFUSED);
        assertThat(r.err()).contains("refusing to remove " + alice.fingerprint()
                + ": no certificate that can sign releases would be left");
        assertThat(Files.readAllBytes(keyring)).isEqualTo(before);
    }

    @Test
    void revokeWarnsWhenOnlyCertificatesThatCannotSignRemain() throws Exception {
        Path certifyOnly = certificateThatCannotSign(CERTIFY_ONLY);
        cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString(),
                certifyOnly.toString()).assertSuccess();

        Cli.Result r = cli.run("keyring", "revoke", "--keyring", keyring.toString(), "--revocation",
                alice.revocation().toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).contains("WARNING: " + keyring + " now holds no certificate that can sign releases");
        assertThat(cli.run("keyring", "list", "--keyring", keyring.toString()).err())
                .contains("WARNING: no certificate in " + keyring + " can sign releases now");
    }

    @Test
    void addRefusesASecretKeyAndLeavesTheKeyringUnchanged() throws Exception {
        cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString())
                .assertSuccess();
        byte[] before = Files.readAllBytes(keyring);

        Cli.Result r = cli.run("keyring", "add", "--keyring", keyring.toString(), bob.secret().toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(r.err()).contains("SECRET key");
        assertThat(Files.readAllBytes(keyring)).isEqualTo(before);
    }

    @Test
    void addRefusesSomethingThatIsNotACertificate() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a key");
        Cli.Result r = cli.run("keyring", "add", "--keyring", keyring.toString(), text.toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(keyring).doesNotExist();
    }

    @Test
    void addRefusesACertificateTooWeakForTheCryptoPolicy() throws Exception {
        Gpg gpg = new Gpg(dir.resolve("gnupg"));
        gpg.ok("--quick-generate-key", "Weak TEST ONLY <weak@invalid>", "rsa2048", "sign", "1y");
        Path weak = Files.writeString(dir.resolve("weak.asc"), gpg.ok("--armor", "--export").stdout());

        Cli.Result r = cli.run("keyring", "add", "--keyring", keyring.toString(), weak.toString());

        assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(r.err()).contains("too weak").contains("2048");
        assertThat(keyring).doesNotExist();
    }

    @Test
    void addWarnsAboutAnExpiredCertificateButAddsIt() throws Exception {
        TestKeys.KeyFiles old = TestKeys.create(dir, "old", NOW.minus(Duration.ofDays(10)), Optional.empty(),
                Optional.of(Duration.ofDays(5)));
        Cli.Result r = cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString(),
                old.certificate().toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.err()).contains("warning: " + old.fingerprint() + " cannot sign releases")
                .contains("expired at " + NOW.minus(Duration.ofDays(5)));
        assertThat(readKeyring().certificates()).hasSize(2);
    }

    @Test
    void listShowsStatusAlgorithmDatesUserIdsAndSubkeys() throws Exception {
        cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString())
                .assertSuccess();
        Cli.Result r = cli.run("keyring", "list", "--keyring", keyring.toString());

        assertThat(r.exitCode()).isZero();
        String subkey = alice.key().certificate().subkeys().get(0).fingerprint();
        assertThat(r.out()).contains("pub   " + alice.fingerprint() + "  valid        Ed25519  [C]")
                .contains("uid  Hivemind alice TEST ONLY <alice@invalid>")
                .contains("sub " + subkey + "  valid        Ed25519  [S]")
                .contains("created " + NOW.minus(Duration.ofDays(1)))
                .contains("expires never")
                .contains("1 certificate(s)");
    }

    @Test
    void listJsonGivesEveryCertificateWithItsSubkeys() throws Exception {
        TestKeys.KeyFiles old = TestKeys.create(dir, "old", NOW.minus(Duration.ofDays(10)), Optional.empty(),
                Optional.of(Duration.ofDays(5)));
        cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString(),
                old.certificate().toString()).assertSuccess();
        cli.run("keyring", "revoke", "--keyring", keyring.toString(), "--revocation", alice.revocation().toString())
                .assertSuccess();

        Cli.Result r = cli.run("keyring", "list", "--keyring", keyring.toString(), "--json");

        assertThat(r.exitCode()).isZero();
        JsonNode list = new ObjectMapper().readTree(r.out());
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("fingerprint").asText()).isEqualTo(alice.fingerprint());
        assertThat(list.get(0).get("status").asText()).isEqualTo("revoked");
        assertThat(list.get(0).get("userIds").get(0).asText()).contains("TEST ONLY");
        assertThat(list.get(0).get("subkeys").get(0).get("capabilities").asText()).isEqualTo("S");
        assertThat(list.get(1).get("status").asText()).isEqualTo("expired");
        assertThat(list.get(1).get("expires").asText()).isEqualTo(NOW.minus(Duration.ofDays(5)).toString());
    }

    @Test
    void removeAcceptsAFingerprintWithSpacesInAnyCase() throws Exception {
        cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString(),
                bob.certificate().toString()).assertSuccess();
        String spaced = alice.fingerprint().toLowerCase(Locale.ROOT).replaceAll("(.{4})", "$1 ").trim();

        Cli.Result r = cli.run("keyring", "remove", "--keyring", keyring.toString(), spaced);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(readKeyring().certificates()).extracting(c -> c.fingerprint()).containsExactly(bob.fingerprint());
    }

    @Test
    void removeOfAnUnknownFingerprintIsAnInputError() throws Exception {
        cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString(),
                bob.certificate().toString()).assertSuccess();
        byte[] before = Files.readAllBytes(keyring);
        Cli.Result r = cli.run("keyring", "remove", "--keyring", keyring.toString(), "0".repeat(40));
        assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(r.err()).contains("holds no certificate " + "0".repeat(40));
        assertThat(Files.readAllBytes(keyring)).isEqualTo(before);
    }

    @Test
    void removeRefusesToEmptyTheKeyring() throws Exception {
        cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString())
                .assertSuccess();
        Cli.Result r = cli.run("keyring", "remove", "--keyring", keyring.toString(), alice.fingerprint());
        assertThat(r.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(readKeyring().certificates()).hasSize(1);
    }

    @Test
    void revokeWithTheRevocationCertificateFromKeygen() throws Exception {
        cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString(),
                bob.certificate().toString()).assertSuccess();
        Cli.Result r = cli.run("keyring", "revoke", "--keyring", keyring.toString(), "--revocation",
                alice.revocation().toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("revoked " + alice.fingerprint());
        TrustedKeyring after = readKeyring();
        assertThat(after.certificate(alice.fingerprint()).orElseThrow().statusAt(NOW)).isEqualTo("revoked");
        assertThat(after.certificate(bob.fingerprint()).orElseThrow().statusAt(NOW)).isEqualTo("valid");
    }

    @Test
    void revokeWithTheRevocationCertificateGnupgGenerates() throws Exception {
        Gpg gpg = new Gpg(dir.resolve("gnupg"));
        gpg.ok("--quick-generate-key", "Gpg TEST ONLY <gpg@invalid>", "ed25519", "sign", "1y");
        String fpr = gpg.primaryFingerprint();
        Path cert = Files.writeString(dir.resolve("gpg.asc"), gpg.ok("--armor", "--export").stdout());
        // GnuPG 2.2 writes a revocation certificate for every new key (--generate-revocation makes
        // the same packet but refuses batch mode). Its BEGIN line is prefixed with ':' so that an
        // accidental import does nothing; the guide tells users to remove it, and both forms work.
        String generated = Files.readString(dir.resolve("gnupg/openpgp-revocs.d/" + fpr + ".rev"));
        assertThat(generated).contains(":-----BEGIN PGP PUBLIC KEY BLOCK-----");
        Path rev = Files.writeString(dir.resolve("gpg.rev.asc"), generated);
        cli.run("keyring", "add", "--keyring", keyring.toString(), cert.toString()).assertSuccess();

        Cli.Result r = cli.run("keyring", "revoke", "--keyring", keyring.toString(), "--revocation", rev.toString());

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(readKeyring().certificate(fpr).orElseThrow().statusAt(NOW)).isEqualTo("revoked");
    }

    @Test
    void revokeWithTheSecretKeyRecordsTheReason() throws Exception {
        cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString(),
                bob.certificate().toString()).assertSuccess();
        Cli.Result r = cli.run("keyring", "revoke", "--keyring", keyring.toString(), "--secret-key",
                alice.secret().toString(), "--reason", "compromised", "--reason-text", "laptop stolen");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        var revocation = readKeyring().certificate(alice.fingerprint()).orElseThrow().primary().revocation();
        assertThat(revocation).hasValueSatisfying(rev ->
                assertThat(rev.reason()).isEqualTo("key compromised: laptop stolen"));
    }

    @Test
    void revokeRefusesARevocationOfAKeyNotInTheKeyring() throws Exception {
        cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString())
                .assertSuccess();
        byte[] before = Files.readAllBytes(keyring);
        Cli.Result r = cli.run("keyring", "revoke", "--keyring", keyring.toString(), "--revocation",
                bob.revocation().toString());
        assertThat(r.exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(Files.readAllBytes(keyring)).isEqualTo(before);
    }

    @Test
    void revokeNeedsExactlyOneSource() throws Exception {
        cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString())
                .assertSuccess();
        assertThat(cli.run("keyring", "revoke", "--keyring", keyring.toString()).exitCode())
                .isEqualTo(ExitCode.USAGE);
        assertThat(cli.run("keyring", "revoke", "--keyring", keyring.toString(), "--revocation",
                alice.revocation().toString(), "--secret-key", alice.secret().toString()).exitCode())
                .isEqualTo(ExitCode.USAGE);
    }

    @Test
    void keyringThatIsNotOneIsAnInputError() throws Exception {
        Files.write(keyring, "garbage".getBytes(StandardCharsets.US_ASCII));
        assertThat(cli.run("keyring", "list", "--keyring", keyring.toString()).exitCode()).isEqualTo(ExitCode.INPUT);
        assertThat(cli.run("keyring", "list", "--keyring", dir.resolve("none.asc").toString()).exitCode())
                .isEqualTo(ExitCode.INPUT);
    }
}
