package com.seglamater.hivemind.server.auth;

import io.helidon.webserver.http.ServerRequest;

/** The outcome of looking at a request's credentials; stored in the request's context. */
public sealed interface Authentication {

    record Authenticated(Principal principal) implements Authentication {
    }

    /**
     * No credentials, or a session cookie that no longer names a live session
     * ({@code staleSession}, so that the answer can say "sign in again" and clear the cookie).
     */
    record Anonymous(boolean staleSession) implements Authentication {
    }

    static Authentication of(ServerRequest req) {
        return req.context().get(Authentication.class).orElse(new Anonymous(false));
    }
}
