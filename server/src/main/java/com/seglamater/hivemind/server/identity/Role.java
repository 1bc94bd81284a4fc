package com.seglamater.hivemind.server.identity;

import java.util.Locale;
import java.util.Optional;

/**
 * What a signed-in principal may do, from most to least: an {@code admin} manages users, the
 * audit log and updates; a {@code user} uses Hivemind; a {@code viewer} only reads. Every
 * role manages its own password, sessions and API tokens.
 */
public enum Role {
    ADMIN, USER, VIEWER;

    /** The name in the API, the database and configuration: {@code admin}, {@code user}, {@code viewer}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when this role grants at least what {@code other} grants. */
    public boolean atLeast(Role other) {
        return ordinal() <= other.ordinal();
    }

    public static Optional<Role> parse(String text) {
        for (Role role : values()) {
            if (role.text().equals(text)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
