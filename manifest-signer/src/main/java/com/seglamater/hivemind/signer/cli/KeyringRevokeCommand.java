package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.pgp.Algorithms;
import com.seglamater.hivemind.model.pgp.Certificate;
import com.seglamater.hivemind.model.pgp.KeyringFormatException;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.signer.pgp.KeyException;
import com.seglamater.hivemind.signer.pgp.SecretKey;
import org.bouncycastle.bcpg.sig.RevocationReasonTags;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code keyring revoke}: attach a revocation to a certificate in the keyring. */
@Command(name = "revoke",
        description = {"Revoke a certificate in the keyring, with a revocation certificate (from keygen or "
                + "gpg --generate-revocation) or by making one with the secret key.",
                "Agents that receive the new keyring reject every signature made by a revoked key, "
                        + "old and new."})
public final class KeyringRevokeCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    /** Revocation reasons of RFC 4880 §5.2.3.23. */
    enum Reason {
        COMPROMISED(RevocationReasonTags.KEY_COMPROMISED),
        SUPERSEDED(RevocationReasonTags.KEY_SUPERSEDED),
        RETIRED(RevocationReasonTags.KEY_RETIRED),
        UNSPECIFIED(RevocationReasonTags.NO_REASON);

        final byte tag;

        Reason(byte tag) {
            this.tag = tag;
        }
    }

    static final class Source {
        @Option(names = "--revocation", required = true, paramLabel = "REV_FILE",
                description = "Armored revocation certificate.")
        Path revocation;

        @Option(names = "--secret-key", required = true, paramLabel = "FILE",
                description = "Make the revocation now with this secret key.")
        Path secretKey;
    }

    private final Context ctx;

    @Option(names = "--keyring", required = true, paramLabel = "FILE", description = "Keyring file.")
    Path keyringFile;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--reason", paramLabel = "REASON",
            description = "With --secret-key: compromised, superseded, retired or unspecified (default).")
    Reason reason;

    @Option(names = "--reason-text", paramLabel = "TEXT",
            description = "With --secret-key: a short explanation stored in the revocation.")
    String reasonText;

    @Mixin
    PassphraseOptions passphrase;

    public KeyringRevokeCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (source.revocation != null && (reason != null || reasonText != null || passphrase.isGiven())) {
            throw CommandFailedException.usage("--reason, --reason-text and passphrase options go with --secret-key; "
                    + "a revocation certificate (--revocation) already carries its reason");
        }
        TrustedKeyring keyring = Inputs.keyring(keyringFile);
        byte[] revocation;
        if (source.revocation != null) {
            revocation = Inputs.read(source.revocation, "revocation certificate", Inputs.MAX_KEY_FILE_BYTES);
        } else {
            revocation = revokeWithSecretKey(keyring);
        }
        TrustedKeyring revoked;
        try {
            revoked = keyring.withRevocation(revocation);
        } catch (KeyringFormatException e) {
            Optional<Certificate> alreadyRevoked = keyring.certificates().stream()
                    .filter(c -> c.primary().revocation().isPresent())
                    .filter(c -> Algorithms.fingerprint(c.ring().getPublicKey().getFingerprint()).endsWith(
                            issuerKeyId(revocation)))
                    .findFirst();
            if (alreadyRevoked.isPresent()) {
                throw CommandFailedException.refused("key " + alreadyRevoked.get().fingerprint()
                        + " is already revoked in " + keyringFile + " (" + alreadyRevoked.get().primary().revocation()
                        .get().reason() + ")");
            }
            throw CommandFailedException.input(e.getMessage());
        }
        Certificate target = revoked.certificates().stream()
                .filter(c -> c.primary().revocation().isPresent()
                        && keyring.certificate(c.fingerprint()).map(o -> o.primary().revocation().isEmpty()).orElse(false))
                .findFirst()
                .orElse(null);
        if (target == null) {
            throw CommandFailedException.refused("the certificate this revocation belongs to is already revoked in "
                    + keyringFile + "; nothing to do");
        }
        KeyringFile.save(keyringFile, revoked);
        KeyringFile.warnIfNoValidKey(revoked, keyringFile, ctx);
        ctx.out().println("revoked " + target.fingerprint() + "  " + target.displayName() + " ("
                + target.primary().revocation().get().reason() + ")");
        ctx.out().println("Ship " + keyringFile + " to agents: they will reject every signature by this key, "
                + "including the channels it signed. Re-sign them with another key (see --allow-untrusted-current).");
        return ExitCode.OK;
    }

    /** The key ID that made the revocation in {@code armoredRevocation}, or "-" when it holds none. */
    private static String issuerKeyId(byte[] armoredRevocation) {
        try {
            return Algorithms.keyId(TrustedKeyring.revocationSignature(armoredRevocation).getKeyID());
        } catch (KeyringFormatException e) {
            return "-"; // the caller reports the original problem
        }
    }

    private byte[] revokeWithSecretKey(TrustedKeyring keyring) throws CommandFailedException {
        SecretKey key = Inputs.secretKey(source.secretKey);
        if (keyring.certificate(key.fingerprint()).isEmpty()) {
            throw CommandFailedException.input("keyring " + keyringFile + " holds no certificate " + key.fingerprint()
                    + " (the key in " + source.secretKey + ")");
        }
        Optional<char[]> secret = passphrase.forUnlock(key.isProtected(), key.fingerprint(), ctx);
        try {
            return key.revoke(secret, (reason == null ? Reason.UNSPECIFIED : reason).tag,
                    reasonText == null ? "" : reasonText, ctx.now());
        } catch (KeyException e) {
            throw CommandFailedException.keyUnusable(e.getMessage());
        } finally {
            secret.ifPresent(p -> Arrays.fill(p, '\0'));
        }
    }
}
