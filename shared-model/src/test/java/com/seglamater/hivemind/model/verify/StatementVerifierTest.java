package com.seglamater.hivemind.model.verify;

import com.seglamater.hivemind.model.pgp.Armor;
import com.seglamater.hivemind.model.pgp.SignatureProblem;
import com.seglamater.hivemind.model.release.ReleaseStatement;
import com.seglamater.hivemind.model.testing.Statements;
import com.seglamater.hivemind.model.testing.TestKey;
import com.seglamater.hivemind.model.version.SemanticVersion;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import static com.seglamater.hivemind.model.testing.Statements.bytes;
import static com.seglamater.hivemind.model.testing.Statements.statement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class StatementVerifierTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final TestKey RELEASE = TestKey.ed25519("release-a");
    private static final TestKey OTHER = TestKey.ed25519("release-b");

    private static final ReleaseStatement CANARY_7 = statement("canary", "0.1.7", 7);
    private static final TrustedState FRESH = TrustedState.initial("canary", Optional.of(SemanticVersion.parse("0.1.6")));

    private static StatementVerifier verifier(TestKey... trusted) {
        return new StatementVerifier(TestKey.keyringOf(trusted), VerificationPolicy.defaults(), CLOCK);
    }

    private static VerifiedStatement verify(byte[] statement, byte[] signature, TrustedState state, TestKey... trusted)
            throws StatementRejectedException {
        return verifier(trusted).verify(VerificationRequest.of(statement, signature, state));
    }

    private static SignatureRejectedException signatureRejected(byte[] statement, byte[] signature, TestKey... trusted) {
        return catchThrowableOfType(SignatureRejectedException.class,
                () -> verify(statement, signature, FRESH, trusted));
    }

    // ---- accepted statements ------------------------------------------------------------

    @Test
    void acceptsStatementSignedByTrustedKey() throws Exception {
        byte[] data = bytes(CANARY_7);
        VerifiedStatement verified = verify(data, RELEASE.sign(data), FRESH, RELEASE);

        assertThat(verified.statement()).isEqualTo(CANARY_7);
        assertThat(verified.unchanged()).isFalse();
        assertThat(verified.signers()).singleElement()
                .satisfies(s -> assertThat(s.certificate()).isEqualTo(RELEASE.fingerprint()));
        TrustedState next = verified.nextState(FRESH);
        assertThat(next.sequence()).isEqualTo(7);
        assertThat(next.statementSha256()).contains(StatementVerifier.sha256(data));
        assertThat(next.installedVersion()).isEqualTo(FRESH.installedVersion());
    }

    @Test
    void sameStatementAgainIsAcceptedAsUnchanged() throws Exception {
        byte[] data = bytes(CANARY_7);
        byte[] sig = RELEASE.sign(data);
        TrustedState trusted = verify(data, sig, FRESH, RELEASE).nextState(FRESH);

        VerifiedStatement again = verify(data, sig, trusted, RELEASE);
        assertThat(again.unchanged()).isTrue();
        assertThat(again.nextState(trusted)).isEqualTo(trusted);
    }

    @Test
    void acceptsSignatureBySigningSubkeyWithBackSignature() throws Exception {
        TestKey key = TestKey.named("subkey").signingSubkey(KeyFlags.SIGN_DATA, true, null).build();
        byte[] data = bytes(CANARY_7);
        VerifiedStatement verified = verify(data, key.sign(data), FRESH, key);
        assertThat(verified.signers().get(0).certificate()).isEqualTo(key.fingerprint());
        assertThat(verified.signers().get(0).signingKey()).isEqualTo(key.signingKeyFingerprint());
    }

    // ---- rule 1: bounded sizes -----------------------------------------------------------

    @Test
    void rejectsOversizedStatementBeforeLookingAtIt() {
        byte[] huge = new byte[64 * 1024 + 1];
        OversizedInputException e = catchThrowableOfType(OversizedInputException.class,
                () -> verify(huge, RELEASE.sign(huge), FRESH, RELEASE));
        assertThat(e.artifact()).isEqualTo("statement");
        assertThat(e.limit()).isEqualTo(65536);
        assertThat(e.rule()).isEqualTo(1);
        // A fetcher reads at most limit + 1 bytes of what may be 10 MiB: that count is not the file's size.
        assertThat(e).hasMessage("statement is larger than the 65 536-byte limit");
    }

    @Test
    void rejectsOversizedSignatureFile() {
        byte[] data = bytes(CANARY_7);
        byte[] padded = Arrays.copyOf(RELEASE.sign(data), 16 * 1024 + 1);
        Arrays.fill(padded, RELEASE.sign(data).length, padded.length, (byte) '\n');
        OversizedInputException e = catchThrowableOfType(OversizedInputException.class,
                () -> verify(data, padded, FRESH, RELEASE));
        assertThat(e.artifact()).isEqualTo("signature");
        assertThat(e.limit()).isEqualTo(16384);
        assertThat(e).hasMessage("signature is larger than the 16 384-byte limit");
    }

    // ---- rule 2: signatures --------------------------------------------------------------

    @Test
    void rejectsTamperedByte() {
        byte[] data = bytes(CANARY_7);
        byte[] sig = RELEASE.sign(data);
        byte[] tampered = new String(data, StandardCharsets.UTF_8).replace("\"0.1.7\"", "\"0.1.8\"")
                .getBytes(StandardCharsets.UTF_8);
        SignatureRejectedException e = signatureRejected(tampered, sig, RELEASE);
        assertThat(e.rule()).isEqualTo(2);
        assertThat(e.valid()).isEmpty();
        assertThat(e.problems()).singleElement().isEqualTo(new SignatureProblem.BadSignature(RELEASE.signingKeyFingerprint()));
    }

    @Test
    void rejectsTrailingWhitespaceAddedAfterSigning() {
        // The signature covers the exact bytes: even an extra newline is a different statement.
        byte[] data = bytes(CANARY_7);
        byte[] sig = RELEASE.sign(data);
        byte[] longer = Arrays.copyOf(data, data.length + 1);
        longer[data.length] = '\n';
        assertThat(signatureRejected(longer, sig, RELEASE).problems())
                .singleElement().isInstanceOf(SignatureProblem.BadSignature.class);
    }

    @Test
    void rejectsStatementSignedByUnknownKey() {
        byte[] data = bytes(CANARY_7);
        SignatureRejectedException e = signatureRejected(data, OTHER.sign(data), RELEASE);
        assertThat(e.problems()).singleElement().isInstanceOf(SignatureProblem.UnknownKey.class);
    }

    @Test
    void rejectsAnEmptySignatureFileAsEmpty() {
        byte[] data = bytes(CANARY_7);
        SignatureRejectedException e = signatureRejected(data, new byte[0], RELEASE);
        assertThat(e.problems()).singleElement().isInstanceOf(SignatureProblem.Malformed.class);
        assertThat(e).hasMessageEndingWith(": signature is malformed: signature file is empty");
    }

    @Test
    void rejectsAMissingSignatureFileAsMissingNotEmpty() {
        byte[] data = bytes(CANARY_7);
        SignatureRejectedException e = catchThrowableOfType(SignatureRejectedException.class,
                () -> verifier(RELEASE).verify(new VerificationRequest(data, Optional.empty(), "canary", FRESH,
                        Set.of(), false)));
        assertThat(e.problems()).containsExactly(new SignatureProblem.Missing());
        assertThat(e.code()).isEqualTo("signature_rejected");
        assertThat(e).hasMessage("statement needs valid signatures by 1 trusted key(s), has 0: signature file is missing")
                .hasMessageNotContaining("empty");
    }

    @Test
    void anOversizedStatementWithoutSignatureIsOversized() {
        // Rule 1 comes first, whatever the signature.
        byte[] huge = new byte[64 * 1024 + 1];
        assertThatThrownBy(() -> verifier(RELEASE).verify(new VerificationRequest(huge, Optional.empty(), "canary",
                FRESH, Set.of(), false))).isInstanceOf(OversizedInputException.class);
    }

    @Test
    void rejectsSignatureFileThatIsNotASignature() {
        byte[] data = bytes(CANARY_7);
        assertThat(signatureRejected(data, RELEASE.certificate(), RELEASE).problems())
                .singleElement().isInstanceOfSatisfying(SignatureProblem.Malformed.class,
                        p -> assertThat(p.reason()).contains("PUBLIC KEY BLOCK"));
        assertThat(signatureRejected(data, "garbage".getBytes(StandardCharsets.US_ASCII), RELEASE).problems())
                .singleElement().isInstanceOf(SignatureProblem.Malformed.class);
    }

    @Test
    void rejectsSignatureByRevokedKey() {
        TestKey key = TestKey.ed25519("revoked").revoke(NOW.minus(Duration.ofDays(1)));
        byte[] data = bytes(CANARY_7);
        // The signature predates the revocation and still does not count: a revoked key is not trusted at all.
        assertThat(signatureRejected(data, key.sign(data), key).problems()).singleElement()
                .isInstanceOfSatisfying(SignatureProblem.RevokedKey.class, p -> {
                    assertThat(p.fingerprint()).isEqualTo(key.fingerprint());
                    assertThat(p.reason()).contains("key compromised");
                });
    }

    @Test
    void rejectsSignatureByExpiredKey() {
        TestKey key = TestKey.named("expired").validFor(Duration.ofDays(30)).build();
        byte[] data = bytes(CANARY_7);
        assertThat(signatureRejected(data, key.sign(data), key).problems()).singleElement()
                .isEqualTo(new SignatureProblem.ExpiredKey(key.fingerprint(), TestKey.CREATED.plus(Duration.ofDays(30))));
    }

    @Test
    void rejectsSignatureByRevokedSubkey() {
        TestKey key = TestKey.named("revoked-sub").signingSubkey(KeyFlags.SIGN_DATA, true, null).build()
                .revokeSubkey(NOW.minus(Duration.ofDays(2)));
        byte[] data = bytes(CANARY_7);
        assertThat(signatureRejected(data, key.sign(data), key).problems()).singleElement()
                .isInstanceOfSatisfying(SignatureProblem.RevokedKey.class,
                        p -> assertThat(p.fingerprint()).isEqualTo(key.signingKeyFingerprint()));
    }

    @Test
    void rejectsSignatureByExpiredSubkeyOfValidCertificate() {
        TestKey key = TestKey.named("expired-sub").signingSubkey(KeyFlags.SIGN_DATA, true, Duration.ofDays(10)).build();
        byte[] data = bytes(CANARY_7);
        assertThat(signatureRejected(data, key.sign(data), key).problems()).singleElement()
                .isInstanceOfSatisfying(SignatureProblem.ExpiredKey.class,
                        p -> assertThat(p.fingerprint()).isEqualTo(key.signingKeyFingerprint()));
    }

    @Test
    void rejectsSigningSubkeyWithoutBackSignature() {
        // Without the back-signature anyone could bind someone else's signing key to their certificate.
        TestKey key = TestKey.named("no-backsig").signingSubkey(KeyFlags.SIGN_DATA, false, null).build();
        byte[] data = bytes(CANARY_7);
        assertThat(signatureRejected(data, key.sign(data), key).problems()).singleElement()
                .isInstanceOfSatisfying(SignatureProblem.NotSigningKey.class,
                        p -> assertThat(p.reason()).contains("back-signature"));
    }

    @Test
    void rejectsSignatureByEncryptionOnlySubkey() {
        TestKey key = TestKey.named("enc-only")
                .signingSubkey(KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE, true, null).build();
        byte[] data = bytes(CANARY_7);
        assertThat(signatureRejected(data, key.sign(data), key).problems()).singleElement()
                .isInstanceOfSatisfying(SignatureProblem.NotSigningKey.class,
                        p -> assertThat(p.fingerprint()).isEqualTo(key.signingKeyFingerprint()));
    }

    @Test
    void rejectsSignatureByCertifyOnlyPrimaryKey() {
        TestKey key = TestKey.named("certify-only").primaryFlags(KeyFlags.CERTIFY_OTHER).build();
        byte[] data = bytes(CANARY_7);
        assertThat(signatureRejected(data, key.sign(data), key).problems()).singleElement()
                .isInstanceOf(SignatureProblem.NotSigningKey.class);
    }

    @Test
    void rejectsKeyWhoseOnlySelfSignatureUsesSha1() {
        TestKey key = TestKey.named("sha1-selfsig").selfSignatureHash(HashAlgorithmTags.SHA1).build();
        byte[] data = bytes(CANARY_7);
        assertThat(signatureRejected(data, key.sign(data), key).problems()).singleElement()
                .isInstanceOfSatisfying(SignatureProblem.NotSigningKey.class,
                        p -> assertThat(p.reason()).contains("no valid self-signature"));
    }

    @ParameterizedTest
    @ValueSource(ints = {HashAlgorithmTags.SHA1, HashAlgorithmTags.MD5, HashAlgorithmTags.RIPEMD160})
    void rejectsWeakHashAlgorithms(int hash) {
        byte[] data = bytes(CANARY_7);
        byte[] sig = RELEASE.sign(data, hash, PGPSignature.BINARY_DOCUMENT, TestKey.CREATED.plusSeconds(60));
        assertThat(signatureRejected(data, sig, RELEASE).problems()).singleElement()
                .isInstanceOf(SignatureProblem.WeakHash.class);
    }

    @Test
    void rejectsRsaKeyBelow3072Bits() {
        TestKey weak = TestKey.named("rsa2048").rsa(2048).build();
        byte[] data = bytes(CANARY_7);
        assertThat(signatureRejected(data, weak.sign(data), weak).problems()).singleElement()
                .isInstanceOfSatisfying(SignatureProblem.WeakKey.class,
                        p -> assertThat(p.reason()).contains("2048"));
    }

    @Test
    void rejectsTextModeSignature() {
        byte[] data = bytes(CANARY_7);
        byte[] sig = RELEASE.sign(data, HashAlgorithmTags.SHA512, PGPSignature.CANONICAL_TEXT_DOCUMENT,
                TestKey.CREATED.plusSeconds(60));
        assertThat(signatureRejected(data, sig, RELEASE).problems()).singleElement()
                .isInstanceOfSatisfying(SignatureProblem.WrongSignatureType.class, p -> assertThat(p.describe())
                        .contains("type 0x01").contains("text-mode").contains("--textmode"));
    }

    @Test
    void rejectsSignatureDatedInTheFuture() {
        byte[] data = bytes(CANARY_7);
        byte[] sig = RELEASE.sign(data, HashAlgorithmTags.SHA512, PGPSignature.BINARY_DOCUMENT, NOW.plus(Duration.ofHours(1)));
        assertThat(signatureRejected(data, sig, RELEASE).problems()).singleElement()
                .isInstanceOf(SignatureProblem.CreatedInFuture.class);
    }

    @Test
    void rejectsSignatureDatedBeforeTheKeyExisted() {
        byte[] data = bytes(CANARY_7);
        byte[] sig = RELEASE.sign(data, HashAlgorithmTags.SHA512, PGPSignature.BINARY_DOCUMENT,
                TestKey.CREATED.minus(Duration.ofDays(365)));
        assertThat(signatureRejected(data, sig, RELEASE).problems()).singleElement()
                .isInstanceOfSatisfying(SignatureProblem.UnsupportedSignature.class,
                        p -> assertThat(p.reason()).contains("before the key itself existed"));
    }

    @Test
    void rejectsSignatureWithUnknownCriticalSubpacket() {
        byte[] data = bytes(CANARY_7);
        byte[] sig = RELEASE.signWithSubpackets(data,
                hashed -> hashed.addNotationData(true, true, "policy@example.test", "must-understand"));
        assertThat(signatureRejected(data, sig, RELEASE).problems()).singleElement()
                .isInstanceOfSatisfying(SignatureProblem.UnsupportedSignature.class,
                        p -> assertThat(p.reason()).contains("critical subpacket"));
        // The same notation, not critical, is harmless.
        byte[] nonCritical = RELEASE.signWithSubpackets(data,
                hashed -> hashed.addNotationData(false, true, "policy@example.test", "informational"));
        assertThat(signatureRejected(data, nonCritical, RELEASE)).isNull();
    }

    @Test
    void rejectsVersion3Signature() {
        TestKey rsa = TestKey.named("rsa-v3").rsa(3072).build();
        byte[] data = bytes(CANARY_7);
        assertThat(signatureRejected(data, rsa.signV3(data), rsa).problems()).singleElement()
                .isInstanceOfSatisfying(SignatureProblem.UnsupportedSignature.class,
                        p -> assertThat(p.reason()).contains("version 3"));
        assertThat(signatureRejected(data, rsa.sign(data), rsa)).as("a v4 signature by the same key counts").isNull();
    }

    @Test
    void thresholdCountsDistinctTrustedCertificates() throws Exception {
        byte[] data = bytes(CANARY_7);
        byte[] both = twoSignatures(data, RELEASE, OTHER);
        StatementVerifier twoOfTwo = new StatementVerifier(TestKey.keyringOf(RELEASE, OTHER),
                VerificationPolicy.defaults().withThreshold(2), CLOCK);

        assertThat(twoOfTwo.verify(VerificationRequest.of(data, both, FRESH)).signers()).hasSize(2);

        SignatureRejectedException one = catchThrowableOfType(SignatureRejectedException.class,
                () -> twoOfTwo.verify(VerificationRequest.of(data, RELEASE.sign(data), FRESH)));
        assertThat(one.required()).isEqualTo(2);
        assertThat(one.valid()).hasSize(1);

        // The same key signing twice is still one signer.
        byte[] sameTwice = twoSignatures(data, RELEASE, RELEASE);
        assertThatThrownBy(() -> twoOfTwo.verify(VerificationRequest.of(data, sameTwice, FRESH)))
                .isInstanceOf(SignatureRejectedException.class);
    }

    @Test
    void oneValidSignatureIsEnoughWithDefaultThresholdEvenNextToAnUntrustedOne() throws Exception {
        byte[] data = bytes(CANARY_7);
        VerifiedStatement verified = verify(data, twoSignatures(data, OTHER, RELEASE), FRESH, RELEASE);
        assertThat(verified.signers()).singleElement()
                .satisfies(s -> assertThat(s.certificate()).isEqualTo(RELEASE.fingerprint()));
    }

    private static byte[] twoSignatures(byte[] data, TestKey a, TestKey b) {
        Instant at = TestKey.CREATED.plusSeconds(60);
        byte[] first = a.signature(data, HashAlgorithmTags.SHA512, PGPSignature.BINARY_DOCUMENT, at);
        byte[] second = b.signature(data, HashAlgorithmTags.SHA512, PGPSignature.BINARY_DOCUMENT, at.plusSeconds(1));
        byte[] packets = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, packets, first.length, second.length);
        return Armor.encode(packets);
    }

    // ---- rule 3: strict parsing and binding ------------------------------------------------

    @Test
    void rejectsSignedStatementThatIsNotStrictJson() {
        byte[] data = (new String(bytes(CANARY_7), StandardCharsets.UTF_8) + "{}").getBytes(StandardCharsets.UTF_8);
        MalformedStatementException e = catchThrowableOfType(MalformedStatementException.class,
                () -> verify(data, RELEASE.sign(data), FRESH, RELEASE));
        assertThat(e.rule()).isEqualTo(3);
        assertThat(e.reason()).contains("not valid JSON");
    }

    @Test
    void rejectsSignedStatementWithTagInsteadOfDigest() {
        byte[] data = new String(bytes(CANARY_7), StandardCharsets.UTF_8)
                .replace(Statements.SERVER_IMAGE, "registry.example.test/hivemind/server:latest")
                .getBytes(StandardCharsets.UTF_8);
        MalformedStatementException e = catchThrowableOfType(MalformedStatementException.class,
                () -> verify(data, RELEASE.sign(data), FRESH, RELEASE));
        assertThat(e.reason()).contains("hivemind-server").contains("tags are not allowed");
    }

    @Test
    void rejectsStatementForAnotherChannel() {
        byte[] data = bytes(statement("stable", "0.1.7", 7));
        ChannelMismatchException e = catchThrowableOfType(ChannelMismatchException.class,
                () -> verify(data, RELEASE.sign(data), FRESH, RELEASE));
        assertThat(e.expected()).isEqualTo("canary");
        assertThat(e.actual()).isEqualTo("stable");
    }

    @Test
    void rejectsImagesForServicesTheStackDoesNotHave() {
        byte[] data = bytes(CANARY_7);
        VerificationRequest request = new VerificationRequest(data, RELEASE.sign(data), "canary", FRESH,
                Set.of("hivemind-server", "hivemind-db"), false);
        UnknownServiceException e = catchThrowableOfType(UnknownServiceException.class,
                () -> verifier(RELEASE).verify(request));
        assertThat(e.unknown()).containsExactly("hivemind-updater");
    }

    // ---- rule 4: freshness -------------------------------------------------------------------

    @Test
    void rejectsExpiredStatement() {
        byte[] data = bytes(Statements.withExpiry(CANARY_7, NOW.minus(Duration.ofMinutes(3))));
        ExpiredStatementException e = catchThrowableOfType(ExpiredStatementException.class,
                () -> verify(data, RELEASE.sign(data), FRESH, RELEASE));
        assertThat(e.expires()).isEqualTo(NOW.minus(Duration.ofMinutes(3)));
        assertThat(e.now()).isEqualTo(NOW);
        assertThat(e.rule()).isEqualTo(4);
    }

    @Test
    void toleratesExpiryWithinTheClockSkewAllowance() throws Exception {
        byte[] data = bytes(Statements.withExpiry(CANARY_7, NOW.minus(Duration.ofMinutes(1))));
        assertThat(verify(data, RELEASE.sign(data), FRESH, RELEASE).statement().sequence()).isEqualTo(7);
    }

    // ---- rule 5: rollback --------------------------------------------------------------------

    @Test
    void rejectsReplayOfOlderStatementAndKeepsTrustedState() throws Exception {
        byte[] older = bytes(CANARY_7);
        byte[] olderSig = RELEASE.sign(older);
        byte[] newer = bytes(statement("canary", "0.1.8", 8));
        TrustedState trusted = verify(newer, RELEASE.sign(newer), FRESH, RELEASE).nextState(FRESH);

        SequenceRollbackException e = catchThrowableOfType(SequenceRollbackException.class,
                () -> verify(older, olderSig, trusted, RELEASE));
        assertThat(e.trusted()).isEqualTo(8);
        assertThat(e.offered()).isEqualTo(7);
        assertThat(trusted.sequence()).isEqualTo(8);
    }

    @Test
    void rejectsDifferentStatementWithTheTrustedSequence() throws Exception {
        byte[] first = bytes(CANARY_7);
        TrustedState trusted = verify(first, RELEASE.sign(first), FRESH, RELEASE).nextState(FRESH);
        byte[] fork = bytes(statement("canary", "0.1.9", 7));
        ConflictingStatementException e = catchThrowableOfType(ConflictingStatementException.class,
                () -> verify(fork, RELEASE.sign(fork), trusted, RELEASE));
        assertThat(e.sequence()).isEqualTo(7);
        assertThat(e.trustedSha256()).isEqualTo(StatementVerifier.sha256(first));
        assertThat(e.offeredSha256()).isEqualTo(StatementVerifier.sha256(fork));
    }

    @Test
    void rejectsOlderVersionUnlessDowngradeIsExplicitlyAllowed() throws Exception {
        TrustedState running020 = TrustedState.initial("canary", Optional.of(SemanticVersion.parse("0.2.0")));
        byte[] data = bytes(CANARY_7);
        byte[] sig = RELEASE.sign(data);
        VersionRollbackException e = catchThrowableOfType(VersionRollbackException.class,
                () -> verify(data, sig, running020, RELEASE));
        assertThat(e.installed()).hasToString("0.2.0");
        assertThat(e.offered()).hasToString("0.1.7");

        VerificationRequest downgrade = new VerificationRequest(data, sig, "canary", running020, Set.of(), true);
        assertThat(verifier(RELEASE).verify(downgrade).statement().version()).hasToString("0.1.7");
    }

    @Test
    void releaseIsNewerThanItsOwnPreRelease() throws Exception {
        TrustedState runningRc = TrustedState.initial("canary", Optional.of(SemanticVersion.parse("0.2.0-rc.2")));
        byte[] release = bytes(statement("canary", "0.2.0", 7));
        assertThat(verify(release, RELEASE.sign(release), runningRc, RELEASE).statement().version()).hasToString("0.2.0");

        TrustedState running = TrustedState.initial("canary", Optional.of(SemanticVersion.parse("0.2.0")));
        byte[] rc = bytes(statement("canary", "0.2.0-rc.2", 7));
        assertThatThrownBy(() -> verify(rc, RELEASE.sign(rc), running, RELEASE))
                .isInstanceOf(VersionRollbackException.class);
    }

    // ---- rule 6: minimum version ----------------------------------------------------------------

    @Test
    void rejectsReleaseThatTheInstalledVersionMayNotMoveToDirectly() throws Exception {
        byte[] data = bytes(Statements.withMinimum(CANARY_7, "0.1.5"));
        TrustedState old = TrustedState.initial("canary", Optional.of(SemanticVersion.parse("0.1.4")));
        MinimumVersionException e = catchThrowableOfType(MinimumVersionException.class,
                () -> verify(data, RELEASE.sign(data), old, RELEASE));
        assertThat(e.installed()).hasToString("0.1.4");
        assertThat(e.minimum()).hasToString("0.1.5");
        assertThat(e.rule()).isEqualTo(6);

        TrustedState atMinimum = TrustedState.initial("canary", Optional.of(SemanticVersion.parse("0.1.5")));
        assertThat(verify(data, RELEASE.sign(data), atMinimum, RELEASE).statement().version()).hasToString("0.1.7");
    }

    // ---- construction --------------------------------------------------------------------------

    @Test
    void refusesAnEmptyKeyringAndARequestForAnotherChannelsState() {
        assertThatThrownBy(() -> new StatementVerifier(TestKey.keyringOf(), VerificationPolicy.defaults(), CLOCK))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no key");
        assertThatThrownBy(() -> new VerificationRequest(new byte[0], new byte[0], "beta", FRESH, Set.of(), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("canary");
    }
}
