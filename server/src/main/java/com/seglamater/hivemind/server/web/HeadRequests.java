package com.seglamater.hivemind.server.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerResponse;

import java.io.OutputStream;

/**
 * {@code HEAD} answers as {@code GET} would, without the body (RFC 9110 §9.3.2): proxies and
 * uptime checkers probe with it. Helidon 4.5 routes {@code HEAD} only to routes registered for
 * it, and writes whatever body a handler sends, so this filter, the first on each listener,
 * routes a {@code HEAD} as a {@code GET} and every sender of a body goes through
 * {@link #send}, which for a {@code HEAD} sends the {@code Content-Length} the body would have
 * and no body.
 * <p>
 * Why a thread-local: {@link Json#send} gets only the response (Helidon's response does not
 * know its request), and an error that a filter throws is written after the filter chain has
 * unwound. Helidon serves one connection's requests one after the other on that connection's
 * thread, and this filter sets the value at the start of every request, so it is always the
 * current request's. A body written some other way (a streamed download) is dropped by a
 * stream filter, which makes Helidon announce {@code Content-Length: 0}: framing stays right
 * whatever a handler does.
 */
public final class HeadRequests implements Filter {

    private static final ThreadLocal<Boolean> HEAD = ThreadLocal.withInitial(() -> false);

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        HttpPrologue prologue = req.prologue();
        boolean head = prologue.method() == Method.HEAD;
        HEAD.set(head);
        if (head) {
            req.prologue(HttpPrologue.create(prologue.rawProtocol(), prologue.protocol(), prologue.protocolVersion(),
                    Method.GET, prologue.uriPath(), prologue.query(), prologue.fragment()));
            res.beforeSend(() -> {
                if (!res.headers().contains(HeaderNames.CONTENT_LENGTH)) {
                    res.streamFilter(out -> OutputStream.nullOutputStream());
                }
            });
        }
        chain.proceed();
    }

    /** Sends {@code body}, or for a {@code HEAD} request only its length. */
    public static void send(ServerResponse res, byte[] body) {
        if (HEAD.get()) {
            res.header(HeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
            res.send(new byte[0]);
        } else {
            res.send(body);
        }
    }
}
