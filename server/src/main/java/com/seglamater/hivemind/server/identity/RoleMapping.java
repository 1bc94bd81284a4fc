package com.seglamater.hivemind.server.identity;


import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * Derives a forward-auth user's role from the groups the proxy reports, as issue 5 fixes it:
 * the admin group gives {@code admin}, else the user group gives {@code user}, else the default
 * role ({@code HIVEMIND_DEFAULT_ROLE}); an empty default role ({@code none}) denies access.
 * Pure, so the request path can re-derive it on every request.
 *
 * @param adminGroup  exact group name granting {@link Role#ADMIN}
 * @param userGroup   exact group name granting {@link Role#USER}
 * @param defaultRole role of users in neither group; empty denies them; never {@link Role#ADMIN}
 */
public record RoleMapping(String adminGroup, String userGroup, Optional<Role> defaultRole) {

    public RoleMapping {
        Objects.requireNonNull(adminGroup, "adminGroup");
        Objects.requireNonNull(userGroup, "userGroup");
        Objects.requireNonNull(defaultRole, "defaultRole");
        if (defaultRole.equals(Optional.of(Role.ADMIN))) {
            // Everyone the proxy lets through would be an admin; ServerConfig refuses it too.
            throw new IllegalArgumentException("the default role must not be admin");
        }
    }

    /** The role for a member of {@code groups} (compared exactly), or empty when access is denied. */
    public Optional<Role> roleFor(Collection<String> groups) {
        if (groups.contains(adminGroup)) {
            return Optional.of(Role.ADMIN);
        }
        if (groups.contains(userGroup)) {
            return Optional.of(Role.USER);
        }
        return defaultRole;
    }
}
