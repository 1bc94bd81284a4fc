package com.seglamater.hivemind.signer.tree;

import com.seglamater.hivemind.model.pgp.DetachedSignatureVerifier;
import com.seglamater.hivemind.model.pgp.SignatureCheck;
import com.seglamater.hivemind.model.pgp.SignatureProblem;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.verify.VerificationPolicy;

/**
 * Tells a key that is no longer trusted apart from content that no longer matches its signature.
 * The verifier rejects a signature by a revoked or expired key before it looks at the bytes, so
 * its problem list alone cannot say whether those bytes were changed after signing;
 * {@link DetachedSignatureVerifier#signaturesMatch} checks that for every key the keyring still holds.
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
        return new DetachedSignatureVerifier(keyring, VerificationPolicy.DEFAULT_CLOCK_SKEW).signaturesMatch(data, signature);
    }

    private static boolean isKeyTrust(SignatureProblem problem) {
        return switch (problem) {
            case SignatureProblem.UnknownKey u -> true;
            case SignatureProblem.RevokedKey r -> true;
            case SignatureProblem.ExpiredKey e -> true;
            default -> false;
        };
    }

}
