package com.seglamater.hivemind.server.admin;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.model.files.PrivateFile;
import com.seglamater.hivemind.model.text.Printable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The admin socket's bearer token: 32 random bytes, base64url without padding, fresh at
 * every start. The server writes it to {@code HIVEMIND_ADMIN_TOKEN_FILE} for the updater
 * agent; its value never appears in a log line or an error message.
 */
public final class AdminToken {

    /** The setting that names the token file (its errors name it). */
    public static final String SETTING = "HIVEMIND_ADMIN_TOKEN_FILE";

    static final int RANDOM_BYTES = 32;

    private final byte[] token;

    private AdminToken(String token) {
        this.token = token.getBytes(StandardCharsets.US_ASCII);
    }

    public static AdminToken generate(SecureRandom random) {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return new AdminToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** Compares in constant time, so response timing does not reveal a matching prefix. */
    public boolean matches(String presented) {
        return MessageDigest.isEqual(presented.getBytes(StandardCharsets.US_ASCII), token);
    }

    /**
     * The check made before the server opens anything: {@code file}'s directory exists (it is
     * created if missing) and a file can be made in it, the way {@link #writeTo} will make its temp
     * file. A probe file is created and deleted; {@code file} itself is left alone, because a
     * running server's agent may be reading it.
     *
     * @throws ConfigException naming {@value #SETTING} when it is not so
     */
    public static void requireWritableDirectory(Path file) throws ConfigException {
        Path dir = createDirectory(file);
        try {
            Files.delete(Files.createTempFile(dir, "." + file.getFileName() + "-", ".probe"));
        } catch (IOException e) {
            throw new ConfigException(SETTING,
                    "cannot write in directory '" + dir + "' (" + reason(e) + ")");
        }
    }

    /**
     * Replaces {@code file} atomically and 0600 ({@link PrivateFile}). A missing directory is
     * created; one that cannot be is a configuration error naming the variable.
     */
    public void writeTo(Path file) throws ConfigException {
        createDirectory(file);
        try {
            PrivateFile.write(file, token);
        } catch (IOException e) {
            throw new ConfigException(SETTING, "cannot write '" + file + "' (" + reason(e) + ")");
        }
    }

    private static Path createDirectory(Path file) throws ConfigException {
        Path dir = file.toAbsolutePath().getParent();
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ConfigException(SETTING,
                    "directory '" + dir + "' does not exist and cannot be created (" + reason(e) + ")");
        }
    }

    private static String reason(IOException e) {
        String message = e.getMessage() == null ? "" : ": " + Printable.replaced(e.getMessage(), ' ');
        return e.getClass().getSimpleName() + message;
    }

    /** Never the value: this object ends up in debug output sooner or later. */
    @Override
    public String toString() {
        return "AdminToken[(hidden)]";
    }
}
