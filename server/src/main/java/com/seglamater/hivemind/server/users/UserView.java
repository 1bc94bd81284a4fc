package com.seglamater.hivemind.server.users;

import com.seglamater.hivemind.server.identity.User;
import java.time.Instant;
import java.util.Optional;

/** An account as the API shows it (never its password hash). */
public record UserView(long id, String username, Optional<String> email, Optional<String> displayName, String role,
                       String source, boolean disabled, Instant createdAt, Instant updatedAt,
                       Optional<Instant> lastSeenAt) {

    public static UserView of(User user) {
        return new UserView(user.id(), user.username(), user.email(), user.displayName(), user.role().text(),
                user.source().text(), user.disabled(), user.createdAt(), user.updatedAt(), user.lastSeenAt());
    }
}
