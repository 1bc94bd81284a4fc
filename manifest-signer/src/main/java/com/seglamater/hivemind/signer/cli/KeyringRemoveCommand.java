package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.pgp.Certificate;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code keyring remove}: stop trusting a certificate. */
@Command(name = "remove",
        description = {"Remove a certificate from the keyring.",
                "Agents that receive the new keyring no longer accept anything signed only by that key.",
                "The last certificate that can sign releases cannot be removed (exit 5); add its replacement first."})
public final class KeyringRemoveCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    private final Context ctx;

    @Option(names = "--keyring", required = true, paramLabel = "FILE", description = "Keyring file.")
    Path keyringFile;

    @Parameters(arity = "1..*", paramLabel = "FINGERPRINT",
            description = "Full fingerprint of ONE certificate, any case; it may be typed in groups separated by "
                    + "spaces, as GnuPG prints it (the groups are joined).")
    String[] fingerprint;

    public KeyringRemoveCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        String fpr = KeyringFile.normalizeFingerprint(String.join("", fingerprint));
        TrustedKeyring keyring = Inputs.keyring(keyringFile);
        Certificate removed = keyring.certificate(fpr).orElseThrow(() -> CommandFailedException.input(
                "keyring " + keyringFile + " holds no certificate " + fpr));
        TrustedKeyring remaining = keyring.without(fpr).orElseThrow();
        if (remaining.isEmpty()) {
            throw CommandFailedException.refused("refusing to remove the last certificate: agents with an empty "
                    + "keyring accept nothing; add the replacement key first");
        }
        // Valid means able to sign releases now: a certify-only or expired certificate left behind does not count.
        if (remaining.signersAt(ctx.now()).isEmpty()) {
            throw CommandFailedException.refused("refusing to remove " + fpr + ": no certificate that can sign releases "
                    + "would be left, and agents with that keyring accept nothing; add the replacement key first (to "
                    + "stop trusting a compromised key at once, use 'keyring revoke')");
        }
        KeyringFile.save(keyringFile, remaining);
        ctx.out().println("removed " + removed.fingerprint() + "  " + removed.displayName());
        ctx.out().println("keyring " + keyringFile + " holds " + remaining.certificates().size() + " certificate(s)");
        return ExitCode.OK;
    }
}
