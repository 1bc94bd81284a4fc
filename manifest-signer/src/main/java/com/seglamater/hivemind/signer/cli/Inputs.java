package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.files.ByteLimit;
import com.seglamater.hivemind.model.pgp.CryptoPolicy;
import com.seglamater.hivemind.model.pgp.KeyringFormatException;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.signer.pgp.SecretKey;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading the files commands are given; every failure is an input error (exit 3) naming the file. */
public final class Inputs {

    /** Keys, certificates and revocation certificates are small; anything larger is not one. */
    public static final int MAX_KEY_FILE_BYTES = TrustedKeyring.MAX_KEYRING_BYTES;
    /** Files given to {@code sign} and {@code verify}. */
    public static final int MAX_DATA_FILE_BYTES = 256 * 1024 * 1024;

    static final CryptoPolicy POLICY = CryptoPolicy.defaults();

    private Inputs() {
    }

    public static byte[] read(Path file, String what, int maxBytes) throws CommandFailedException {
        if (Files.isDirectory(file)) {
            throw CommandFailedException.input(what + " " + file + " is a directory");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw CommandFailedException.input(ByteLimit.exceeded(what + " " + file, maxBytes));
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw CommandFailedException.input(what + " " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw CommandFailedException.input(what + " " + file + " is not readable (permission denied)");
        } catch (IOException e) {
            throw CommandFailedException.input("cannot read " + what + " " + file + ": " + e.getMessage());
        }
    }

    public static TrustedKeyring keyring(Path file) throws CommandFailedException {
        return keyring(file, read(file, "keyring", TrustedKeyring.MAX_KEYRING_BYTES));
    }

    public static TrustedKeyring keyring(Path file, byte[] bytes) throws CommandFailedException {
        try {
            return TrustedKeyring.parse(bytes, POLICY);
        } catch (KeyringFormatException e) {
            throw CommandFailedException.input(file + " is not a usable keyring: " + e.getMessage());
        }
    }

    public static SecretKey secretKey(Path file) throws CommandFailedException {
        byte[] bytes = read(file, "secret key", MAX_KEY_FILE_BYTES);
        try {
            return SecretKey.parse(bytes, POLICY);
        } catch (KeyringFormatException e) {
            throw CommandFailedException.input(file + " is not a secret key: " + e.getMessage());
        }
    }
}
