package com.seglamater.hivemind.signer.pgp;

import com.seglamater.hivemind.model.pgp.Certificate;
import com.seglamater.hivemind.model.pgp.CryptoPolicy;
import com.seglamater.hivemind.model.pgp.DetachedSignatureVerifier;
import com.seglamater.hivemind.model.pgp.KeyInfo;
import com.seglamater.hivemind.model.pgp.SignatureCheck;
import com.seglamater.hivemind.model.pgp.SignatureProblem;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyGeneratorTest {

    private static final Instant NOW = Instant.parse("2026-11-24T08:00:00Z");
    private static final CryptoPolicy POLICY = CryptoPolicy.defaults();

    @Test
    void generatedEd25519KeyHasCertifyOnlyPrimaryAndBoundSigningSubkey() throws Exception {
        GeneratedKey key = new KeyGenerator(new SecureRandom()).generate(KeyAlgorithm.ED25519,
                "Hivemind TEST ONLY <test@invalid>", Optional.of(Duration.ofDays(365)), Optional.empty(), NOW);
        SecretKey secret = SecretKey.of(key.secret(), POLICY);
        Certificate cert = secret.certificate();

        assertThat(cert.userIds()).containsExactly("Hivemind TEST ONLY <test@invalid>");
        assertThat(cert.primary().problem()).isEmpty();
        assertThat(cert.primary().capabilities()).isEqualTo("C");
        assertThat(cert.primary().expires()).contains(NOW.plus(Duration.ofDays(365)));
        assertThat(cert.subkeys()).singleElement().satisfies(sub -> {
            assertThat(sub.problem()).isEmpty();
            assertThat(sub.capabilities()).isEqualTo("S");
        });
        assertThat(secret.signingKey(NOW)).isEqualTo(cert.subkeys().get(0));
        assertThat(secret.isProtected()).isFalse();
    }

    @Test
    void signatureVerifiesWithTheSharedVerifierAndFailsOnATamperedByte() throws Exception {
        GeneratedKey key = new KeyGenerator(new SecureRandom()).generate(KeyAlgorithm.ED25519,
                "Hivemind TEST ONLY <test@invalid>", Optional.empty(), Optional.of("pass".toCharArray()), NOW);
        SecretKey secret = SecretKey.of(key.secret(), POLICY);
        byte[] data = "release bytes\n".getBytes(StandardCharsets.UTF_8);
        byte[] sig = secret.sign(data, Optional.of("pass".toCharArray()), NOW);

        TrustedKeyring keyring = TrustedKeyring.parse(secret.exportCertificate(), POLICY);
        DetachedSignatureVerifier verifier = new DetachedSignatureVerifier(keyring, Duration.ofMinutes(2));
        SignatureCheck ok = verifier.check(data, sig, NOW);
        assertThat(ok.problems()).isEmpty();
        assertThat(ok.valid()).singleElement().satisfies(v -> {
            assertThat(v.certificate()).isEqualTo(secret.fingerprint());
            assertThat(v.signingKey()).isEqualTo(secret.certificate().subkeys().get(0).fingerprint());
        });

        byte[] tampered = data.clone();
        tampered[0] ^= 1;
        assertThat(verifier.check(tampered, sig, NOW).problems())
                .singleElement().isInstanceOf(SignatureProblem.BadSignature.class);
    }

    @Test
    void wrongPassphraseIsReportedAsSuch() throws Exception {
        GeneratedKey key = new KeyGenerator(new SecureRandom()).generate(KeyAlgorithm.ED25519,
                "Hivemind TEST ONLY <test@invalid>", Optional.empty(), Optional.of("right".toCharArray()), NOW);
        SecretKey secret = SecretKey.of(key.secret(), POLICY);
        assertThat(secret.isProtected()).isTrue();
        assertThatThrownBy(() -> secret.sign(new byte[] {1}, Optional.of("wrong".toCharArray()), NOW))
                .isInstanceOf(KeyException.class).hasMessageContaining("wrong passphrase");
        assertThatThrownBy(() -> secret.sign(new byte[] {1}, Optional.empty(), NOW))
                .isInstanceOf(KeyException.class).hasMessageContaining("none was given");
    }

    @Test
    void revocationCertificateMadeAtKeygenRevokesTheKeyInAKeyring() throws Exception {
        GeneratedKey key = new KeyGenerator(new SecureRandom()).generate(KeyAlgorithm.ED25519,
                "Hivemind TEST ONLY <test@invalid>", Optional.empty(), Optional.empty(), NOW);
        SecretKey secret = SecretKey.of(key.secret(), POLICY);
        TrustedKeyring keyring = TrustedKeyring.parse(secret.exportCertificate(), POLICY)
                .withRevocation(com.seglamater.hivemind.model.pgp.Armor.encode(key.revocation().getEncoded()));
        KeyInfo primary = keyring.certificates().get(0).primary();
        assertThat(primary.revocation()).isPresent();
        assertThat(keyring.certificates().get(0).statusAt(NOW)).isEqualTo("revoked");

        // The revocation survives writing the keyring and reading it back.
        TrustedKeyring reread = TrustedKeyring.parse(keyring.encode(), POLICY);
        assertThat(reread.certificates().get(0).statusAt(NOW)).isEqualTo("revoked");
    }
}
