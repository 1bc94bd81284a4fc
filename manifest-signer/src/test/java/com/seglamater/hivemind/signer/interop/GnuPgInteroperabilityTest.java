package com.seglamater.hivemind.signer.interop;

import com.seglamater.hivemind.model.pgp.CryptoPolicy;
import com.seglamater.hivemind.model.pgp.DetachedSignatureVerifier;
import com.seglamater.hivemind.model.pgp.SignatureCheck;
import com.seglamater.hivemind.model.pgp.SignatureProblem;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.signer.pgp.GeneratedKey;
import com.seglamater.hivemind.signer.pgp.KeyAlgorithm;
import com.seglamater.hivemind.signer.pgp.KeyGenerator;
import com.seglamater.hivemind.signer.pgp.SecretKey;
import com.seglamater.hivemind.signer.testing.Cli;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;
import com.seglamater.hivemind.signer.testing.TestKeys;
import com.seglamater.hivemind.signer.testing.TreeSnapshot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signatures are standard OpenPGP in both directions: GnuPG verifies what Hivemind signs, and
 * Hivemind's verifier accepts what GnuPG signs with a key in the trusted keyring. CI installs
 * gpg, so these tests never skip there.
 */
class GnuPgInteroperabilityTest {

    private static final byte[] DATA = "{\"schema\": 1}\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @BeforeAll
    static void gpgIsInstalled() {
        assertThat(Gpg.available()).as("gpg must be installed (.ci/run installs it)").isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = KeyAlgorithm.class, names = {"ED25519", "RSA3072"})
    void gnupgVerifiesWhatHivemindSigns(KeyAlgorithm algorithm) throws Exception {
        Instant now = Instant.now();
        GeneratedKey key = new KeyGenerator(new SecureRandom()).generate(algorithm,
                "Hivemind TEST ONLY <interop@invalid>", Optional.of(Duration.ofDays(30)), Optional.empty(), now);
        SecretKey secret = SecretKey.of(key.secret(), CryptoPolicy.defaults());
        Path cert = Files.write(dir.resolve("cert.asc"), secret.exportCertificate());
        Path data = Files.write(dir.resolve("latest.json"), DATA);
        Path sig = Files.write(dir.resolve("latest.json.asc"), secret.sign(DATA, Optional.empty(), now));

        Gpg gpg = new Gpg(dir.resolve("gnupg"));
        gpg.ok("--import", cert.toString());
        Gpg.Result verify = gpg.run("--status-fd", "1", "--verify", sig.toString(), data.toString());
        assertThat(verify.exitCode()).as(verify.stderr()).isZero();
        assertThat(verify.stdout()).contains("[GNUPG:] VALIDSIG").contains(secret.fingerprint());

        Files.write(data, "{\"schema\": 2}\n".getBytes(StandardCharsets.UTF_8));
        Gpg.Result tampered = gpg.run("--status-fd", "1", "--verify", sig.toString(), data.toString());
        assertThat(tampered.exitCode()).isNotZero();
        assertThat(tampered.stdout()).contains("[GNUPG:] BADSIG");
    }

