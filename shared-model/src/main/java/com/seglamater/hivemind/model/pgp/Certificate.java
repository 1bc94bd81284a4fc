package com.seglamater.hivemind.model.pgp;

import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.openpgp.PGPPublicKeyRing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An OpenPGP certificate (transferable public key) with its verified key information.
 *
 * @param ring    the certificate as read
 * @param userIds user IDs with a valid self-certification
 * @param primary the primary key
 * @param subkeys the subkeys, in the order of the certificate
 */
public record Certificate(PGPPublicKeyRing ring, List<String> userIds, KeyInfo primary, List<KeyInfo> subkeys) {

    /** {@link #statusAt}: the certificate can sign releases now. */
    public static final String VALID = "valid";
    /** {@link #statusAt}: the primary key is valid, but no key of the certificate may sign releases now. */
    public static final String CANNOT_SIGN = "cannot-sign";

    public Certificate {
        userIds = List.copyOf(userIds);
        subkeys = List.copyOf(subkeys);
    }

    public String fingerprint() {
        return primary.fingerprint();
    }

    public String displayName() {
        return userIds.isEmpty() ? "(no valid user ID)" : userIds.get(0);
    }

    /** The primary key or subkey that {@code id} names, if it belongs to this certificate. */
    public Optional<KeyInfo> key(KeyIdentifier id) {
        if (matches(primary, id)) {
            return Optional.of(primary);
        }
        return subkeys.stream().filter(k -> matches(k, id)).findFirst();
    }

    private static boolean matches(KeyInfo key, KeyIdentifier id) {
        if (id.getFingerprint() != null) {
            return Algorithms.fingerprint(id.getFingerprint()).equals(key.fingerprint());
        }
        return id.getKeyId() == key.keyId();
    }

    /**
     * The keys that may sign releases at {@code now}: the primary key and the subkeys allowed to
     * sign data that are usable then, all under a primary key that is usable then. These are the
     * keys whose signatures {@link DetachedSignatureVerifier} can count; empty when the
     * certificate can sign nothing (a certify-only key, or one whose signing subkeys have all
     * expired or been revoked).
     */
    public List<KeyInfo> signingKeysAt(Instant now) {
        if (!primary.usableAt(now)) {
            return List.of();
        }
        return Stream.concat(Stream.of(primary), subkeys.stream())
                .filter(k -> k.maySign() && k.usableAt(now))
                .toList();
    }

    public boolean canSignAt(Instant now) {
        return !signingKeysAt(now).isEmpty();
    }

    /**
     * Why no signature by this certificate would count at {@code now}, in one line (for messages
     * that refuse or warn); empty when it {@link #canSignAt can sign}.
     */
    public Optional<String> signingProblemAt(Instant now) {
        if (canSignAt(now)) {
            return Optional.empty();
        }
        Optional<String> primaryProblem = primary.unusableAt(now);
        if (primaryProblem.isPresent()) {
            return primaryProblem;
        }
        List<KeyInfo> signers = Stream.concat(Stream.of(primary), subkeys.stream()).filter(KeyInfo::maySign).toList();
        if (signers.isEmpty()) {
            return Optional.of("none of its keys may sign data (primary key [" + primary.capabilities() + "]"
                    + (subkeys.isEmpty() ? ", no subkey" : ", subkeys " + subkeys.stream()
                    .map(k -> "[" + k.capabilities() + "]").collect(Collectors.joining(" "))) + ")");
        }
        return Optional.of("no usable signing key: " + signers.stream()
                .map(k -> (k.primary() ? "primary key " : "signing subkey ") + k.fingerprint() + " "
                        + k.unusableAt(now).orElse("unusable"))
                .collect(Collectors.joining("; ")));
    }

    /**
     * One word for listings: {@code valid} (can sign releases now), {@code expired},
     * {@code revoked} or {@code invalid} (the primary key decides), or {@code cannot-sign} (the
     * primary key is fine, but no key of the certificate may sign releases now).
     */
    public String statusAt(Instant now) {
        String status = primary.statusAt(now);
        if (status.equals(VALID) && !canSignAt(now)) {
            return CANNOT_SIGN;
        }
        return status;
    }
}
