package com.seglamater.hivemind.model.pgp;

import java.time.Instant;

/**
 * A signature that verified under the policy.
 *
 * @param certificate fingerprint of the trusted certificate (the primary key)
 * @param signingKey  fingerprint of the key that made the signature (primary key or subkey)
 * @param signer      the certificate's first user ID
 */
public record ValidSignature(String certificate, String signingKey, String signer, Instant created, String hash) {
}
