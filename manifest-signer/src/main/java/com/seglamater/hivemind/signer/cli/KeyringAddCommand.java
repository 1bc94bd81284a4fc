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
        description = {"Add certificates (armored public keys) to the keyring; creates it if absent.",
                "A certificate already present is merged with the new copy (new subkeys, revocations).",
                "Secret keys and certificates that are invalid or too weak are refused."})
public final class KeyringAddCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    private final Context ctx;

    @Option(names = "--keyring", required = true, paramLabel = "FILE", description = "Keyring file.")
    Path keyringFile;

    @Parameters(arity = "1..*", paramLabel = "CERT_FILE", description = "Armored certificate files.")
    List<Path> certificates;

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
                if (added.subkeys().stream().noneMatch(k -> k.maySign() && k.problem().isEmpty())
                        && !added.primary().maySign()) {
                    ctx.err().println("warning: " + added.fingerprint() + " has no valid key that may sign releases");
                }
                String status = added.statusAt(now);
                if (!status.equals("valid")) {
                    ctx.err().println("warning: " + added.fingerprint() + " is " + status
                            + ": agents will not accept signatures made with it");
                }
                report.append(present ? "updated " : "added ").append(added.fingerprint()).append("  ")
                        .append(added.displayName()).append(System.lineSeparator());
            }
        }
        KeyringFile.save(keyringFile, keyring);
        ctx.out().print(report);
        ctx.out().println("keyring " + keyringFile + " holds " + keyring.certificates().size() + " certificate(s)");
        return ExitCode.OK;
    }

    private static String fingerprintOf(PGPPublicKeyRing ring) {
        return Algorithms.fingerprint(ring.getPublicKey().getFingerprint());
    }
}
