package com.seglamater.hivemind.server.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** The embedded database's password file: 32 random bytes as base64url, created once with mode 0600. */
final class Secret {

    private Secret() {
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
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".postgres-password-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, password + "\n", StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return password;
    }
}
