package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.origin.PublicOrigins;
import com.seglamater.hivemind.server.ratelimit.Decision;
import com.seglamater.hivemind.server.ratelimit.RateLimit;
import com.seglamater.hivemind.server.ratelimit.RateLimiter;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.KeptHeaders;
import com.seglamater.hivemind.server.web.RequestInfo;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * What every {@code /api/} request and every page passes before its handler, in this order:
 * the per-IP rate limit (API only, so that rejected credentials cost an attacker quota too),
 * authentication, the audit entries for a use of the admin API key and for forward-auth
 * refusals (identity headers from an untrusted peer, a user the proxy vouches for who may
 * not use Hivemind), the cookies of a session forward auth just made, and the CSRF check.
 * The result goes into the request's context as an {@link Authentication} for {@link Access},
 * with the server's {@link SignInMethods}.
 */
public final class ApiGate implements Filter {

    public static final String PREFIX = "/api/";

    static final int REFUSALS_RECORDED_PER_MINUTE = 60;
    private static final Logger LOG = Logger.getLogger(ApiGate.class.getName());

    private final RateLimiter refusals;
    private final Optional<RateLimiter> limiter;
    private final Authenticator authenticator;
    private final AuditLog audit;
    private final SignInMethods methods;
    private final Predicate<String> pages;
    private final PublicOrigins origins;

    /**
     * {@code pages}: which paths outside {@code /api/} are pages that need to know who is asking;
     * {@code origins}: the public origins the CSRF check holds {@code Origin} to.
     */
    public ApiGate(Optional<RateLimiter> limiter, Authenticator authenticator, AuditLog audit, SignInMethods methods,
                   Predicate<String> pages, PublicOrigins origins, Clock clock) {
        this.refusals = new RateLimiter(new RateLimit(REFUSALS_RECORDED_PER_MINUTE, Duration.ofMinutes(1)), clock);
        this.limiter = limiter;
        this.authenticator = authenticator;
        this.audit = audit;
        this.methods = methods;
        this.pages = pages;
        this.origins = origins;
    }

    /**
     * Refused credentials and CSRF attempts cost nothing to send, and the audit log keeps every
     * row for good: at most {@value #REFUSALS_RECORDED_PER_MINUTE} such entries a minute per
     * client (IPv6 by /64) are written, the last of a burst saying that more go unrecorded.
     */
    private void recordRefusal(RequestInfo info, AuditEvent event) {
        Decision decision = refusals.tryAcquire(event.action() + ":" + info.clientKey());
        if (decision instanceof Decision.Allowed) {
            LOG.info(() -> event.action() + " from " + info.ip() + ": " + event.details().getOrDefault("reason",
                    event.details().getOrDefault("credential", "")) + " (" + event.details().get("request") + ")");
            audit.record(event);
        } else if (decision instanceof Decision.Limited limited && limited.firstTrip()) {
            audit.record(event.detail("note", "further refusals of this kind from this client are not recorded for "
                    + limited.retryAfter().toSeconds() + " s"));
        }
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        boolean api = path.startsWith(PREFIX);
        if (!api && !pages.test(path)) {
            chain.proceed();
            return;
        }
        RequestInfo info = RequestInfo.of(req);
        req.context().register(methods);
        if (api) {
            limiter.ifPresent(l -> RateLimitGuard.enforce(l, "api:" + info.clientKey(), info, audit, "api"));
        }
        String request = req.prologue().method().text() + " " + path;
        Authentication authentication;
        try {
            // Pages count the session cookie (or the proxy), never a bearer: that is the API's.
            authentication = authenticator.authenticate(req, api);
        } catch (Authenticator.InvalidCredentialsException e) {
            recordRefusal(info, AuditEvent.of(info, AuditEvent.ANONYMOUS, "auth.rejected", AuditEvent.Outcome.DENIED)
                    .detail("credential", e.kind()).detail("request", request));
            throw e.toApi();
        }
        if (authentication instanceof Authentication.Authenticated a && a.principal() instanceof Principal.ApiKey) {
            // The break-glass key is audited on every use (the rule), not only on changes.
            audit.record(AuditEvent.of(info, Principal.ApiKey.NAME, "api_key.used", AuditEvent.Outcome.SUCCESS)
                    .detail("request", request));
        }
        if (authentication instanceof Authentication.Anonymous a && !a.untrustedHeaders().isEmpty()) {
            // Identity headers from a peer that is not the proxy: a forgery, or a proxy missing from the list.
            recordRefusal(info, AuditEvent.of(info, AuditEvent.ANONYMOUS, "sso.untrusted_peer", AuditEvent.Outcome.DENIED)
                    .detail("reason", "identity headers from " + info.peer().getHostAddress()
                            + ", which is not in HIVEMIND_FORWARD_AUTH_TRUSTED_NETS, were ignored")
                    .detail("peer", info.peer().getHostAddress())
                    .detail("headers", String.join(",", a.untrustedHeaders())).detail("request", request));
        }
        if (authentication instanceof Authentication.Denied d) {
            recordRefusal(info, AuditEvent.of(info, AuditEvent.ANONYMOUS, d.auditAction(), AuditEvent.Outcome.DENIED)
                    .target(d.username()).detail("reason", d.message()).detail("request", request));
        }
        if (authentication instanceof Authentication.Authenticated a && a.newSession().isPresent()) {
            // A session forward auth made for this request: without its cookie, even on an error
            // answer, the browser's next request would make another.
            KeptHeaders.apply(req, res, r -> SessionCookies.set(r, a.newSession().get(), info.https()));
        }
        req.context().register(authentication);
        if (authentication instanceof Authentication.Anonymous a && a.staleSession()) {
            // Before the CSRF check, so that its error answer clears the stale cookie too.
            KeptHeaders.apply(req, res, r -> SessionCookies.clear(r, info.https()));
        }
        Optional<String> csrf = Csrf.problem(req, authentication, origins);
        if (csrf.isPresent()) {
            String actor = authentication instanceof Authentication.Authenticated a ? a.principal().name()
                    : AuditEvent.ANONYMOUS;
            recordRefusal(info, AuditEvent.of(info, actor, "auth.csrf_refused", AuditEvent.Outcome.DENIED)
                    .detail("reason", csrf.get()).detail("request", request));
            throw ApiException.forbidden("csrf_failed", csrf.get());
        }
        chain.proceed();
    }
}
