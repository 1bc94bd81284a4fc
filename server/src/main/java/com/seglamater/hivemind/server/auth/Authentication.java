package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.identity.SessionStore;
import io.helidon.webserver.http.ServerRequest;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The outcome of looking at a request's credentials; stored in the request's context. */
public sealed interface Authentication {

    /**
     * @param newSession a session made for this request (forward auth makes one on a browser's
     *                   first request); the gate sets its cookies on the response
     */
    record Authenticated(Principal principal, Optional<SessionStore.NewSession> newSession) implements Authentication {
        public Authenticated {
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(newSession, "newSession");
        }

        public Authenticated(Principal principal) {
            this(principal, Optional.empty());
        }
    }

    /**
     * No credentials, or a session cookie that no longer names a live session
     * ({@code staleSession}, so that the answer can say "sign in again" and clear the cookie).
     *
     * @param untrustedHeaders identity headers of forward auth that came from a peer outside
     *                         the trusted networks and were ignored (the gate audits them)
     */
    record Anonymous(boolean staleSession, List<String> untrustedHeaders) implements Authentication {
        public Anonymous {
            untrustedHeaders = List.copyOf(untrustedHeaders);
        }

        public Anonymous(boolean staleSession) {
            this(staleSession, List.of());
        }
    }

    /**
     * The forward-auth proxy vouched for a user who may not use Hivemind: in no group that grants
     * a role ({@code access_denied}), a disabled account ({@code account_disabled}), or an
     * identity Hivemind cannot accept ({@code sso_identity_invalid}).
     *
     * @param code           the API error code
     * @param message        what the user is told
     * @param username       who the proxy named, for the audit log (as sent, bounded)
     * @param grantingGroups for {@code access_denied}: the groups that would grant access
     */
    record Denied(String code, String message, String username, List<String> grantingGroups) implements Authentication {
        public static final String ACCESS_DENIED = "access_denied";
        public static final String ACCOUNT_DISABLED = "account_disabled";
        public static final String IDENTITY_INVALID = "sso_identity_invalid";

        public Denied {
            grantingGroups = List.copyOf(grantingGroups);
        }

        /** The audit log's action: {@code sso.access_denied}, {@code sso.account_disabled}, {@code sso.identity_invalid}. */
        public String auditAction() {
            return "sso." + (code.equals(IDENTITY_INVALID) ? "identity_invalid" : code);
        }
    }

    static Authentication of(ServerRequest req) {
        return req.context().get(Authentication.class).orElse(new Anonymous(false));
    }
}
