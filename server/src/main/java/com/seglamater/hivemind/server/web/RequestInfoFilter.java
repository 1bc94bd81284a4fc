package com.seglamater.hivemind.server.web;

import com.seglamater.hivemind.server.net.ClientIpResolver;
import com.seglamater.hivemind.server.net.ForwardedInfo;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/** Puts a {@link RequestInfo} into every request's context, before anything else looks at the request. */
public final class RequestInfoFilter implements Filter {

    private static final HeaderName X_REAL_IP = HeaderNames.create("X-Real-IP");

    private static final Logger LOG = Logger.getLogger(RequestInfoFilter.class.getName());

    private final ClientIpResolver resolver;
    private final AtomicBoolean warnedUntrustedProxy = new AtomicBoolean();

    public RequestInfoFilter(ClientIpResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Headers headers = req.headers();
        InetAddress peer = ((InetSocketAddress) req.remotePeer().address()).getAddress();
        ForwardedInfo forwarded = resolver.resolve(peer, values(headers, HeaderNames.X_FORWARDED_FOR),
                values(headers, X_REAL_IP), values(headers, HeaderNames.X_FORWARDED_PROTO));
        if (!forwarded.peerTrusted() && headers.contains(HeaderNames.X_FORWARDED_FOR) && !warnedUntrustedProxy.getAndSet(true)) {
            // Once: behind a proxy that is not trusted, every user shares the proxy's address
            // (rate limits, audit log) and HTTPS goes unnoticed (cookies without Secure).
            LOG.warning(() -> "a request from " + peer.getHostAddress() + ", which is not in HIVEMIND_TRUSTED_PROXIES, "
                    + "carried X-Forwarded-For: it is ignored; if that is your reverse proxy, add its address "
                    + "to HIVEMIND_TRUSTED_PROXIES (this is logged once)");
        }
        String userAgent = RequestInfo.cleanUserAgent(headers.first(HeaderNames.USER_AGENT).orElse(""));
        req.context().register(new RequestInfo(forwarded.clientIp(), userAgent, forwarded.https(), peer));
        chain.proceed();
    }

    private static List<String> values(Headers headers, HeaderName name) {
        return headers.all(name, List::of);
    }
}
