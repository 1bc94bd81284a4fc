package com.seglamater.hivemind.signer.pgp;

import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;

/**
 * A new release key: the secret key ring, its public certificate (what goes in the keyring),
 * and a revocation certificate to keep offline in case the key is lost or stolen.
 */
public record GeneratedKey(PGPSecretKeyRing secret, PGPPublicKeyRing certificate, PGPSignature revocation) {
}
