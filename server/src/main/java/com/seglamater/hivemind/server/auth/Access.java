package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.web.ApiException;
import io.helidon.webserver.http.ServerRequest;

import java.util.Optional;

/** Authorisation checks for handlers: 401 when nobody is signed in, 403 when the role is not enough. */
public final class Access {

    private Access() {
    }

    public static Principal principal(ServerRequest req) {
        return switch (Authentication.of(req)) {
            case Authentication.Authenticated a -> a.principal();
            case Authentication.Anonymous a -> throw signIn(req, a);
            case Authentication.Denied d -> throw denied(d);
        };
    }

    /** The 401: where to sign in, when forward auth has a login URL. */
    private static ApiException signIn(ServerRequest req, Authentication.Anonymous anonymous) {
        Optional<SignInMethods> methods = req.context().get(SignInMethods.class);
        if (methods.isPresent() && methods.get().forwardAuth()) {
            ApiException e = ApiException.unauthenticated(methods.get().loginUrl()
                    .map(url -> "sign in through single sign-on at " + url + ", or send an API token as Authorization: Bearer")
                    .orElse("sign in through single sign-on (open Hivemind through its reverse proxy), "
                            + "or send an API token as Authorization: Bearer"));
            return methods.get().loginUrl().map(url -> e.with("loginUrl", url)).orElse(e);
        }
        return ApiException.unauthenticated(anonymous.staleSession()
                ? "your session has ended; sign in again"
                : "sign in, or send an API token as Authorization: Bearer");
    }

    /** The 403 of a user the forward-auth proxy vouched for but who may not use Hivemind. */
    public static ApiException denied(Authentication.Denied denied) {
        ApiException e = ApiException.forbidden(denied.code(), denied.message());
        return denied.grantingGroups().isEmpty() ? e : e.with("grantingGroups", denied.grantingGroups());
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
