package com.seglamater.hivemind.server.users;

import com.seglamater.hivemind.server.identity.AccountException;
import com.seglamater.hivemind.server.ui.ErrorPages;

import java.util.Map;

/**
 * The accounts core's refusals ({@link AccountException}) as a sentence on a page: the field a
 * problem is about named as the form labels it ("Email is not an email address."), the others as
 * the core words them ("'bob' is the last enabled admin; make another account admin first.").
 */
final class UserMessages {

    /** The form's labels of the fields the accounts core names. */
    private static final Map<String, String> LABELS = Map.of("username", "Username", "email", "Email",
            "displayName", "Display name", "role", "Role", "password", "Password", "newPassword", "New password");

    private UserMessages() {
    }

    static String of(AccountException e) {
        return switch (e.reason()) {
            case INVALID_FIELD -> ErrorPages.sentence(e.field().map(f -> LABELS.getOrDefault(f, f) + " ").orElse("")
                    + e.getMessage());
            default -> ErrorPages.sentence(e.getMessage());
        };
    }
}
