package com.seglamater.hivemind.server.web.http1;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a connection may keep the server waiting for bytes (docs/operators.md, "Connections").
 *
 * @param head     from the accept (or, on a kept-alive connection, the first byte of the next
 *                 request) until the request line and all headers are in
 * @param idle     a kept-alive connection between requests, with no byte of the next one
 * @param bodyRead while the server reads a body, the longest pause between two reads
 */
public record Http1Timeouts(Duration head, Duration idle, Duration bodyRead) {

    /**
     * The head bound is generous for a proxy or a browser (they send a head at once) and short for
     * a connection that sends nothing or trickles. The idle bound outlives the keep-alive pools of
     * the proxies in front (Caddy 2 minutes, Go's 90 s, nginx 60 s): a server that closes first
     * races the proxy's next request on that connection.
     */
    public static final Http1Timeouts DEFAULT =
            new Http1Timeouts(Duration.ofSeconds(20), Duration.ofMinutes(3), Duration.ofSeconds(30));

    public Http1Timeouts {
        for (Duration d : new Duration[] {head, idle, bodyRead}) {
            if (Objects.requireNonNull(d).isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive: " + d);
            }
        }
    }
}
