package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.config.Durations;
import com.seglamater.hivemind.model.pgp.Certificate;
import com.seglamater.hivemind.model.pgp.KeyInfo;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.pgp.ValidSignature;
import com.seglamater.hivemind.signer.pgp.KeyException;
import com.seglamater.hivemind.signer.pgp.SecretKey;
import org.bouncycastle.bcpg.KeyIdentifier;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The moment a signature stops counting because a key behind it expires: agents reject every
 * signature by an expired signing key or by a key of an expired certificate, however long the
 * statement itself is valid.
 *
 * @param fingerprint the key (primary or subkey) that expires first
 * @param at          when it expires
 */
record KeyExpiry(String fingerprint, Instant at) {

    /**
     * Refuses (exit 6) a statement that would outlive the key that signs it: it would stop
     * verifying early, and agents' operators would see a stale channel with no statement expiry
     * to explain it.
     */
    static void requireOutlives(SecretKey key, TrustedKeyring keyring, Instant now, Instant statementExpires)
            throws CommandFailedException {
        KeyInfo signing;
        try {
            signing = key.signingKey(now);
        } catch (KeyException e) {
            throw CommandFailedException.keyUnusable(e.getMessage());
        }
        Optional<KeyExpiry> expiry = ofSigningKey(key, signing, keyring);
        if (expiry.isEmpty() || !expiry.get().at().isBefore(statementExpires)) {
            return;
        }
        Duration left = Duration.between(now, expiry.get().at());
        String advice = left.compareTo(TreeSigningOptions.MIN_EXPIRES_IN) >= 0
                ? "pass --expires-in of at most " + Durations.formatAtMost(left) + " or extend the key"
                : "extend the key (it expires sooner than the shortest --expires-in, 1h) or sign with another key";
        throw CommandFailedException.keyUnusable("key " + expiry.get().fingerprint() + " expires at "
                + expiry.get().at() + ", before this statement would expire at " + statementExpires + ": " + advice);
    }

    /**
     * The earliest expiry of the key that will make the signature ({@code signing}) and its
     * primary key, as the secret key file says and, when it holds the certificate, as the
     * keyring says (agents go by the keyring; the two differ when only one was renewed).
     */
    static Optional<KeyExpiry> ofSigningKey(SecretKey key, KeyInfo signing, TrustedKeyring keyring) {
        List<KeyExpiry> expiries = new ArrayList<>();
        add(expiries, key.certificate().primary());
        add(expiries, signing);
        keyring.certificate(key.fingerprint()).ifPresent(c -> addCertificate(expiries, c, signing.fingerprint()));
        return earliest(expiries);
    }

    /** The earliest expiry of every signing key and certificate that made one of {@code signers}, per the keyring. */
    static Optional<KeyExpiry> ofSigners(List<ValidSignature> signers, TrustedKeyring keyring) {
        List<KeyExpiry> expiries = new ArrayList<>();
        for (ValidSignature v : signers) {
            keyring.certificate(v.certificate()).ifPresent(c -> addCertificate(expiries, c, v.signingKey()));
        }
        return earliest(expiries);
    }

    private static void addCertificate(List<KeyExpiry> expiries, Certificate certificate, String signingKey) {
        add(expiries, certificate.primary());
        certificate.key(new KeyIdentifier(signingKey)).ifPresent(k -> add(expiries, k));
    }

    private static void add(List<KeyExpiry> expiries, KeyInfo key) {
        key.expires().ifPresent(at -> expiries.add(new KeyExpiry(key.fingerprint(), at)));
    }

    private static Optional<KeyExpiry> earliest(List<KeyExpiry> expiries) {
        return expiries.stream().min(Comparator.comparing(KeyExpiry::at));
    }
}
