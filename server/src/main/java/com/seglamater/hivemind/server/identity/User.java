package com.seglamater.hivemind.server.identity;


import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An account. Local accounts sign in with a password; SSO accounts are provisioned by the
 * forward-auth proxy and have none. The password hash is not part of this record, so that it
 * cannot end up in a response or a log line by accident.
 */
public record User(long id, String username, Optional<String> email, Optional<String> displayName, Role role,
                   Source source, boolean disabled, Instant createdAt, Instant updatedAt,
                   Optional<Instant> lastSeenAt) {

    public enum Source {
        LOCAL, SSO;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Source parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    public User {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(lastSeenAt, "lastSeenAt");
    }
}
