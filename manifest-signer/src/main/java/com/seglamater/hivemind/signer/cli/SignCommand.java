package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.files.AtomicFile;
import com.seglamater.hivemind.model.pgp.DetachedSignatureVerifier;
import com.seglamater.hivemind.model.pgp.KeyringFormatException;
import com.seglamater.hivemind.model.pgp.SignatureCheck;
import com.seglamater.hivemind.model.pgp.SignatureProblem;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.verify.VerificationPolicy;
import com.seglamater.hivemind.signer.pgp.KeyException;
import com.seglamater.hivemind.signer.pgp.SecretKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code sign}: an armored detached signature over a file's exact bytes. */
@Command(name = "sign",
        description = {"Make an armored detached OpenPGP signature (binary, SHA-512) over FILE.",
                "The signature is checked before it is written; GnuPG verifies it with gpg --verify."})
public final class SignCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    private final Context ctx;

    @Option(names = "--secret-key", required = true, paramLabel = "FILE", description = "Armored secret key.")
    Path secretKey;

    @Mixin
    PassphraseOptions passphrase;

    @Option(names = "--output", paramLabel = "SIG", description = "Signature file (default: FILE.asc).")
    Path output;

    @Option(names = "--force", description = "Overwrite an existing signature file.")
    boolean force;

    @Parameters(paramLabel = "FILE", description = "File to sign.")
    Path file;

    public SignCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        Path target = output != null ? output : file.resolveSibling(file.getFileName() + ".asc");
        CommandFailedException.requireFilePath(target, "--output");
        if (sameFile(target, file)) {
            throw CommandFailedException.usage("--output " + target + " is the file to sign; choose another file");
        }
        if (!force && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw CommandFailedException.refused(target + " already exists (pass --force to replace it)");
        }
        byte[] data = Inputs.read(file, "file", Inputs.MAX_DATA_FILE_BYTES);
        SecretKey key = Inputs.secretKey(secretKey);
        Instant now = ctx.now();
        byte[] signature = sign(key, data, passphrase, ctx, now);
        try {
            if (force) {
                AtomicFile.write(target, signature, AtomicFile.READABLE);
            } else {
                AtomicFile.writeNew(target, signature, AtomicFile.READABLE);
            }
        } catch (FileAlreadyExistsException e) {
            throw CommandFailedException.refused(target + " already exists (pass --force to replace it)");
        } catch (IOException e) {
            throw CommandFailedException.cannotWrite(target, e);
        }
        ctx.out().println("signed " + file + " with " + key.fingerprint() + " (" + key.certificate().displayName() + ")");
        ctx.out().println("signature: " + target);
        return ExitCode.OK;
    }

    private static boolean sameFile(Path a, Path b) {
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Signs and checks the signature against the key's own certificate before anyone sees it, so a
     * broken signature is never written.
     */
    static byte[] sign(SecretKey key, byte[] data, PassphraseOptions passphrase, Context ctx, Instant now)
            throws CommandFailedException {
        try {
            key.signingKey(now);
        } catch (KeyException e) {
            throw CommandFailedException.keyUnusable(e.getMessage());
        }
        Optional<char[]> secret = passphrase.forUnlock(key.isProtected(), key.fingerprint(), ctx);
        byte[] signature;
        try {
            signature = key.sign(data, secret, now);
        } catch (KeyException e) {
            throw CommandFailedException.keyUnusable(e.getMessage());
        } finally {
            secret.ifPresent(p -> Arrays.fill(p, '\0'));
        }
        TrustedKeyring own;
        try {
            own = TrustedKeyring.empty(Inputs.POLICY).with(key.certificate().ring());
        } catch (KeyringFormatException e) {
            throw new CommandFailedException(ExitCode.INTERNAL, "cannot read the key's own certificate: " + e.getMessage(), e);
        }
        SignatureCheck check = new DetachedSignatureVerifier(own, VerificationPolicy.DEFAULT_CLOCK_SKEW)
                .check(data, signature, now);
        if (check.valid().isEmpty()) {
            throw CommandFailedException.keyUnusable("the new signature does not verify with the key's own certificate: "
                    + check.problems().stream().map(SignatureProblem::describe).collect(Collectors.joining("; ")));
        }
        return signature;
    }
}
