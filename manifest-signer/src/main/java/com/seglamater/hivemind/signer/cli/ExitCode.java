package com.seglamater.hivemind.signer.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exit codes of {@code manifest-signer}. They are API: scripts and CI jobs branch on them, the
 * release-team guide documents them, and every command prints them in its {@code --help}.
 */
public final class ExitCode {

    public static final int OK = 0;
    /** A bug or an unexpected I/O failure; the message says what happened. */
    public static final int INTERNAL = 1;
    /** Bad or missing option or argument (picocli's default for invalid input). */
    public static final int USAGE = 2;
    /**
     * A file is missing, unreadable or cannot be written, or is not the key, keyring, signature or
     * statement it should be.
     */
    public static final int INPUT = 3;
    /** A signature is invalid or untrusted, or a channel statement is rejected. */
    public static final int VERIFICATION = 4;
    /**
     * Refused because it would overwrite or conflict with something, or leave the keyring without a
     * certificate that can sign releases.
     */
    public static final int REFUSED = 5;
    /** The secret key cannot be used: passphrase, expiry, revocation, or agents would not trust it. */
    public static final int KEY_UNUSABLE = 6;
    /** {@code status} only: a channel has expired or expires within the warning window. */
    public static final int CHANNEL_EXPIRING = 7;

    private ExitCode() {
    }

    /** The list printed in every command's help footer. */
    public static Map<String, String> descriptions() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("0", "success");
        codes.put("1", "internal error");
        codes.put("2", "usage error: bad or missing option or argument");
        codes.put("3", "input error: file missing, unreadable or unwritable, not a key/keyring/signature/statement, "
                + "malformed JSON, a release tree directory that is a symbolic link");
        codes.put("4", "verification failed: signature invalid or untrusted, a channel statement rejected");
        codes.put("5", "refused: would overwrite or conflict (output exists, immutable release differs, "
                + "downgrade without --allow-downgrade, tree locked by another publish, channel at the largest sequence, "
                + "a keyring left without a certificate that can sign releases)");
        codes.put("6", "key unusable: wrong or missing passphrase, key expired or revoked, no signing key, "
                + "signing key not in the keyring agents trust, key expires before the statement would");
        codes.put("7", "status only: a channel expired or expires within the warning window");
        return codes;
    }
}
