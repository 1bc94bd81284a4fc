package com.seglamater.hivemind.server.identity;

import java.text.Normalizer;
import java.util.Objects;
import java.util.Optional;

/**
 * Which new local passwords are accepted. Length is what makes a password strong (OWASP
 * Authentication Cheat Sheet: at least 12 characters, any characters allowed, no composition
 * rules), so the rules are few: long enough, not absurdly long, not blank, and nothing that
 * cannot be typed reliably.
 *
 * <p>Characters are Unicode code points of the password's NFC form, the form
 * {@link PasswordHasher} hashes: an emoji counts as one, and "é" counts as one however it was typed.
 */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    /** Bounds the input to a hash, so that a megabyte "password" is a refusal, not a workload. */
    public static final int MAX_LENGTH = 1024;

    private PasswordPolicy() {
    }

    /** Empty when {@code password} is acceptable, else one line to show the user saying why not. */
    public static Optional<String> problem(String password) {
        Objects.requireNonNull(password, "password");
        String normalized = Normalizer.normalize(password, Normalizer.Form.NFC);
        int length = normalized.codePointCount(0, normalized.length());
        if (length < MIN_LENGTH) {
            return Optional.of("The password must be at least " + MIN_LENGTH + " characters long.");
        }
        if (length > MAX_LENGTH) {
            return Optional.of("The password must be at most " + MAX_LENGTH + " characters long.");
        }
        if (normalized.codePoints().anyMatch(Character::isISOControl)) {
            // Tabs, line breaks and the like: invisible, and typed differently on every keyboard.
            return Optional.of("The password must not contain control characters such as tabs or line breaks.");
        }
        if (normalized.codePoints().anyMatch(cp -> Character.getType(cp) == Character.SURROGATE)) {
            // Half of a UTF-16 pair is not a character; UTF-8 encoding would silently turn it into '?'.
            return Optional.of("The password contains an invalid character.");
        }
        if (normalized.codePoints().allMatch(cp -> Character.isWhitespace(cp) || Character.isSpaceChar(cp))) {
            return Optional.of("The password must not consist of spaces only.");
        }
        return Optional.empty();
    }
}
