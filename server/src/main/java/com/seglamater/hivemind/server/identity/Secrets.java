package com.seglamater.hivemind.server.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Random bearer secrets and how they are stored and compared. */
public final class Secrets {

    /** 256 bits: unguessable, and long enough that a fast hash (SHA-256) is the right way to store it. */
    static final int RANDOM_BYTES = 32;

    private Secrets() {
    }

    public static String random(SecureRandom random, String prefix) {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * What the database keeps of a session or API token: its SHA-256. The token is random, so
     * a slow password hash adds nothing, and a copy of the table is no set of live credentials.
     */
    public static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Constant time in the content, and in the length too: both sides are hashed first, so a
     * mismatch at the first byte and at the last take equally long, whatever their lengths.
     */
    public static boolean equal(String presented, String expected) {
        return MessageDigest.isEqual(sha256(presented), sha256(expected));
    }
}
