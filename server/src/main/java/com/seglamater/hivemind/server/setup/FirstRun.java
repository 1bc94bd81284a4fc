package com.seglamater.hivemind.server.setup;

import com.seglamater.hivemind.model.files.PrivateFile;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.identity.UserStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The first-run setup link: while the instance has no enabled admin (and password sign-in is on:
 * with forward auth the identity provider's groups make admins), the server makes a secret at
 * start-up (32 random bytes, base64url), writes it to {@value #FILE} in {@code HIVEMIND_DATA_DIR}
 * (mode 0600) and prints the link {@code /setup?token=…} in its log, as Jenkins and Gitea do.
 * The link creates the first admin ({@link SetupPages}) and works until an admin exists, however
 * that admin came about (the setup page, {@code users create}, the API key): every use checks
 * the database, and once an admin exists the secret is forgotten and the file removed.
 */
public final class FirstRun {

    public static final String FILE = "setup-token";
    static final int RANDOM_BYTES = 32;
    private static final Logger LOG = Logger.getLogger(FirstRun.class.getName());

    private final UserStore users;
    private final Path file;
    private volatile Optional<byte[]> secret;

    private FirstRun(UserStore users, Path file, Optional<byte[]> secret) {
        this.users = users;
        this.file = file;
        this.secret = secret;
    }

    /**
     * At start-up: a new secret and its file when the instance needs setting up, else none (and a
     * file left from an earlier run is removed). {@code passwordSignIn}: local accounts can sign in.
     */
    public static FirstRun prepare(Path dataDir, UserStore users, boolean passwordSignIn, SecureRandom random)
            throws IOException {
        Path file = dataDir.resolve(FILE).toAbsolutePath().normalize();
        FirstRun firstRun = new FirstRun(users, file, Optional.empty());
        if (!passwordSignIn || firstRun.adminExists()) {
            Files.deleteIfExists(file);
            return firstRun;
        }
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        byte[] token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).getBytes(StandardCharsets.US_ASCII);
        Files.createDirectories(file.getParent());
        PrivateFile.write(file, token);
        firstRun.secret = Optional.of(token);
        return firstRun;
    }

    /** Logs the link once the server listens: {@code base} is where users reach it. */
    public void announce(String base) {
        secret.ifPresent(token -> LOG.warning(() -> "no admin account exists yet: open " + base + "/setup?token="
                + new String(token, StandardCharsets.US_ASCII) + " to create the first one (the token is also in "
                + file + "; the link works until an admin exists), or run: hivemind-server users create "
                + "--username NAME --role admin"));
    }

    /** Whether the setup link may still be used: a secret was made, and no enabled admin exists yet. */
    boolean open() {
        if (secret.isEmpty()) {
            return false;
        }
        if (adminExists()) {
            close();
            return false;
        }
        return true;
    }

    /** The presented token is the secret (constant time). */
    boolean matches(String presented) {
        Optional<byte[]> current = secret;
        return current.isPresent() && MessageDigest.isEqual(current.get(), presented.getBytes(StandardCharsets.US_ASCII));
    }

    /** The link stops working: the secret is forgotten and its file removed. */
    synchronized void close() {
        if (secret.isEmpty()) {
            return;
        }
        secret = Optional.empty();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warning(() -> "could not remove " + file + " (" + e.getMessage() + "); the link in it no longer works");
        }
    }

    Path file() {
        return file;
    }

    private boolean adminExists() {
        return users.search(Optional.empty(), Optional.of(Role.ADMIN), Optional.of(false), 1, 0).total() > 0;
    }
}
