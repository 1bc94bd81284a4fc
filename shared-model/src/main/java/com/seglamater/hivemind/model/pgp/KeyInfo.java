package com.seglamater.hivemind.model.pgp;

import org.bouncycastle.bcpg.sig.KeyFlags;

import java.time.Instant;
import java.util.Optional;

/**
 * What the self-signatures of a certificate say about one of its keys, after checking them
 * cryptographically. Nothing here is taken from an unverified packet.
 *
 * @param fingerprint   upper-case hex fingerprint
 * @param primary       whether this is the certificate's primary key
 * @param algorithm     e.g. {@code Ed25519}, {@code RSA}
 * @param bits          key size as OpenPGP reports it
 * @param created       key creation time
 * @param expires       when the key stops being valid, if its newest valid self-signature says so
 * @param revocation    a valid revocation, if any
 * @param keyFlags      flags of the newest valid self-signature or binding ({@link KeyFlags})
 * @param problem       why the key cannot be used at all (no valid self-signature or binding,
 *                      no back-signature on a signing subkey, weak algorithm), if it cannot
 * @param weak          whether that problem is the key's algorithm or size ({@link CryptoPolicy#weakness})
 */
public record KeyInfo(
        String fingerprint,
        long keyId,
        boolean primary,
        String algorithm,
        int bits,
        Instant created,
        Optional<Instant> expires,
        Optional<Revocation> revocation,
        int keyFlags,
        Optional<String> problem,
        boolean weak) {

    /** A revocation signature that verified: when it was made and the reason the key holder gave. */
    public record Revocation(Instant created, String reason) {
    }

    public boolean mayCertify() {
        return (keyFlags & KeyFlags.CERTIFY_OTHER) != 0;
    }

    public boolean maySign() {
        return (keyFlags & KeyFlags.SIGN_DATA) != 0;
    }

    public boolean isExpiredAt(Instant now) {
        return expires.map(e -> !now.isBefore(e)).orElse(false);
    }

    /** Neither broken, weak, revoked nor expired at {@code now}: what {@link DetachedSignatureVerifier} asks of a key. */
    public boolean usableAt(Instant now) {
        return problem.isEmpty() && revocation.isEmpty() && !isExpiredAt(now);
    }

    /** Why this key is not {@link #usableAt usable} at {@code now}, in a few words; empty when it is. */
    public Optional<String> unusableAt(Instant now) {
        if (revocation.isPresent()) {
            return Optional.of("revoked at " + revocation.get().created() + " (" + revocation.get().reason() + ")");
        }
        if (problem.isPresent()) {
            return Optional.of((weak ? "too weak: " : "invalid: ") + problem.get());
        }
        if (isExpiredAt(now)) {
            return Optional.of("expired at " + expires.orElseThrow());
        }
        return Optional.empty();
    }

    /** One word for listings: valid, expired, revoked or invalid. */
    public String statusAt(Instant now) {
        if (problem.isPresent()) {
            return "invalid";
        }
        if (revocation.isPresent()) {
            return "revoked";
        }
        return isExpiredAt(now) ? "expired" : "valid";
    }

    public String capabilities() {
        StringBuilder s = new StringBuilder();
        if (mayCertify()) {
            s.append('C');
        }
        if (maySign()) {
            s.append('S');
        }
        if ((keyFlags & (KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE)) != 0) {
            s.append('E');
        }
        if ((keyFlags & KeyFlags.AUTHENTICATION) != 0) {
            s.append('A');
        }
        return s.toString();
    }
}
