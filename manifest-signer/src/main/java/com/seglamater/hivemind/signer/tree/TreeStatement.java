package com.seglamater.hivemind.signer.tree;

import com.seglamater.hivemind.model.pgp.SignatureCheck;
import com.seglamater.hivemind.model.release.ReleaseStatement;

import java.nio.file.Path;
import java.util.Optional;

/** A signed statement file of the release tree ({@code latest.json} or {@code manifest.json}), as found. */
public sealed interface TreeStatement {

    Path file();

    /** The file does not exist (a channel with no release yet, a release not published yet). */
    record Absent(Path file) implements TreeStatement {
    }

    /** The file is signed by enough keys of the keyring and parses as what it should be. */
    record Trusted(Path file, byte[] bytes, ReleaseStatement statement, SignatureCheck signatures)
            implements TreeStatement {
    }

    /**
     * The file exists but does not verify.
     *
     * @param statement the parsed statement when the bytes at least parse (its facts are unauthenticated)
     * @param reason    why it does not verify, in a sentence
     */
    record Untrusted(Path file, byte[] bytes, Optional<ReleaseStatement> statement, String reason)
            implements TreeStatement {
    }
}
