package com.seglamater.hivemind.server.web;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Headers every answer carries, error answers included: {@code X-Content-Type-Options: nosniff}
 * (a browser never reads a JSON answer or an export as HTML or script), and on the main
 * listener {@code Strict-Transport-Security} when the browser used HTTPS: a trusted proxy said
 * so ({@code X-Forwarded-Proto: https}), or the {@code Host} is one of the https origins in
 * {@code HIVEMIND_PUBLIC_URL}. Browsers ignore the latter over plain HTTP (RFC 6797 §8.1), so
 * sending it there costs nothing. No {@code includeSubDomains}: other names under the
 * operator's domain are not Hivemind's to pin.
 * <p>
 * Added just before the answer goes out ({@code beforeSend}), so that the error handling,
 * which starts an error answer with no headers, cannot drop them.
 */
public final class SecurityHeaders implements Filter {

    /** One year: what OWASP recommends; the first HTTPS answer starts it, every later one renews it. */
    public static final Duration HSTS_MAX_AGE = Duration.ofDays(365);
    static final Header NOSNIFF = HeaderValues.createCached(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
    static final Header HSTS = HeaderValues.createCached(HeaderNames.STRICT_TRANSPORT_SECURITY,
            "max-age=" + HSTS_MAX_AGE.toSeconds());

    private final Predicate<String> httpsHost;

    private SecurityHeaders(Predicate<String> httpsHost) {
        this.httpsHost = httpsHost;
    }

    /** {@code httpsHost}: whether a {@code Host} is an https origin's. Needs {@link RequestInfoFilter} before it. */
    public static SecurityHeaders main(Predicate<String> httpsHost) {
        return new SecurityHeaders(httpsHost);
    }

    /** The admin socket: plain HTTP on a private network, so nosniff only. */
    public static SecurityHeaders admin() {
        return new SecurityHeaders(host -> false);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        boolean https = req.context().get(RequestInfo.class).map(RequestInfo::https).orElse(false)
                || httpsHost.test(req.authority());
        res.beforeSend(() -> {
            res.headers().setIfAbsent(NOSNIFF);
            if (https) {
                res.headers().setIfAbsent(HSTS);
            }
        });
        chain.proceed();
    }
}
