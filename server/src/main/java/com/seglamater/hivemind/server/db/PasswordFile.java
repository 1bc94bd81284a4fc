package com.seglamater.hivemind.server.db;

import com.seglamater.hivemind.model.files.PrivateFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/** The embedded database's password file: 32 random bytes as base64url, created once with mode 0600 (synced). */
final class PasswordFile {

    private PasswordFile() {
    }

    static String readOrCreate(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            String password = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (!password.matches("[A-Za-z0-9_-]{32,128}")) {
                throw new IOException("the embedded database's password file " + file + " is damaged");
            }
            return password;
        }
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        PrivateFile.write(file, (password + "\n").getBytes(StandardCharsets.US_ASCII));
        return password;
    }
}
