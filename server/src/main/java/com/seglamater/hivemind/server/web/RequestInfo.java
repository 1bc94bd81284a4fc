package com.seglamater.hivemind.server.web;

import io.helidon.webserver.http.ServerRequest;

import java.net.InetAddress;

/**
 * What the server believes about a request's origin, worked out once per request by
 * {@link RequestInfoFilter}: the real client address (see {@code ClientIpResolver}),
 * the user agent (bounded, printable) and whether the client used HTTPS as a trusted proxy
 * says. The audit log and the rate limiter use this, never the raw headers.
 */
public record RequestInfo(InetAddress clientIp, String userAgent, boolean https) {

    /** Longer user agents are cut: they go into the audit log and session list. */
    static final int MAX_USER_AGENT = 512;

    public String ip() {
        return clientIp.getHostAddress();
    }

    public static RequestInfo of(ServerRequest req) {
        return req.context().get(RequestInfo.class)
                .orElseThrow(() -> new IllegalStateException("RequestInfoFilter is not installed"));
    }

    static String cleanUserAgent(String raw) {
        String printable = raw.replaceAll("\\p{Cntrl}", " ");
        return printable.length() > MAX_USER_AGENT ? printable.substring(0, MAX_USER_AGENT) : printable;
    }
}
