package com.seglamater.hivemind.server.identity;

import com.seglamater.hivemind.server.audit.AuditEvent;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
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

    /**
     * Bidirectional embedding, override and isolate controls: they make a name display as
     * something else ("Trojan Source", CVE-2021-42574), so a display name may not hold them.
     */
    private static final String BIDI_CONTROLS = "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F";

    /** Actor names of the audit log that are not accounts (see {@code AuditEvent}); none may be a username. */
    static final Set<String> RESERVED = Set.of(AuditEvent.API_KEY, AuditEvent.ANONYMOUS, AuditEvent.UPDATER,
            AuditEvent.SYSTEM, AuditEvent.SETUP);

    private UserFields() {
    }

    /** Control, format (zero-width, bidi) and any kind of space character: none belongs in an address. */
    private static boolean invisible(int c) {
        return Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
                || Character.getType(c) == Character.FORMAT;
    }

    /** A field that breaks its rule: which ({@code username}, {@code email}, {@code displayName}) and why. */
    public record Problem(String field, String message) {
    }

    /** The first problem with a new account's profile (absent email and display name are fine), or empty. */
    public static Optional<Problem> newAccountProblem(String username, Optional<String> email,
                                                      Optional<String> displayName) {
        return usernameProblem(username).map(p -> new Problem("username", p))
                .or(() -> email.flatMap(UserFields::emailProblem).map(p -> new Problem("email", p)))
                .or(() -> displayName.flatMap(UserFields::displayNameProblem).map(p -> new Problem("displayName", p)));
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
        if (RESERVED.contains(username.toLowerCase(Locale.ROOT))) {
            return Optional.of("is reserved: the audit log uses it for actors that are not accounts");
        }
        return Optional.empty();
    }

    public static Optional<String> emailProblem(String email) {
        if (email.length() > MAX_EMAIL) {
            return Optional.of("is longer than " + MAX_EMAIL + " characters");
        }
        if (!EMAIL.matcher(email).matches() || email.codePoints().anyMatch(UserFields::invisible)) {
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
        if (displayName.codePoints().anyMatch(c -> Character.isISOControl(c) || BIDI_CONTROLS.indexOf(c) >= 0)) {
            return Optional.of("contains control characters");
        }
        return Optional.empty();
    }
}
