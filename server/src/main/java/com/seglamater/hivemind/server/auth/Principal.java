package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.identity.User;

import java.time.Instant;

/** Who a request acts for, once authenticated. */
public sealed interface Principal {

    /** The name the audit log records as the actor. */
    String name();

    Role role();

    /** A signed-in account: through a session cookie, one of its personal API tokens, or the forward-auth proxy. */
    record Account(User user, Credential credential) implements Principal {
        @Override
        public String name() {
            return user.username();
        }

        @Override
        public Role role() {
            return user.role();
        }
    }

    /**
     * The break-glass {@code ADMIN_API_KEY}: an admin that is not an account, so it has no
     * password, sessions or tokens of its own.
     */
    record ApiKey() implements Principal {
        public static final String NAME = AuditEvent.API_KEY;

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Role role() {
            return Role.ADMIN;
        }
    }

    /** How an account proved who it is. */
    sealed interface Credential {
    }

    /** A browser session; state-changing requests must echo its CSRF token. */
    record Session(long id, String csrfToken, Instant expiresAt) implements Credential {
        @Override
        public String toString() {
            return "Session[id=" + id + "]";
        }
    }

    /** A personal API token, sent as a bearer; not ambient, so no CSRF token is needed. */
    record Token(long id) implements Credential {
    }

    /**
     * The forward-auth proxy's identity headers alone, for a client that keeps no cookies (so
     * has no session). Ambient like a cookie (the proxy adds them to whatever the browser
     * sends), so state-changing requests are refused: they need a session's CSRF token.
     */
    record ForwardAuth() implements Credential {
    }
}
