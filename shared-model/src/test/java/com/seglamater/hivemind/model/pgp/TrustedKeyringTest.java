package com.seglamater.hivemind.model.pgp;

import com.seglamater.hivemind.model.testing.TestKey;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPSignature;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedKeyringTest {

    private static final CryptoPolicy POLICY = CryptoPolicy.defaults();
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final TestKey A = TestKey.ed25519("keyring-a");
    private static final TestKey B = TestKey.ed25519("keyring-b");

    private static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void readsSeveralCertificatesFromSeveralArmoredBlocks() throws Exception {
        TrustedKeyring keyring = TrustedKeyring.parse(concat(A.certificate(), "\n# comment\n".getBytes(StandardCharsets.US_ASCII),
                B.certificate()), POLICY);
        assertThat(keyring.certificates()).extracting(Certificate::fingerprint)
                .containsExactly(A.fingerprint(), B.fingerprint());
        assertThat(keyring.certificates().get(0).userIds()).containsExactly("Hivemind TEST ONLY keyring-a <keyring-a@invalid>");
        assertThat(keyring.certificates().get(0).statusAt(NOW)).isEqualTo("valid");
    }

    @Test
    void encodesToOneBlockThatReadsBackIdentically() throws Exception {
        TrustedKeyring keyring = TestKey.keyringOf(A, B);
        byte[] encoded = keyring.encode();
        assertThat(new String(encoded, StandardCharsets.US_ASCII)).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----")
                .doesNotContain("Version:");
        TrustedKeyring reread = TrustedKeyring.parse(encoded, POLICY);
        assertThat(reread.certificates()).extracting(Certificate::fingerprint)
                .containsExactly(A.fingerprint(), B.fingerprint());
        assertThat(reread.encode()).isEqualTo(encoded);
    }

    @Test
    void mergesTheSameCertificateGivenTwice() throws Exception {
        TrustedKeyring keyring = TrustedKeyring.parse(concat(A.certificate(), A.certificate()), POLICY);
        assertThat(keyring.certificates()).hasSize(1);
    }

    @Test
    void removesACertificateByFingerprintCaseInsensitively() {
        TrustedKeyring keyring = TestKey.keyringOf(A, B);
        assertThat(keyring.without(A.fingerprint().toLowerCase())).hasValueSatisfying(k ->
                assertThat(k.certificates()).extracting(Certificate::fingerprint).containsExactly(B.fingerprint()));
        assertThat(keyring.without("0".repeat(40))).isEmpty();
    }

    @Test
    void refusesSecretKeys() {
        assertThatThrownBy(() -> TrustedKeyring.parse(A.secretKey(), POLICY))
                .isInstanceOf(KeyringFormatException.class).hasMessageContaining("SECRET key");
    }

    @Test
    void refusesSignaturesAndGarbageWhereKeysAreExpected() {
        byte[] sig = A.sign(new byte[] {1});
        assertThatThrownBy(() -> TrustedKeyring.parse(sig, POLICY))
                .isInstanceOf(KeyringFormatException.class).hasMessageContaining("PGP SIGNATURE");
        assertThatThrownBy(() -> TrustedKeyring.parse("not a key".getBytes(StandardCharsets.US_ASCII), POLICY))
                .isInstanceOf(KeyringFormatException.class).hasMessageContaining("not ASCII-armored");
        assertThatThrownBy(() -> TrustedKeyring.parse(new byte[0], POLICY))
                .isInstanceOf(KeyringFormatException.class);
        assertThatThrownBy(() -> TrustedKeyring.parse(new byte[TrustedKeyring.MAX_KEYRING_BYTES + 1], POLICY))
                .isInstanceOf(KeyringFormatException.class).hasMessageContaining("limit");
    }

    @Test
    void refusesDamagedArmor() {
        String armored = new String(A.certificate(), StandardCharsets.US_ASCII);
        String[] lines = armored.split("\n");
        // Change one character in the middle of the base64 body: the CRC (or the packet parser) notices.
        int line = lines.length / 2;
        char[] chars = lines[line].toCharArray();
        chars[5] = chars[5] == 'A' ? 'B' : 'A';
        lines[line] = new String(chars);
        byte[] damaged = String.join("\n", lines).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> TrustedKeyring.parse(damaged, POLICY)).isInstanceOf(KeyringFormatException.class);
    }

    @Test
    void reportsStatusOfExpiredRevokedAndWeakCertificates() {
        TestKey expired = TestKey.named("status-expired").validFor(Duration.ofDays(1)).build();
        TestKey revoked = TestKey.ed25519("status-revoked").revoke(NOW.minus(Duration.ofDays(1)));
        TestKey sha1 = TestKey.named("status-sha1").selfSignatureHash(HashAlgorithmTags.SHA1).build();
        TrustedKeyring keyring = TestKey.keyringOf(expired, revoked, sha1);
        assertThat(keyring.certificates()).extracting(c -> c.statusAt(NOW))
                .containsExactly("expired", "revoked", "invalid");
        assertThat(keyring.certificate(expired.fingerprint()).orElseThrow().statusAt(TestKey.CREATED))
                .isEqualTo("valid");
        assertThat(keyring.certificate(sha1.fingerprint()).orElseThrow().userIds())
                .as("a user ID certified only with SHA-1 does not count").isEmpty();
    }

    @Test
    void refusesRevocationThatDoesNotBelongToTheKeyring() {
        TrustedKeyring keyring = TestKey.keyringOf(A);
        byte[] notARevocation = B.sign(new byte[] {1}, HashAlgorithmTags.SHA512, PGPSignature.BINARY_DOCUMENT, NOW);
        assertThatThrownBy(() -> keyring.withRevocation(notARevocation))
                .isInstanceOf(KeyringFormatException.class).hasMessageContaining("key revocation signature");
    }

    @Test
    void unparsableEmbeddedSignatureMakesTheSubkeyUnusableWithoutCrashing() throws Exception {
        TestKey hostile = TestKey.named("hostile-embedded").signingSubkey(
                org.bouncycastle.bcpg.sig.KeyFlags.SIGN_DATA, true, null).build().withUnparsableEmbeddedSignature();
        TrustedKeyring keyring = TrustedKeyring.parse(hostile.certificate(), POLICY);
        assertThat(keyring.certificates().get(0).subkeys()).singleElement()
                .satisfies(sub -> assertThat(sub.problem()).hasValueSatisfying(p -> assertThat(p).contains("back-signature")));
    }

    @Test
    void refusesArmorBlockWithoutItsEndLine() {
        // Many BEGIN lines and no END: refused in one pass instead of rescanning the input per line.
        byte[] begins = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n".repeat(20_000).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> TrustedKeyring.parse(begins, POLICY))
                .isInstanceOf(KeyringFormatException.class).hasMessageContaining("without its END line");
    }

    @Test
    void acceptsGnupgRevocationCertificateWithItsProtectiveColon() throws Exception {
        String armored = new String(A.certificate(), StandardCharsets.US_ASCII);
        TrustedKeyring keyring = TrustedKeyring.parse((":" + armored).getBytes(StandardCharsets.US_ASCII), POLICY);
        assertThat(keyring.certificates()).hasSize(1);
    }
}
