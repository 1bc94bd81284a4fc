package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.web.ApiException;
import io.helidon.webserver.http.ServerRequest;

/** Authorisation checks for handlers: 401 when nobody is signed in, 403 when the role is not enough. */
public final class Access {

    private Access() {
    }

    public static Principal principal(ServerRequest req) {
        return switch (Authentication.of(req)) {
            case Authentication.Authenticated a -> a.principal();
            case Authentication.Anonymous a -> throw ApiException.unauthenticated(a.staleSession()
                    ? "your session has ended; sign in again"
                    : "sign in, or send an API token as Authorization: Bearer");
        };
    }

    public static Principal require(ServerRequest req, Role role) {
        Principal principal = principal(req);
        if (!principal.role().atLeast(role)) {
            throw ApiException.forbidden("forbidden", "this needs the " + role.text() + " role; you have "
                    + principal.role().text());
        }
        return principal;
    }

    /** For self-service routes (own password, sessions, tokens): the API key is not an account. */
    public static Principal.Account account(ServerRequest req) {
        Principal principal = principal(req);
        if (principal instanceof Principal.Account account) {
            return account;
        }
        throw ApiException.forbidden("not_an_account",
                "the admin API key is not an account: it has no password, sessions or tokens of its own");
    }
}
