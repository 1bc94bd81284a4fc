package com.seglamater.hivemind.agent.server;

import com.seglamater.hivemind.agent.config.AgentConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The admin socket's bearer token, read from the file the server writes at every start
 * (docs/operators.md, "Admin socket"). Read lazily, because the agent may start before the
 * server has written it; cached, because it only changes when the server restarts, which the
 * agent learns from a 401 and answers with {@link #reread}. The token itself never appears in
 * a message.
 */
final class AdminTokenFile {

    /** The server's token is 43 characters; a file much larger than that is not its token file. */
    static final int MAX_BYTES = 4096;

    private final Path file;
    private String cached; // guarded by this

    AdminTokenFile(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** The cached token, read from the file the first time. */
    synchronized String current() throws ServerUnavailableException {
        if (cached == null) {
            cached = read();
        }
        return cached;
    }

    /**
     * After {@code refused} got a 401: the token now in the file. When another thread has
     * already reread it since, that newer token is returned without reading again.
     */
    synchronized String reread(String refused) throws ServerUnavailableException {
        if (cached != null && !cached.equals(refused)) {
            return cached;
        }
        cached = null;
        cached = read();
        return cached;
    }

    private String read() throws ServerUnavailableException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw problem("does not exist; the server writes it at start: is the server running, and is the file"
                    + " on a volume shared with the agent?");
        } catch (AccessDeniedException e) {
            throw problem("cannot be read by the agent (permission denied); run the agent as the server's user");
        } catch (IOException e) {
            throw problem("cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (bytes.length > MAX_BYTES) {
            throw problem("is larger than " + MAX_BYTES + " bytes; it is not the server's admin token");
        }
        String token = new String(bytes, StandardCharsets.US_ASCII).strip();
        if (token.isEmpty()) {
            throw problem("is empty");
        }
        // Only visible ASCII can travel in an Authorization header; anything else means the
        // variable points at some other file.
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw problem("does not hold a token (it has spaces, control or non-ASCII characters)");
        }
        return token;
    }

    private ServerUnavailableException problem(String what) {
        return new ServerUnavailableException("the admin token file " + file + " (" + AgentConfig.ADMIN_TOKEN_FILE
                + ") " + what);
    }
}
