package com.seglamater.hivemind.server.identity;

import java.util.Objects;
import java.util.Optional;

/**
 * An account as the identity provider describes it (through the forward-auth proxy's headers):
 * what {@link Accounts#syncFromProvider} keeps the account at. An absent email or display name
 * leaves the stored one.
 */
public record ProviderProfile(String username, Optional<String> email, Optional<String> displayName) {

    public ProviderProfile {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(displayName, "displayName");
    }

    /** The account is already as the provider says, with {@code role}: nothing to write. */
    public boolean matches(User user, Role role) {
        return user.source() == User.Source.SSO && user.role() == role
                && (email.isEmpty() || email.equals(user.email()))
                && (displayName.isEmpty() || displayName.equals(user.displayName()));
    }
}
