package com.seglamater.hivemind.server.users;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules for what an account's fields may hold, in one place for the API, the CLI and
 * (later) SSO provisioning. Each check returns a one-line problem, or empty when the value
 * is acceptable.
 */
public final class UserFields {

    public static final int MAX_USERNAME = 64;
    public static final int MAX_EMAIL = 254;
    public static final int MAX_DISPLAY_NAME = 128;

    /** Letters, digits and {@code . _ @ + -}, starting with a letter or digit: IdP user names and emails fit. */
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]*");
    private static final Pattern EMAIL = Pattern.compile("[^\\s@]+@[^\\s@]+");

    private UserFields() {
    }

    public static Optional<String> usernameProblem(String username) {
        if (username == null || username.isEmpty()) {
            return Optional.of("is required");
        }
        if (username.length() > MAX_USERNAME) {
            return Optional.of("is longer than " + MAX_USERNAME + " characters");
        }
        if (!USERNAME.matcher(username).matches()) {
            return Optional.of("may contain only letters, digits and . _ @ + - and must start with a letter or digit");
        }
        return Optional.empty();
    }

    public static Optional<String> emailProblem(String email) {
        if (email.length() > MAX_EMAIL) {
            return Optional.of("is longer than " + MAX_EMAIL + " characters");
        }
        if (!EMAIL.matcher(email).matches() || email.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("is not an email address");
        }
        return Optional.empty();
    }

    public static Optional<String> displayNameProblem(String displayName) {
        if (displayName.isBlank()) {
            return Optional.of("is blank");
        }
        if (displayName.codePointCount(0, displayName.length()) > MAX_DISPLAY_NAME) {
            return Optional.of("is longer than " + MAX_DISPLAY_NAME + " characters");
        }
        if (displayName.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("contains control characters");
        }
        return Optional.empty();
    }
}
