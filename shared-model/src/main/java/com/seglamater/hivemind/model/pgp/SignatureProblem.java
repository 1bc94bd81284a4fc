package com.seglamater.hivemind.model.pgp;

import org.bouncycastle.openpgp.PGPSignature;

import java.time.Instant;

/**
 * Why one signature in a detached signature file does not count. Each is a fact about that
 * signature; {@link #describe()} says it in a sentence for logs and the UI.
 */
public sealed interface SignatureProblem {

    String describe();

    /** There is no signature file at all (the release host answered 404 for it). */
    record Missing() implements SignatureProblem {
        public String describe() {
            return "signature file is missing";
        }
    }

    /** The signature file holds no usable signature at all, or cannot be parsed. */
    record Malformed(String reason) implements SignatureProblem {
        public String describe() {
            return "signature is malformed: " + reason;
        }
    }

    /** Signed by a key that is not in the trusted keyring. */
    record UnknownKey(String keyId) implements SignatureProblem {
        public String describe() {
            return "signed by key " + keyId + ", which is not in the trusted keyring";
        }
    }

    /** The bytes do not match the signature: tampered data, or a signature over other data. */
    record BadSignature(String fingerprint) implements SignatureProblem {
        public String describe() {
            return "signature by " + fingerprint + " does not match the data (tampered or signed over other bytes)";
        }
    }

    record RevokedKey(String fingerprint, Instant revokedAt, String reason) implements SignatureProblem {
        public String describe() {
            return "key " + fingerprint + " was revoked at " + revokedAt + " (" + reason + ")";
        }
    }

    record ExpiredKey(String fingerprint, Instant expiredAt) implements SignatureProblem {
        public String describe() {
            return "key " + fingerprint + " expired at " + expiredAt;
        }
    }

    record WeakHash(String fingerprint, String algorithm) implements SignatureProblem {
        public String describe() {
            return "signature by " + fingerprint + " uses " + algorithm + ", which is not accepted";
        }
    }

    record WeakKey(String fingerprint, String reason) implements SignatureProblem {
        public String describe() {
            return "key " + fingerprint + " is too weak: " + reason;
        }
    }

    /** The key exists and is trusted, but may not make data signatures (or its binding is broken). */
    record NotSigningKey(String fingerprint, String reason) implements SignatureProblem {
        public String describe() {
            return "key " + fingerprint + " may not sign releases: " + reason;
        }
    }

    /** Not a signature over binary data (type 0x00): text-mode and certification signatures are refused. */
    record WrongSignatureType(String fingerprint, int type) implements SignatureProblem {
        public String describe() {
            return String.format("signature by %s has type 0x%02X%s; only binary document signatures (0x00) are accepted",
                    fingerprint, type, type == PGPSignature.CANONICAL_TEXT_DOCUMENT
                            ? " (a text-mode signature, e.g. gpg --textmode: sign without it)" : "");
        }
    }

    record CreatedInFuture(String fingerprint, Instant created) implements SignatureProblem {
        public String describe() {
            return "signature by " + fingerprint + " claims to be made in the future (" + created + ")";
        }
    }

    record ExpiredSignature(String fingerprint, Instant expiredAt) implements SignatureProblem {
        public String describe() {
            return "signature by " + fingerprint + " expired at " + expiredAt;
        }
    }

    /**
     * A signature Hivemind does not accept in form: an old version, a critical subpacket it does
     * not understand, or a creation time before its key existed.
     */
    record UnsupportedSignature(String fingerprint, String reason) implements SignatureProblem {
        public String describe() {
            return "signature by " + fingerprint + " is not accepted: " + reason;
        }
    }
}
