package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.pgp.Certificate;
import com.seglamater.hivemind.model.pgp.KeyringFormatException;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.pgp.Algorithms;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code keyring add}: add certificates to the keyring, or merge updated copies. */
@Command(name = "add",
        description = {"Add certificates (ASCII-armored public keys) to the keyring; creates it if absent.",
                "A certificate already present is merged with the new copy (new subkeys, revocations).",
                "Secret keys and certificates that are invalid or too weak are refused (exit 3).",
                "A certificate that cannot sign releases now (expired, revoked, a certify-only key, or one whose "
                        + "signing subkeys expired or were revoked) is added with a warning and listed with that status. "
                        + "But the keyring must keep a certificate that can sign: otherwise nothing is added (exit 5) "
                        + "unless --allow-no-signing-key is given."})
public final class KeyringAddCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    private final Context ctx;

    @Option(names = "--keyring", required = true, paramLabel = "FILE", description = "Keyring file.")
    Path keyringFile;

    @Parameters(arity = "1..*", paramLabel = "CERT_FILE", description = "Armored certificate files (gpg --armor --export).")
    List<Path> certificates;

    @Option(names = "--allow-no-signing-key",
            description = "Save the keyring even if no certificate in it can sign releases now, so that agents with it "
                    + "accept no release (for example to merge the revocation of the last key).")
    boolean allowNoSigningKey;

    public KeyringAddCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        TrustedKeyring keyring = KeyringFile.loadOrEmpty(keyringFile);
        Instant now = ctx.now();
        StringBuilder report = new StringBuilder();
        for (Path file : certificates) {
            List<PGPPublicKeyRing> rings;
            try {
                rings = TrustedKeyring.readCertificates(Inputs.read(file, "certificate", Inputs.MAX_KEY_FILE_BYTES),
                        file.toString());
            } catch (KeyringFormatException e) {
                throw CommandFailedException.input(e.getMessage() + "; nothing was added");
            }
            for (PGPPublicKeyRing ring : rings) {
                boolean present = keyring.certificate(fingerprintOf(ring)).isPresent();
                try {
                    keyring = keyring.with(ring);
                } catch (KeyringFormatException e) {
                    throw CommandFailedException.input(file + ": " + e.getMessage() + "; nothing was added");
                }
                Certificate added = keyring.certificate(fingerprintOf(ring)).orElseThrow();
                if (added.primary().problem().isPresent()) {
                    throw CommandFailedException.input(file + ": certificate " + added.fingerprint() + " is "
                            + (added.primary().weak() ? "too weak" : "not valid") + ": "
                            + added.primary().problem().get() + "; nothing was added");
                }
                added.signingProblemAt(now).ifPresent(problem -> ctx.err().println("warning: " + added.fingerprint()
                        + " cannot sign releases, so agents will not accept signatures made with it: " + problem));
                report.append(present ? "updated " : "added ").append(added.fingerprint()).append("  ")
                        .append(added.displayName()).append(System.lineSeparator());
            }
        }
        // The same guard as remove's: a keyring that signs nothing makes agents refuse every release.
        if (keyring.signersAt(now).isEmpty() && !allowNoSigningKey) {
            throw CommandFailedException.refused("refusing to leave " + keyringFile + " without a certificate that "
                    + "can sign releases: agents with it would accept no release; add a certificate with a valid "
                    + "signing key, or pass --allow-no-signing-key to save it anyway; nothing was added");
        }
        KeyringFile.save(keyringFile, keyring);
        KeyringFile.warnIfNoValidKey(keyring, keyringFile, ctx);
        ctx.out().print(report);
        ctx.out().println("keyring " + keyringFile + " holds " + keyring.certificates().size() + " certificate(s)");
        return ExitCode.OK;
    }

    private static String fingerprintOf(PGPPublicKeyRing ring) {
        return Algorithms.fingerprint(ring.getPublicKey().getFingerprint());
    }
}
