package com.seglamater.hivemind.model.pgp;

import com.seglamater.hivemind.model.testing.TestKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class DetachedSignatureVerifierTest {

    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    private static final byte[] DATA = "{\"schema\": 1}\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void signaturesMatchTellsARevokedKeyFromTamperedBytes() {
        TestKey revoked = TestKey.ed25519("match-revoked").revoke(NOW.minus(Duration.ofDays(1)));
        byte[] sig = revoked.sign(DATA);
        DetachedSignatureVerifier verifier = new DetachedSignatureVerifier(revoked.keyring(), Duration.ofMinutes(2));

        assertThat(verifier.check(DATA, sig, NOW).problems()).singleElement()
                .isInstanceOf(SignatureProblem.RevokedKey.class);
        assertThat(verifier.signaturesMatch(DATA, sig)).as("untampered bytes, untrusted key").isTrue();

        byte[] tampered = DATA.clone();
        tampered[2] ^= 1;
        assertThat(verifier.check(tampered, sig, NOW).problems()).singleElement()
                .as("the verifier stops at the revoked key").isInstanceOf(SignatureProblem.RevokedKey.class);
        assertThat(verifier.signaturesMatch(tampered, sig)).as("tampered bytes").isFalse();
    }

    @Test
    void signaturesMatchPassesOverKeysOutsideTheKeyringAndRefusesGarbage() {
        TestKey stranger = TestKey.ed25519("match-stranger");
        DetachedSignatureVerifier verifier = new DetachedSignatureVerifier(TestKey.ed25519("match-other").keyring(),
                Duration.ofMinutes(2));
        assertThat(verifier.signaturesMatch(DATA, stranger.sign(DATA))).isTrue();
        assertThat(verifier.signaturesMatch(DATA, "garbage".getBytes(StandardCharsets.US_ASCII))).isFalse();
    }
}
