package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.identity.AccountException;
import com.seglamater.hivemind.server.web.ApiException;

import java.util.function.Supplier;

/** The API's answer to a change the accounts core refused: one mapping for every route that changes accounts. */
public final class AccountErrors {

    private AccountErrors() {
    }

    public static ApiException toApi(AccountException e) {
        return switch (e.reason()) {
            case INVALID_FIELD -> ApiException.invalidField(e.field().orElseThrow(), e.getMessage());
            case WEAK_PASSWORD -> ApiException.badRequest(e.code(), e.field().map(f -> f + ": ").orElse("") + e.getMessage());
            case NO_SUCH_USER -> ApiException.notFound(e.getMessage());
            case USERNAME_TAKEN, LAST_ADMIN, ROLE_FROM_GROUPS, NO_LOCAL_PASSWORD -> ApiException.conflict(e.code(),
                    e.getMessage());
            case NAME_CASE_CONFLICT -> ApiException.forbidden(e.code(), e.getMessage());
        };
    }

    /** Runs a change, turning a refusal into the API's error. */
    public static <T> T call(Supplier<T> change) {
        try {
            return change.get();
        } catch (AccountException e) {
            throw toApi(e);
        }
    }
}
