package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.ratelimit.Decision;
import com.seglamater.hivemind.server.ratelimit.RateLimit;
import com.seglamater.hivemind.server.ratelimit.RateLimiter;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.RequestInfo;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * What every {@code /api/} request passes before its handler, in this order: the per-IP rate
 * limit (so that rejected credentials cost an attacker quota too), authentication, the audit
 * entry for a use of the admin API key, and the CSRF check. The result goes into the
 * request's context as an {@link Authentication} for {@link Access}.
 */
public final class ApiGate implements Filter {

    public static final String PREFIX = "/api/";

    static final int REFUSALS_RECORDED_PER_MINUTE = 60;
    private static final Logger LOG = Logger.getLogger(ApiGate.class.getName());

    private final RateLimiter refusals = new RateLimiter(new RateLimit(REFUSALS_RECORDED_PER_MINUTE, Duration.ofMinutes(1)));
    private final Optional<RateLimiter> limiter;
    private final Authenticator authenticator;
    private final AuditLog audit;

    public ApiGate(Optional<RateLimiter> limiter, Authenticator authenticator, AuditLog audit) {
        this.limiter = limiter;
        this.authenticator = authenticator;
        this.audit = audit;
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
        if (!path.startsWith(PREFIX)) {
            chain.proceed();
            return;
        }
        RequestInfo info = RequestInfo.of(req);
        limiter.ifPresent(l -> RateLimitGuard.enforce(l, "api:" + info.clientKey(), info, audit, "api"));
        String request = req.prologue().method().text() + " " + path;
        Authentication authentication;
        try {
            authentication = authenticator.authenticate(req);
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
        // In the context before the CSRF check, so that an error answer can still clear a stale cookie.
        req.context().register(authentication);
        Optional<String> csrf = Csrf.problem(req, authentication);
        if (csrf.isPresent()) {
            String actor = authentication instanceof Authentication.Authenticated a ? a.principal().name()
                    : AuditEvent.ANONYMOUS;
            recordRefusal(info, AuditEvent.of(info, actor, "auth.csrf_refused", AuditEvent.Outcome.DENIED)
                    .detail("reason", csrf.get()).detail("request", request));
            throw ApiException.forbidden("csrf_failed", csrf.get());
        }
        if (authentication instanceof Authentication.Anonymous a && a.staleSession()) {
            SessionCookies.clear(res, info.https());
        }
        chain.proceed();
    }
}
