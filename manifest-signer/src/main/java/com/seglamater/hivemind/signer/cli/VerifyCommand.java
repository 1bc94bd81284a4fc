package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.pgp.DetachedSignatureVerifier;
import com.seglamater.hivemind.model.pgp.KeyringFormatException;
import com.seglamater.hivemind.model.pgp.SignatureCheck;
import com.seglamater.hivemind.model.pgp.SignatureProblem;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.pgp.ValidSignature;
import com.seglamater.hivemind.model.verify.VerificationPolicy;
import com.seglamater.hivemind.model.text.Printable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code verify}: check a detached signature file against a keyring, as agents do. */
@Command(name = "verify",
        description = {"Check the detached signature(s) over FILE against a keyring, with the agents' signature rules "
                + "(for a statement, its expiry and sequence are not checked here: see status).",
                "Succeeds when at least THRESHOLD distinct keyring certificates made a valid signature.",
                "Standard output has the results: one 'good signature' line per valid signature, then the verdict. "
                        + "Why a signature does not count goes to standard error: with the failure as one line "
                        + "'manifest-signer: FILE: N valid signer(s), M required: REASON; REASON…' (exit 4), or as "
                        + "'warning: not counted: REASON' lines when enough other signatures are valid.",
                "The signature file must be ASCII-armored (gpg --armor --detach-sign) and sign the bytes as they are "
                        + "(binary mode: not --textmode, not --clearsign)."})
public final class VerifyCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    private final Context ctx;

    @Option(names = "--keyring", required = true, paramLabel = "FILE", description = "Keyring of trusted keys.")
    Path keyringFile;

    @Option(names = "--signature", paramLabel = "SIG", description = "Signature file (default: FILE.asc).")
    Path signature;

    @Option(names = "--threshold", paramLabel = "N", defaultValue = "1",
            description = "Distinct valid signers needed (default 1).")
    int threshold;

    @Parameters(paramLabel = "FILE", description = "The signed file.")
    Path file;

    public VerifyCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (threshold < 1 || threshold > DetachedSignatureVerifier.MAX_SIGNATURES) {
            throw CommandFailedException.usage("--threshold must be between 1 and "
                    + DetachedSignatureVerifier.MAX_SIGNATURES + ", not " + threshold);
        }
        Path sigFile = signature != null ? signature : file.resolveSibling(file.getFileName() + ".asc");
        TrustedKeyring keyring = Inputs.keyring(keyringFile);
        byte[] data = Inputs.read(file, "file", Inputs.MAX_DATA_FILE_BYTES);
        byte[] sig = Inputs.read(sigFile, "signature file", DetachedSignatureVerifier.MAX_SIGNATURE_BYTES);
        try {
            DetachedSignatureVerifier.parse(sig);
        } catch (KeyringFormatException e) {
            throw CommandFailedException.input(sigFile + ": " + e.getMessage());
        }
        SignatureCheck check = new DetachedSignatureVerifier(keyring, VerificationPolicy.DEFAULT_CLOCK_SKEW)
                .check(data, sig, ctx.now());
        for (ValidSignature v : check.valid()) {
            ctx.out().println("good signature by " + v.certificate() + " (" + v.signer() + "), signing key "
                    + v.signingKey() + ", made " + v.created() + ", " + v.hash());
        }
        long signers = check.distinctSigners();
        if (signers < threshold) {
            // The reasons belong with the failure, on one line, so that a script reading stderr has them.
            throw CommandFailedException.verification(file + ": " + signers + " valid signer(s), " + threshold
                    + " required" + (check.problems().isEmpty() ? "" : ": " + check.problems().stream()
                    .map(p -> oneLine(p.describe())).collect(Collectors.joining("; "))));
        }
        for (SignatureProblem p : check.problems()) {
            ctx.err().println("warning: not counted: " + oneLine(p.describe()));
        }
        ctx.out().println(file + ": " + signers + " valid signer(s), " + threshold + " required: OK");
        return ExitCode.OK;
    }

    /** A reason can quote a revocation's text, which the key holder wrote: never let it break the line. */
    private static String oneLine(String text) {
        return Printable.of(text);
    }
}
