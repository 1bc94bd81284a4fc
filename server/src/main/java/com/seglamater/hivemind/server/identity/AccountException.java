package com.seglamater.hivemind.server.identity;

import java.util.Objects;
import java.util.Optional;

/**
 * A change to an account that the rules refuse, with a stable {@link Reason} that the API turns
 * into its error code and the command line into its exit code; the message says what to do.
 */
public final class AccountException extends RuntimeException {

    /** Why; {@link #code()} is the API's error code for each. */
    public enum Reason {
        /** A field's value is not acceptable ({@link #field()} names it). */
        INVALID_FIELD("invalid_field"),
        /** The password fails the policy ({@link PasswordPolicy}). */
        WEAK_PASSWORD("weak_password"),
        USERNAME_TAKEN("username_taken"),
        NO_SUCH_USER("not_found"),
        /** The change would leave no enabled admin. */
        LAST_ADMIN("last_admin"),
        /** The role of an SSO account follows its groups while forward auth is on. */
        ROLE_FROM_GROUPS("role_from_groups"),
        /** The account signs in through SSO: its password is the identity provider's. */
        NO_LOCAL_PASSWORD("no_local_password"),
        /** The proxy's name differs from an existing account's only in case. */
        NAME_CASE_CONFLICT("sso_identity_invalid");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;
    private final Optional<String> field;

    AccountException(Reason reason, Optional<String> field, String message) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason);
        this.field = Objects.requireNonNull(field);
    }

    static AccountException of(Reason reason, String message) {
        return new AccountException(reason, Optional.empty(), message);
    }

    static AccountException invalid(String field, String message) {
        return new AccountException(Reason.INVALID_FIELD, Optional.of(field), message);
    }

    static AccountException weak(String field, String problem) {
        return new AccountException(Reason.WEAK_PASSWORD, Optional.of(field), problem);
    }

    public Reason reason() {
        return reason;
    }

    public String code() {
        return reason.code();
    }

    /** The field at fault, for {@link Reason#INVALID_FIELD} and {@link Reason#WEAK_PASSWORD}. */
    public Optional<String> field() {
        return field;
    }
}
