package com.seglamater.hivemind.model.pgp;

import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.openpgp.PGPPublicKeyRing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An OpenPGP certificate (transferable public key) with its verified key information.
 *
 * @param ring    the certificate as read
 * @param userIds user IDs with a valid self-certification
 * @param primary the primary key
 * @param subkeys the subkeys, in the order of the certificate
 */
public record Certificate(PGPPublicKeyRing ring, List<String> userIds, KeyInfo primary, List<KeyInfo> subkeys) {

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

    /** One word for listings: valid, expired, revoked or invalid (the primary key decides). */
    public String statusAt(Instant now) {
        return primary.statusAt(now);
    }
}
