package com.seglamater.hivemind.signer.tree;

import com.seglamater.hivemind.model.pgp.SignatureCheck;
import com.seglamater.hivemind.model.release.ReleaseStatement;

import java.nio.file.Path;
import java.util.Optional;

/** A signed statement file of the release tree ({@code latest.json} or {@code manifest.json}), as found. */
public sealed interface TreeStatement {

    Path file();

    /** Neither the file nor its signature exists (a channel with no release yet, a release not published yet). */
    record Absent(Path file) implements TreeStatement {
    }

    /** The file is signed by enough keys of the keyring and parses as what it should be. */
    record Trusted(Path file, byte[] bytes, ReleaseStatement statement, SignatureCheck signatures)
            implements TreeStatement {
    }

    /**
     * The file does not verify.
     *
     * @param bytes     the file's bytes (empty when {@code cause} is {@link Cause#MISSING})
     * @param statement the parsed statement when the bytes at least parse (its facts are unauthenticated)
     * @param cause     whether the file itself is damaged or only its key is no longer trusted
     * @param reason    why it does not verify, in a sentence
     */
    record Untrusted(Path file, byte[] bytes, Optional<ReleaseStatement> statement, Cause cause, String reason)
            implements TreeStatement {

        /** Whether the content itself is in doubt, as opposed to only the key that signed it. */
        public boolean damaged() {
            return cause != Cause.KEY_NOT_TRUSTED;
        }
    }

    /**
     * Why a file does not verify. The distinction decides what the release team may do: a key
     * that is no longer trusted is a key rotation or revocation, and the statement may be
     * replaced on purpose ({@code --allow-untrusted-current}); damaged content can only be
     * restored from a backup, because nothing in it (not even its sequence) can be believed.
     */
    enum Cause {
        /**
         * The content does not match its signature, the signature file is missing or malformed,
         * or the signed statement is malformed or for another channel or version.
         */
        DAMAGED,
        /** The file is gone but its signature is still there: it had content, so it is not new. */
        MISSING,
        /**
         * Every signature matches the bytes as far as the keyring can tell, and the only problems
         * are keys that are unknown to the keyring, revoked or expired.
         */
        KEY_NOT_TRUSTED
    }
}
