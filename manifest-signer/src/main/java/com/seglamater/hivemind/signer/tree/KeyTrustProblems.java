package com.seglamater.hivemind.signer.tree;

import com.seglamater.hivemind.model.pgp.Certificate;
import com.seglamater.hivemind.model.pgp.DetachedSignatureVerifier;
import com.seglamater.hivemind.model.pgp.KeyringFormatException;
import com.seglamater.hivemind.model.pgp.SignatureCheck;
import com.seglamater.hivemind.model.pgp.SignatureProblem;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

import java.util.List;
import java.util.Optional;

/**
 * Tells a key that is no longer trusted apart from content that no longer matches its signature.
 * The verifier rejects a signature by a revoked or expired key before it looks at the bytes, so
 * its problem list alone cannot say whether those bytes were changed after signing; this class
 * checks the signature itself for every key the keyring still holds.
 */
final class KeyTrustProblems {

    private KeyTrustProblems() {
    }

    /**
     * Whether the signatures failed only because of trust in their keys: every problem is an
     * unknown, revoked or expired key, and every signature by a key the keyring holds matches
     * {@code data}. A signature by a key the keyring does not hold cannot be checked; it counts
     * as a key problem, which is what it is after a key was removed from the keyring.
     */
    static boolean only(byte[] data, byte[] signature, SignatureCheck check, TrustedKeyring keyring) {
        if (check.problems().isEmpty() || !check.problems().stream().allMatch(KeyTrustProblems::isKeyTrust)) {
            return false;
        }
        List<PGPSignature> signatures;
        try {
            signatures = DetachedSignatureVerifier.parse(signature);
        } catch (KeyringFormatException e) {
            return false;
        }
        for (PGPSignature sig : signatures) {
            KeyIdentifier issuer = issuer(sig);
            Optional<Certificate> cert = keyring.certificateWithKey(issuer);
            if (cert.isPresent() && !matches(sig, cert.get().ring().getPublicKey(issuer), data)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isKeyTrust(SignatureProblem problem) {
        return switch (problem) {
            case SignatureProblem.UnknownKey u -> true;
            case SignatureProblem.RevokedKey r -> true;
            case SignatureProblem.ExpiredKey e -> true;
            default -> false;
        };
    }

    private static boolean matches(PGPSignature sig, PGPPublicKey key, byte[] data) {
        if (key == null) {
            return false;
        }
        try {
            sig.init(new BcPGPContentVerifierBuilderProvider(), key);
            sig.update(data);
            return sig.verify();
        } catch (PGPException | RuntimeException e) {
            return false;
        }
    }

    /** The issuer as the verifier determines it: the fingerprint subpacket, else the key ID. */
    private static KeyIdentifier issuer(PGPSignature sig) {
        for (KeyIdentifier id : sig.getKeyIdentifiers()) {
            if (id.getFingerprint() != null) {
                return id;
            }
        }
        return new KeyIdentifier(sig.getKeyID());
    }
}
