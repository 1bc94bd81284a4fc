package com.seglamater.hivemind.server.auth;

import java.time.Instant;
import java.util.Optional;

/** {@code GET /api/v1/me}: who is signed in; {@code csrfToken} and {@code sessionExpiresAt} only for a session. */
public record Me(String username, Optional<String> email, Optional<String> displayName, String role, String source,
                 String authenticatedBy, Optional<String> csrfToken, Optional<Instant> sessionExpiresAt,
                 Optional<Instant> createdAt, Optional<Instant> lastSeenAt) {

    public static Me of(Principal principal) {
        return switch (principal) {
            case Principal.ApiKey k -> new Me(k.name(), Optional.empty(), Optional.empty(), k.role().text(),
                    Principal.ApiKey.NAME, Principal.ApiKey.NAME, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty());
            case Principal.Account a -> {
                Optional<Principal.Session> session = a.credential() instanceof Principal.Session s
                        ? Optional.of(s) : Optional.empty();
                yield new Me(a.user().username(), a.user().email(), a.user().displayName(), a.role().text(),
                        a.user().source().text(), credentialKind(a.credential()),
                        session.map(Principal.Session::csrfToken), session.map(Principal.Session::expiresAt),
                        Optional.of(a.user().createdAt()), a.user().lastSeenAt());
            }
        };
    }

    /** {@code session}, {@code token} or {@code forward_auth} (the proxy's headers, no session). */
    static String credentialKind(Principal.Credential credential) {
        return switch (credential) {
            case Principal.Session s -> "session";
            case Principal.Token t -> "token";
            case Principal.ForwardAuth f -> "forward_auth";
        };
    }
}
