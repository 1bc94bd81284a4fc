package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.files.AtomicFile;
import com.seglamater.hivemind.signer.pgp.SecretKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code export}: the public certificate of a secret key. */
@Command(name = "export",
        description = "Print the armored public certificate of a secret key (what goes into the keyring).")
public final class ExportCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    private final Context ctx;

    @Option(names = "--secret-key", required = true, paramLabel = "FILE", description = "Armored secret key.")
    Path secretKey;

    @Option(names = "--output", paramLabel = "FILE", description = "Write to FILE (must not exist) instead of stdout.")
    Path output;

    public ExportCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        SecretKey key = Inputs.secretKey(secretKey);
        byte[] certificate = key.exportCertificate();
        if (output == null) {
            ctx.out().write(certificate);
            ctx.out().flush();
            return ExitCode.OK;
        }
        CommandFailedException.requireFilePath(output, "--output");
        try {
            AtomicFile.writeNew(output, certificate, AtomicFile.READABLE);
        } catch (FileAlreadyExistsException e) {
            throw CommandFailedException.refused(output + " already exists");
        } catch (IOException e) {
            throw CommandFailedException.cannotWrite(output, e);
        }
        ctx.err().println("wrote the certificate of " + key.fingerprint() + " to " + output);
        return ExitCode.OK;
    }
}