    @Test
    void gnupgImportsTheSecretKeyThatKeygenWrites() throws Exception {
        GeneratedKey key = new KeyGenerator(new SecureRandom()).generate(KeyAlgorithm.ED25519,
                "Hivemind TEST ONLY <interop@invalid>", Optional.empty(), Optional.empty(), Instant.now());
        SecretKey secret = SecretKey.of(key.secret(), CryptoPolicy.defaults());
        Path file = Files.write(dir.resolve("secret.asc"), secret.exportSecret());
        Gpg gpg = new Gpg(dir.resolve("gnupg"));
        gpg.ok("--import", file.toString());
        assertThat(gpg.ok("--with-colons", "--list-secret-keys").stdout()).contains(secret.fingerprint());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "rsa3072"})
    void hivemindVerifiesWhatGnupgSignsWithItsPrimaryKey(String algo) throws Exception {
        Gpg gpg = new Gpg(dir.resolve("gnupg"));
        gpg.ok("--quick-generate-key", "Hivemind TEST ONLY <gpg@invalid>", algo, "sign", "1y");
        assertVerifiesGpgSignature(gpg, gpg.primaryFingerprint());
    }

    @Test
    void hivemindVerifiesWhatGnupgSignsWithASigningSubkey() throws Exception {
        Gpg gpg = new Gpg(dir.resolve("gnupg"));
        gpg.ok("--quick-generate-key", "Hivemind TEST ONLY <gpg@invalid>", "ed25519", "cert", "1y");
        String primary = gpg.primaryFingerprint();
        gpg.ok("--quick-add-key", primary, "ed25519", "sign", "1y");
        SignatureCheck check = assertVerifiesGpgSignature(gpg, primary);
        assertThat(check.valid().get(0).signingKey()).isNotEqualTo(primary);
    }

    @Test
    void sha1SignatureMadeByGnupgIsRefused() throws Exception {
        Gpg gpg = new Gpg(dir.resolve("gnupg"));
        gpg.ok("--quick-generate-key", "Hivemind TEST ONLY <gpg@invalid>", "rsa3072", "sign", "1y");
        Path data = Files.write(dir.resolve("latest.json"), DATA);
        gpg.ok("--digest-algo", "SHA1", "--armor", "--detach-sign", "--output", dir.resolve("sig.asc").toString(),
                data.toString());
        TrustedKeyring keyring = TrustedKeyring.parse(gpg.ok("--armor", "--export").stdout()
                .getBytes(StandardCharsets.US_ASCII), CryptoPolicy.defaults());
        SignatureCheck check = new DetachedSignatureVerifier(keyring, Duration.ofMinutes(2))
                .check(DATA, Files.readAllBytes(dir.resolve("sig.asc")), Instant.now());
        assertThat(check.valid()).isEmpty();
        assertThat(check.problems()).singleElement().isInstanceOfSatisfying(SignatureProblem.WeakHash.class,
                p -> assertThat(p.algorithm()).isEqualTo("SHA-1"));
    }

    @Test
    void gnupgVerifiesTheStatementsThatPublishAndPromoteWrite() throws Exception {
        ReleaseFixture release = new ReleaseFixture(dir);
        release.publishOk("canary", "0.1.7");
        Cli.Result promoted = release.promote("--from", "canary", "--to", "beta");
        assertThat(promoted.exitCode()).as(promoted.toString()).isZero();
        Gpg gpg = new Gpg(dir.resolve("gnupg"));
        gpg.ok("--import", release.keyring.toString());

        for (Path signed : List.of(release.latest("canary"), release.manifest("0.1.7"), release.latest("beta"))) {
            Gpg.Result verify = gpg.run("--status-fd", "1", "--verify",
                    signed.resolveSibling(signed.getFileName() + ".asc").toString(), signed.toString());
            assertThat(verify.exitCode()).as(signed + ": " + verify.stderr()).isZero();
            assertThat(verify.stdout()).contains("[GNUPG:] VALIDSIG").contains(release.alice.fingerprint());
        }
    }

    @Test
    void publishRefusesAGnupgSigningSubkeyThatExpiresBeforeTheStatement() throws Exception {
        ReleaseFixture release = new ReleaseFixture(dir);
        // A certify-only primary key that never expires and a signing subkey that expires in 8 days,
        // made at the fixture's clock.
        Gpg gpg = new Gpg(dir.resolve("gnupg"));
        String at = ReleaseFixture.NOW.minus(Duration.ofDays(2)).getEpochSecond() + "!";
        gpg.ok("--faked-system-time", at, "--quick-generate-key", "Hivemind TEST ONLY <gpg@invalid>", "ed25519",
                "cert", "never");
        String primary = gpg.primaryFingerprint();
        gpg.ok("--faked-system-time", at, "--quick-add-key", primary, "ed25519", "sign", "10d");
        Path secret = Files.writeString(dir.resolve("gpg.asc"), gpg.ok("--armor", "--export-secret-keys").stdout());
        Path certificate = Files.writeString(dir.resolve("gpg.pub.asc"), gpg.ok("--armor", "--export").stdout());
        release.cli.run("keyring", "add", "--keyring", release.keyring.toString(),
                certificate.toString()).assertSuccess();
        String subkey = SecretKey.parse(Files.readAllBytes(secret), CryptoPolicy.defaults()).certificate().subkeys()
                .get(0).fingerprint();

        Cli.Result r = release.publish("canary", "0.1.7", "--secret-key", secret.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(6);
        assertThat(r.errLines()).singleElement().asString().startsWith("manifest-signer: key " + subkey
                + " expires at ").endsWith("pass --expires-in of at most 8d or extend the key");
        assertThat(TreeSnapshot.files(release.tree)).isEmpty();

        Cli.Result shorter = release.publish("canary", "0.1.7", "--secret-key", secret.toString(),
                "--expires-in", "8d");
        assertThat(shorter.exitCode()).as(shorter.toString()).isZero();
        assertThat(release.verifyAsAgent("canary", ReleaseFixture.NOW).signers()).singleElement()
                .satisfies(v -> assertThat(v.signingKey()).isEqualTo(subkey));
    }

    @Test
    void gnupgVerifiesWhatTheSignCommandWritesAndRejectsItOverOtherBytes() throws Exception {
        TestKeys.KeyFiles key = TestKeys.create(dir, "signer", Instant.now().minus(Duration.ofDays(1)));
        Path data = Files.write(dir.resolve("notes.txt"), DATA);
        Cli.Result signed = new Cli(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .run("sign", "--secret-key", key.secret().toString(), data.toString());
        assertThat(signed.exitCode()).as(signed.toString()).isZero();
        Gpg gpg = new Gpg(dir.resolve("gnupg"));
        gpg.ok("--import", key.certificate().toString());

        Gpg.Result verify = gpg.run("--status-fd", "1", "--verify", dir.resolve("notes.txt.asc").toString(),
                data.toString());
        assertThat(verify.exitCode()).as(verify.stderr()).isZero();
        assertThat(verify.stdout()).contains("[GNUPG:] VALIDSIG").contains(key.fingerprint());

        Files.write(data, "other bytes\n".getBytes(StandardCharsets.UTF_8));
        assertThat(gpg.run("--status-fd", "1", "--verify", dir.resolve("notes.txt.asc").toString(), data.toString())
                .stdout()).contains("[GNUPG:] BADSIG");
    }

    /**
     * What docs/release-team.md promises for files made with GnuPG in the wrong form: certificates
     * and signatures must be ASCII-armored (--armor) and signatures binary-mode detached ones.
     */
    @Test
    void certificatesAndSignaturesFromGnupgInTheWrongFormAreRefusedWithTheFix() throws Exception {
        Gpg gpg = new Gpg(dir.resolve("gnupg"));
        gpg.ok("--quick-generate-key", "Hivemind TEST ONLY <gpg@invalid>", "ed25519", "sign", "1y");
        Path data = Files.write(dir.resolve("latest.json"), DATA);
        Path keyring = dir.resolve("release-keys.asc");
        Cli cli = new Cli(Instant.now().plus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS));

        Path binaryCertificate = dir.resolve("gpg.pub.gpg");
        gpg.ok("--output", binaryCertificate.toString(), "--export");
        Cli.Result add = cli.run("keyring", "add", "--keyring", keyring.toString(), binaryCertificate.toString());
        assertThat(add.exitCode()).as(add.toString()).isEqualTo(3);
        assertThat(add.err()).contains("is not ASCII-armored OpenPGP data").contains("--armor");
        assertThat(keyring).doesNotExist();
        Path certificate = Files.writeString(dir.resolve("gpg.pub.asc"), gpg.ok("--armor", "--export").stdout());
        cli.run("keyring", "add", "--keyring", keyring.toString(), certificate.toString()).assertSuccess();

        Path binary = dir.resolve("binary.sig");
        gpg.ok("--detach-sign", "--output", binary.toString(), data.toString());
        Path textMode = dir.resolve("textmode.asc");
        gpg.ok("--armor", "--textmode", "--detach-sign", "--output", textMode.toString(), data.toString());
        Path clearSigned = dir.resolve("clearsigned.asc");
        gpg.ok("--clearsign", "--output", clearSigned.toString(), data.toString());
        Path good = dir.resolve("good.asc");
        gpg.ok("--armor", "--detach-sign", "--output", good.toString(), data.toString());

        Cli.Result notArmored = cli.run("verify", "--keyring", keyring.toString(), "--signature", binary.toString(),
                data.toString());
        assertThat(notArmored.exitCode()).as(notArmored.toString()).isEqualTo(3);
        assertThat(notArmored.errLines()).singleElement().asString().contains("not ASCII-armored").contains("--armor");

        Cli.Result text = cli.run("verify", "--keyring", keyring.toString(), "--signature", textMode.toString(),
                data.toString());
        assertThat(text.exitCode()).as(text.toString()).isEqualTo(4);
        assertThat(text.errLines()).singleElement().asString().contains("type 0x01").contains("--textmode");

        Cli.Result clear = cli.run("verify", "--keyring", keyring.toString(), "--signature", clearSigned.toString(),
                data.toString());
        assertThat(clear.exitCode()).as(clear.toString()).isEqualTo(3);
        assertThat(clear.errLines()).singleElement().asString().contains("--clearsign").contains("--detach-sign");

        Cli.Result ok = cli.run("verify", "--keyring", keyring.toString(), "--signature", good.toString(),
                data.toString());
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
    }

    private SignatureCheck assertVerifiesGpgSignature(Gpg gpg, String primary) throws Exception {
        Path data = Files.write(dir.resolve("latest.json"), DATA);
        Path sig = dir.resolve("latest.json.asc");
        gpg.ok("--armor", "--detach-sign", "--output", sig.toString(), data.toString());
        TrustedKeyring keyring = TrustedKeyring.parse(gpg.ok("--armor", "--export").stdout()
                .getBytes(StandardCharsets.US_ASCII), CryptoPolicy.defaults());
        DetachedSignatureVerifier verifier = new DetachedSignatureVerifier(keyring, Duration.ofMinutes(2));

        SignatureCheck check = verifier.check(DATA, Files.readAllBytes(sig), Instant.now());
        assertThat(check.problems()).isEmpty();
        assertThat(check.valid()).singleElement().satisfies(v -> assertThat(v.certificate()).isEqualTo(primary));

        byte[] tampered = DATA.clone();
        tampered[tampered.length - 2] ^= 1;
        assertThat(verifier.check(tampered, Files.readAllBytes(sig), Instant.now()).problems())
                .singleElement().isInstanceOf(SignatureProblem.BadSignature.class);
        return check;
    }
}
