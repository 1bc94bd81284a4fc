package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.files.AtomicFile;
import com.seglamater.hivemind.model.pgp.Certificate;
import com.seglamater.hivemind.model.pgp.KeyringFormatException;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The keyring file that {@code keyring} commands maintain. */
final class KeyringFile {

    private KeyringFile() {
    }

    /** The keyring in {@code file}, or an empty one when the file does not exist (for {@code add}). */
    static TrustedKeyring loadOrEmpty(Path file) throws CommandFailedException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return TrustedKeyring.empty(Inputs.POLICY);
        }
        return Inputs.keyring(file);
    }

    /**
     * Replaces {@code file} with {@code keyring}: written to a temporary file beside it, read back
     * and parsed, checked to hold the same certificates with the same status, and only then
     * renamed over the old file.
     */
    static void save(Path given, TrustedKeyring keyring) throws CommandFailedException {
        CommandFailedException.requireFilePath(given, "--keyring");
        // A keyring reached through a symbolic link is updated where it really lives; replacing
        // the link would leave the canonical keyring without the change.
        Path file = resolveLinks(given);
        byte[] encoded = keyring.encode();
        Path temp = null;
        try {
            temp = AtomicFile.writeTemp(file, encoded, AtomicFile.READABLE);
            TrustedKeyring reread = TrustedKeyring.parse(Files.readAllBytes(temp), keyring.policy());
            if (!summary(reread.certificates()).equals(summary(keyring.certificates()))) {
                throw new CommandFailedException(ExitCode.INTERNAL,
                        "the keyring read back differs from what was written; " + file + " is unchanged");
            }
            Path checked = temp;
            temp = null; // replace removes it, whether it succeeds or not
            AtomicFile.replace(checked, file);
        } catch (KeyringFormatException e) {
            throw new CommandFailedException(ExitCode.INTERNAL,
                    "the keyring written does not parse (" + e.getMessage() + "); " + file + " is unchanged", e);
        } catch (IOException e) {
            throw CommandFailedException.cannotWrite(given, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The temporary file is a hidden leftover; the keyring itself is unchanged.
                }
            }
        }
    }

    /**
     * Warns when no certificate of {@code keyring} can sign releases now (expired, revoked, or
     * without a usable signing key): agents trusting it accept no release.
     */
    static void warnIfNoValidKey(TrustedKeyring keyring, Path file, Context ctx) {
        if (keyring.signersAt(ctx.now()).isEmpty()) {
            ctx.err().println("WARNING: " + file + " now holds no certificate that can sign releases: agents with this "
                    + "keyring accept no release until a key that can sign is added ('manifest-signer keyring add').");
        }
    }

    private static Path resolveLinks(Path file) throws CommandFailedException {
        if (!Files.isSymbolicLink(file)) {
            return file;
        }
        try {
            return file.toRealPath();
        } catch (IOException e) {
            throw CommandFailedException.input("--keyring " + file + " is a symbolic link to a file that does not exist");
        }
    }

    private static List<String> summary(List<Certificate> certificates) {
        return certificates.stream()
                .map(c -> c.fingerprint() + c.primary().revocation().isPresent() + c.subkeys().size() + c.userIds())
                .toList();
    }

    /** Fingerprint as typed by a person: spaces ignored, any case. */
    static String normalizeFingerprint(String text) throws CommandFailedException {
        String fpr = text.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
        if (fpr.startsWith("0X")) {
            fpr = fpr.substring(2);
        }
        if (!fpr.matches("[0-9A-F]{40}|[0-9A-F]{64}")) {
            throw CommandFailedException.usage("'" + text + "' is not a full key fingerprint (40 or 64 hex digits; "
                    + "see 'manifest-signer keyring list')");
        }
        return fpr;
    }
}
