package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.identity.Secrets;
import com.seglamater.hivemind.server.identity.SessionStore;
import com.seglamater.hivemind.server.identity.TokenStore;
import com.seglamater.hivemind.server.identity.UserStore;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.RequestInfo;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Works out who a request is from. A bearer credential ({@code Authorization: Bearer}) wins
 * over a cookie and must be valid: a wrong one is a 401, never a fall-back to the cookie or to
 * anonymous. Bearers starting with {@value TokenStore#PREFIX} are personal API tokens; any
 * other bearer is compared with {@code ADMIN_API_KEY}. Without a bearer, the session cookie
 * decides; a cookie naming no live session makes the request anonymous. With forward auth on,
 * the proxy's identity headers decide instead ({@link ProxyAuthentication}); bearers work as before,
 * which keeps the admin API key a break glass and API tokens usable by scripts.
 */
public final class Authenticator {

    private static final String BEARER = "Bearer ";

    private final SessionStore sessions;
    private final TokenStore tokens;
    private final UserStore users;
    private final Optional<String> apiKey;
    private final Clock clock;
    private final Optional<ProxyAuthentication> forwardAuth;

    public Authenticator(SessionStore sessions, TokenStore tokens, UserStore users, Optional<String> apiKey, Clock clock,
                         Optional<ProxyAuthentication> forwardAuth) {
        this.sessions = sessions;
        this.tokens = tokens;
        this.users = users;
        this.apiKey = apiKey;
        this.clock = clock;
        this.forwardAuth = forwardAuth;
    }

    /** Thrown for a bearer credential that is malformed or matches nothing; the gate audits it. */
    public static final class InvalidCredentialsException extends RuntimeException {
        private final String kind;

        InvalidCredentialsException(String kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }

        /** {@code token}, {@code api_key} or {@code header}: what was presented. */
        public String kind() {
            return kind;
        }

        public ApiException toApi() {
            return ApiException.unauthenticated(getMessage());
        }
    }

    /**
     * {@code bearers}: whether a bearer credential counts. The pages are for browsers, which sign
     * in with the session cookie (or through the forward-auth proxy): there an {@code Authorization}
     * header is ignored, so that a token or the API key opens no page and a wrong one on a path
     * outside the API is no 401.
     */
    public Authentication authenticate(ServerRequest req, boolean bearers) {
        Optional<String> authorization = req.headers().first(HeaderNames.AUTHORIZATION);
        if (bearers && authorization.isPresent() && !proxysOwn(authorization.get(), req)) {
            return bearer(authorization.get());
        }
        if (forwardAuth.isPresent()) {
            return forwardAuth.get().authenticate(req, RequestInfo.of(req));
        }
        Optional<String> cookie = SessionCookies.sessionToken(req);
        if (cookie.isEmpty()) {
            return new Authentication.Anonymous(false);
        }
        Instant now = clock.instant();
        Optional<SessionStore.Active> active = sessions.find(cookie.get(), now).filter(a -> !a.user().disabled());
        if (active.isEmpty()) {
            return new Authentication.Anonymous(true);
        }
        SessionStore.StoredSession session = active.get().session();
        sessions.touch(session, now);
        users.touch(active.get().user(), now);
        return new Authentication.Authenticated(new Principal.Account(active.get().user(),
                new Principal.Session(session.id(), session.csrfToken(), session.expiresAt())));
    }

    /**
     * With forward auth on, an {@code Authorization} header of another scheme than Bearer from
     * the trusted proxy is the proxy's business (oauth2-proxy's or Authentik's basic-auth
     * pass-through), not a Hivemind credential: it is ignored, and the identity headers decide.
     */
    private boolean proxysOwn(String header, ServerRequest req) {
        return forwardAuth.isPresent() && !bearerScheme(header)
                && forwardAuth.get().fromProxy(RequestInfo.of(req));
    }

    /** The scheme token is {@code Bearer} (any case), however malformed the rest: such a header stays strict. */
    static boolean bearerScheme(String header) {
        String scheme = BEARER.strip();
        return header.regionMatches(true, 0, scheme, 0, scheme.length())
                && (header.length() == scheme.length() || Character.isWhitespace(header.charAt(scheme.length())));
    }

    private Authentication bearer(String header) {
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length()) || header.length() == BEARER.length()) {
            throw new InvalidCredentialsException("header", "the Authorization header must be: Bearer <token>");
        }
        String credential = header.substring(BEARER.length()).strip();
        if (credential.isEmpty()) {
            throw new InvalidCredentialsException("header", "the Authorization header must be: Bearer <token>");
        }
        Instant now = clock.instant();
        if (TokenStore.looksLikeToken(credential)) {
            TokenStore.Active active = tokens.find(credential, now).filter(a -> !a.user().disabled())
                    .orElseThrow(() -> new InvalidCredentialsException("token",
                            "the API token is not valid (unknown, revoked or expired), or its account is disabled"));
            tokens.touch(active.token(), now);
            users.touch(active.user(), now);
            return new Authentication.Authenticated(new Principal.Account(active.user(),
                    new Principal.Token(active.token().id())));
        }
        if (apiKey.isPresent() && Secrets.equal(credential, apiKey.get())) {
            return new Authentication.Authenticated(new Principal.ApiKey());
        }
        throw new InvalidCredentialsException("api_key", apiKey.isPresent()
                ? "the bearer credential is neither a valid API token nor the admin API key"
                : "the bearer credential is not a valid API token (the admin API key is not enabled on this server)");
    }
}
