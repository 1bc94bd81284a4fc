package com.seglamater.hivemind.model.verify;

import com.seglamater.hivemind.model.pgp.CryptoPolicy;
import com.seglamater.hivemind.model.pgp.KeyringFormatException;
import com.seglamater.hivemind.model.pgp.SignatureProblem;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.version.SemanticVersion;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The verifier against statements and keyrings made by GnuPG (src/test/resources/fixtures,
 * see its README): the same rules hold for signatures Hivemind did not make itself.
 */
class GnuPgFixturesTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);
    private static final TrustedState CANARY = TrustedState.initial("canary", Optional.of(SemanticVersion.parse("0.1.0")));

    private static byte[] fixture(String scenario, String file) {
        try (InputStream in = GnuPgFixturesTest.class.getResourceAsStream("/fixtures/" + scenario + "/" + file)) {
            assertThat(in).as("fixture %s/%s", scenario, file).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> fingerprints(String scenario) {
        return new String(fixture(scenario, "fingerprint.txt"), StandardCharsets.US_ASCII).lines().toList();
    }

    private static VerifiedStatement verify(String scenario, String keyring, int threshold)
            throws StatementRejectedException, KeyringFormatException {
        TrustedKeyring trusted = TrustedKeyring.parse(fixture(scenario, keyring), CryptoPolicy.defaults());
        StatementVerifier verifier = new StatementVerifier(trusted,
                VerificationPolicy.defaults().withThreshold(threshold), CLOCK);
        return verifier.verify(VerificationRequest.of(fixture(scenario, "latest.json"),
                fixture(scenario, "latest.json.asc"), CANARY));
    }

    private static List<SignatureProblem> problems(String scenario) {
        return catchThrowableOfType(SignatureRejectedException.class, () -> verify(scenario, "keyring.asc", 1))
                .problems();
    }

    @Test
    void acceptsStatementSignedByGnupgEd25519Key() throws Exception {
        VerifiedStatement verified = verify("ed25519-valid", "keyring.asc", 1);
        assertThat(verified.statement().version()).hasToString("0.1.7");
        assertThat(verified.statement().sequence()).isEqualTo(7);
        assertThat(verified.signers()).singleElement()
                .satisfies(s -> assertThat(s.certificate()).isEqualTo(fingerprints("ed25519-valid").get(0)));
    }

    @Test
    void acceptsStatementSignedByGnupgSigningSubkey() throws Exception {
        VerifiedStatement verified = verify("signing-subkey", "keyring.asc", 1);
        String primary = fingerprints("signing-subkey").get(0);
        assertThat(verified.signers()).singleElement().satisfies(s -> {
            assertThat(s.certificate()).isEqualTo(primary);
            assertThat(s.signingKey()).isNotEqualTo(primary);
        });
    }

    @Test
    void rejectsKeyRevokedWithGnupgRevocationCertificate() throws Exception {
        assertThat(verify("revoked-key", "keyring-before-revocation.asc", 1).signers()).hasSize(1);
        assertThat(problems("revoked-key")).singleElement()
                .isInstanceOfSatisfying(SignatureProblem.RevokedKey.class,
                        p -> assertThat(p.fingerprint()).isEqualTo(fingerprints("revoked-key").get(0)));
    }

    @Test
    void revocationCertificateFromGnupgCanBeAddedToAKeyring() throws Exception {
        TrustedKeyring before = TrustedKeyring.parse(fixture("revoked-key", "keyring-before-revocation.asc"),
                CryptoPolicy.defaults());
        TrustedKeyring after = before.withRevocation(fixture("revoked-key", "revocation.asc"));
        assertThat(before.certificates().get(0).statusAt(CLOCK.instant())).isEqualTo("valid");
        assertThat(after.certificates().get(0).statusAt(CLOCK.instant())).isEqualTo("revoked");
    }

    @Test
    void rejectsSignatureByExpiredGnupgKey() {
        assertThat(problems("expired-key")).singleElement()
                .isInstanceOfSatisfying(SignatureProblem.ExpiredKey.class,
                        p -> assertThat(p.expiredAt()).isEqualTo(Instant.parse("2025-01-31T00:00:00Z")));
    }

    @Test
    void rejectsSha1SignatureMadeByGnupg() {
        assertThat(problems("sha1-signature")).singleElement()
                .isInstanceOfSatisfying(SignatureProblem.WeakHash.class,
                        p -> assertThat(p.algorithm()).isEqualTo("SHA-1"));
    }

    @Test
    void rejectsGnupgRsa2048Key() {
        assertThat(problems("weak-rsa2048-key")).singleElement().isInstanceOf(SignatureProblem.WeakKey.class);
    }

    @Test
    void rejectsGnupgTextModeSignature() {
        assertThat(problems("text-mode-signature")).singleElement()
                .isInstanceOfSatisfying(SignatureProblem.WrongSignatureType.class, p -> assertThat(p.type()).isEqualTo(1));
    }

    @Test
    void twoGnupgSignersMeetAThresholdOfTwoOnlyWhenBothAreTrusted() throws Exception {
        assertThat(verify("two-signers", "keyring.asc", 2).signers())
                .extracting(s -> s.certificate())
                .containsExactlyInAnyOrderElementsOf(fingerprints("two-signers"));

        SignatureRejectedException e = catchThrowableOfType(SignatureRejectedException.class,
                () -> verify("two-signers", "keyring-one.asc", 2));
        assertThat(e.valid()).hasSize(1);
        assertThat(e.problems()).singleElement().isInstanceOf(SignatureProblem.UnknownKey.class);
    }

    @Test
    void rejectsExpiredKeyEvenAfterGnupgAddedADesignatedRevoker() {
        // addrevoker writes a newer direct-key signature without expiry; the user-ID signature's expiry still holds.
        assertThat(problems("expired-key-with-revoker")).singleElement()
                .isInstanceOfSatisfying(SignatureProblem.ExpiredKey.class, p -> {
                    assertThat(p.fingerprint()).isEqualTo(fingerprints("expired-key-with-revoker").get(0));
                    assertThat(p.expiredAt()).isEqualTo(Instant.parse("2025-01-31T00:00:00Z"));
                });
    }

    @Test
    void rejectsKeyRevokedByItsDesignatedRevoker() throws Exception {
        assertThat(verify("designated-revoker", "keyring.asc", 1).signers()).hasSize(1);

        List<SignatureProblem> problems = catchThrowableOfType(SignatureRejectedException.class,
                () -> verify("designated-revoker", "keyring-revoked.asc", 1)).problems();
        assertThat(problems).singleElement().isInstanceOfSatisfying(SignatureProblem.RevokedKey.class, p -> {
            assertThat(p.fingerprint()).isEqualTo(fingerprints("designated-revoker").get(0));
            assertThat(p.reason()).contains("designated revoker " + fingerprints("designated-revoker").get(1));
        });
    }

    @Test
    void honoursDesignatedRevocationEvenWhenTheRevokerIsNotInTheKeyring() {
        List<SignatureProblem> problems = catchThrowableOfType(SignatureRejectedException.class,
                () -> verify("designated-revoker", "keyring-revoked-without-revoker.asc", 1)).problems();
        assertThat(problems).singleElement().isInstanceOfSatisfying(SignatureProblem.RevokedKey.class,
                p -> assertThat(p.reason()).contains("not in the keyring"));
    }

    @Test
    void designatedRevocationCertificateMergesIntoTheKeyring() throws Exception {
        byte[] keyring = fixture("designated-revoker", "keyring.asc");
        byte[] revocation = fixture("designated-revoker", "revocation.asc");
        byte[] both = new byte[keyring.length + revocation.length];
        System.arraycopy(keyring, 0, both, 0, keyring.length);
        System.arraycopy(revocation, 0, both, keyring.length, revocation.length);
        TrustedKeyring merged = TrustedKeyring.parse(both, CryptoPolicy.defaults());
        assertThat(merged.certificate(fingerprints("designated-revoker").get(0)).orElseThrow().statusAt(CLOCK.instant()))
                .isEqualTo("revoked");
        // The revoker is a certify-only key: it may revoke, but no release signature of it would count.
        assertThat(merged.certificate(fingerprints("designated-revoker").get(1)).orElseThrow().statusAt(CLOCK.instant()))
                .isEqualTo("cannot-sign");
    }
}
