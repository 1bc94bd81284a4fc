package com.seglamater.hivemind.model.pgp;

import com.seglamater.hivemind.model.testing.TestKey;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Valid" means able to sign releases: a certificate counts only when one of its keys may make a
 * signature that {@link DetachedSignatureVerifier} accepts now. A certify-only key, or one whose
 * only signing subkey expired or was revoked, is {@code cannot-sign}, however fine its primary key.
 */
class CertificateSigningTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final byte[] DATA = "{\"release\":true}".getBytes(StandardCharsets.UTF_8);

    private static final TestKey SIGNS = TestKey.ed25519("can-sign");
    private static final TestKey SUBKEY_SIGNS = TestKey.named("subkey-signs")
            .signingSubkey(KeyFlags.SIGN_DATA, true, null).build();
    private static final TestKey CERTIFY_ONLY = TestKey.named("certify-only").primaryFlags(KeyFlags.CERTIFY_OTHER).build();
    private static final TestKey EXPIRED_SUBKEY = TestKey.named("expired-subkey")
            .signingSubkey(KeyFlags.SIGN_DATA, true, Duration.ofDays(10)).build();
    private static final TestKey REVOKED_SUBKEY = TestKey.named("revoked-subkey")
            .signingSubkey(KeyFlags.SIGN_DATA, true, null).build().revokeSubkey(NOW.minus(Duration.ofDays(1)));
    private static final TestKey ENCRYPTION_SUBKEY = TestKey.named("encryption-subkey")
            .signingSubkey(KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE, true, null).build();
    private static final TestKey NO_BACK_SIGNATURE = TestKey.named("no-back-signature")
            .signingSubkey(KeyFlags.SIGN_DATA, false, null).build();
    private static final TestKey REVOKED = TestKey.ed25519("revoked").revoke(NOW.minus(Duration.ofDays(1)));
    private static final TestKey EXPIRED = TestKey.named("expired").validFor(Duration.ofDays(30)).build();

    private static Certificate certificate(TestKey key) {
        return key.keyring().certificates().get(0);
    }

    @Test
    void aCertificateIsValidOnlyWhenOneOfItsKeysCanSignReleasesNow() {
        Map<TestKey, String> expected = Map.of(
                SIGNS, "valid",
                SUBKEY_SIGNS, "valid",
                CERTIFY_ONLY, "cannot-sign",
                EXPIRED_SUBKEY, "cannot-sign",
                REVOKED_SUBKEY, "cannot-sign",
                ENCRYPTION_SUBKEY, "cannot-sign",
                NO_BACK_SIGNATURE, "cannot-sign",
                REVOKED, "revoked",
                EXPIRED, "expired");
        expected.forEach((key, status) -> assertThat(certificate(key).statusAt(NOW)).as(key.fingerprint())
                .isEqualTo(status));
    }

    /** The keyring's notion of "can sign" and the verifier's are one rule, tried on every kind of key. */
    @Test
    void canSignExactlyWhenTheVerifierCountsItsSignature() {
        for (TestKey key : List.of(SIGNS, SUBKEY_SIGNS, CERTIFY_ONLY, EXPIRED_SUBKEY, REVOKED_SUBKEY,
                ENCRYPTION_SUBKEY, NO_BACK_SIGNATURE, REVOKED, EXPIRED)) {
            SignatureCheck check = new DetachedSignatureVerifier(key.keyring(), Duration.ZERO)
                    .check(DATA, key.sign(DATA), NOW);
            assertThat(certificate(key).canSignAt(NOW)).as(key.fingerprint() + ": " + check.problems())
                    .isEqualTo(check.distinctSigners() == 1);
        }
    }

    @Test
    void anExpiredSigningSubkeyStillSignedBeforeItExpired() {
        Certificate c = certificate(EXPIRED_SUBKEY);
        assertThat(c.statusAt(TestKey.CREATED.plus(Duration.ofDays(1)))).isEqualTo("valid");
        assertThat(c.signingKeysAt(TestKey.CREATED.plus(Duration.ofDays(1)))).extracting(KeyInfo::fingerprint)
                .containsExactly(EXPIRED_SUBKEY.signingKeyFingerprint());
    }

    @Test
    void saysWhyACertificateCannotSign() {
        assertThat(certificate(SIGNS).signingProblemAt(NOW)).isEmpty();
        assertThat(certificate(CERTIFY_ONLY).signingProblemAt(NOW)).hasValue(
                "none of its keys may sign data (primary key [C], no subkey)");
        assertThat(certificate(ENCRYPTION_SUBKEY).signingProblemAt(NOW)).hasValue(
                "none of its keys may sign data (primary key [C], subkeys [E])");
        assertThat(certificate(EXPIRED_SUBKEY).signingProblemAt(NOW)).hasValue("no usable signing key: signing subkey "
                + EXPIRED_SUBKEY.signingKeyFingerprint() + " expired at " + TestKey.CREATED.plus(Duration.ofDays(10)));
        assertThat(certificate(REVOKED_SUBKEY).signingProblemAt(NOW)).hasValueSatisfying(p -> assertThat(p)
                .startsWith("no usable signing key: signing subkey " + REVOKED_SUBKEY.signingKeyFingerprint()
                        + " revoked at ").contains("key retired"));
        assertThat(certificate(NO_BACK_SIGNATURE).signingProblemAt(NOW)).hasValueSatisfying(p -> assertThat(p)
                .contains("back-signature"));
        assertThat(certificate(REVOKED).signingProblemAt(NOW)).hasValueSatisfying(p -> assertThat(p)
                .startsWith("revoked at ").contains("key compromised"));
        assertThat(certificate(EXPIRED).signingProblemAt(NOW)).hasValue("expired at "
                + TestKey.CREATED.plus(Duration.ofDays(30)));
    }

    @Test
    void theKeyringsSignersAreTheCertificatesThatCanSign() {
        TrustedKeyring keyring = TestKey.keyringOf(CERTIFY_ONLY, SIGNS, EXPIRED_SUBKEY, SUBKEY_SIGNS);
        assertThat(keyring.signersAt(NOW)).extracting(Certificate::fingerprint)
                .containsExactly(SIGNS.fingerprint(), SUBKEY_SIGNS.fingerprint());
        assertThat(TestKey.keyringOf(CERTIFY_ONLY, EXPIRED_SUBKEY, REVOKED).signersAt(NOW)).isEmpty();
    }
}
