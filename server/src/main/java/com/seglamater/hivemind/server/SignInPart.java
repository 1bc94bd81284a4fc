package com.seglamater.hivemind.server;

import com.seglamater.hivemind.server.auth.ApiGate;
import com.seglamater.hivemind.server.auth.Authenticator;
import com.seglamater.hivemind.server.auth.LocalSignIn;
import com.seglamater.hivemind.server.auth.ProxyAuthentication;
import com.seglamater.hivemind.server.auth.SignInMethods;
import com.seglamater.hivemind.server.auth.SignInService;
import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.ratelimit.RateLimiter;
import com.seglamater.hivemind.server.sso.ForwardAuth;
import com.seglamater.hivemind.server.sso.ForwardAuthSettings;
import com.seglamater.hivemind.server.ui.Views;
import io.helidon.dbclient.DbClient;

import java.time.Clock;
import java.util.Optional;

/**
 * Authentication: how users sign in (password, or the forward-auth proxy's headers), the gate
 * every request of the main listener passes (who it is from, rate limit, CSRF) and the sign-in
 * API.
 */
record SignInPart(SignInMethods methods, ApiGate gate, LocalSignIn local, SignInService api) {

    static SignInPart wire(ServerConfig config, DbClient db, IdentityPart identity, Clock clock) {
        ForwardAuthSettings sso = config.forwardAuth();
        Optional<ProxyAuthentication> forwardAuth = sso.enabled()
                ? Optional.of(new ForwardAuth(sso, config.defaultRole(), identity.accounts(), db, identity.users(),
                        identity.sessions(), identity.audit(), clock))
                : Optional.empty();
        SignInMethods methods = sso.enabled()
                ? new SignInMethods(true, sso.loginUrl(), sso.logoutUrl()) : SignInMethods.PASSWORD;
        Authenticator authenticator = new Authenticator(identity.sessions(), identity.tokens(), identity.users(),
                config.adminApiKey(), clock, forwardAuth);
        ServerConfig.RateLimits limits = config.rateLimits();
        ApiGate gate = new ApiGate(limits.api().map(l -> new RateLimiter(l, clock)), authenticator, identity.audit(),
                methods, Views::isPage, config.publicOrigins(), clock);
        LocalSignIn local = new LocalSignIn(identity.accounts(), db, identity.users(), identity.sessions(),
                identity.tokens(), identity.hasher(), identity.audit(), limits.signIn().map(l -> new RateLimiter(l, clock)),
                limits.signInAccount().map(l -> new RateLimiter(l, clock)), clock, methods);
        return new SignInPart(methods, gate, local, new SignInService(local));
    }
}
