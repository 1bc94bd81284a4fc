package com.seglamater.hivemind.server.web;

import com.seglamater.hivemind.model.text.Printable;
import io.helidon.webserver.http.ServerRequest;

import java.net.InetAddress;

/**
 * What the server believes about a request's origin, worked out once per request by
 * {@link RequestInfoFilter}: the real client address (see {@code ClientIpResolver}),
 * the user agent (bounded, printable) and whether the client used HTTPS as a trusted proxy
 * says. The audit log and the rate limiter use this, never the raw headers.
 *
 * @param peer the TCP peer: the address the connection really comes from (the proxy, behind
 *             one). Forward auth trusts identity headers by this address only.
 */
public record RequestInfo(InetAddress clientIp, String userAgent, boolean https, InetAddress peer) {

    /** Longer user agents are cut: they go into the audit log and session list. */
    static final int MAX_USER_AGENT = 512;

    public String ip() {
        return clientIp.getHostAddress();
    }

    /**
     * What rate limits and audit sampling count by: the address for IPv4, its /64 for IPv6
     * (one host usually owns a whole /64, so counting single addresses would let it spread
     * its requests over 2^64 keys).
     */
    public String clientKey() {
        byte[] bytes = clientIp.getAddress();
        if (bytes.length == 4) {
            return clientIp.getHostAddress();
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
        }
        return prefix.append(":/64").toString();
    }

    public static RequestInfo of(ServerRequest req) {
        return req.context().get(RequestInfo.class)
                .orElseThrow(() -> new IllegalStateException("RequestInfoFilter is not installed"));
    }

    static String cleanUserAgent(String raw) {
        String cut = raw.length() > MAX_USER_AGENT ? raw.substring(0, MAX_USER_AGENT) : raw;
        // Control characters become spaces; a clean value (nearly every one) is returned as it is.
        return Printable.replaced(cut, ' ');
    }
}
