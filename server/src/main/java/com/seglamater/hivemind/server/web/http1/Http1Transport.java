package com.seglamater.hivemind.server.web.http1;

import io.helidon.http.Headers;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * How both listeners take HTTP/1.1 from a socket: Helidon's HTTP/1 connection, made strict about
 * chunked bodies, bounded in time ({@link Http1Timeouts}), closed after a {@code Connection: close},
 * with the limits of sizes below. One per server: it owns the timer that ends connections that
 * keep it waiting, which {@link #close()} stops.
 */
public final class Http1Transport implements AutoCloseable {

    /** The request line; a longer one is refused with 414. */
    public static final int MAX_REQUEST_LINE_BYTES = 4096;
    /** All header lines of a request; more is refused with 431 (Helidon's own default, stated here). */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /**
     * Any request body, whether a route reads it or Helidon drains it to reach the next request: a
     * backstop far above the API's own 64 KiB ({@code JsonBody}); beyond it 413. It also bounds
     * one chunk, which Helidon holds in memory whole.
     */
    public static final long MAX_BODY_BYTES = 4L * 1024 * 1024;

    private final Http1Timeouts timeouts;
    private final ScheduledThreadPoolExecutor alarms;

    public Http1Transport(Http1Timeouts timeouts) {
        this.timeouts = timeouts;
        this.alarms = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "hivemind-http-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        // A wait that ends in time cancels its alarm: cancelled alarms must not pile up in the queue.
        alarms.setRemoveOnCancelPolicy(true);
    }

    /** Sets up {@code listener} (the server's own builder for the main listener, or a named socket's). */
    public <B extends ListenerConfig.BuilderBase<B, ?>> B configure(B listener, String socketName) {
        Http1Config http1 = Http1Config.builder()
                .name(socketName)
                .maxPrologueLength(MAX_REQUEST_LINE_BYTES)
                .maxHeadersSize(MAX_HEADER_BYTES)
                .addReceiveListener(new Http1ConnectionListener() {
                    @Override
                    public void headers(ConnectionContext ctx, Headers headers) {
                        if (ctx instanceof GuardedContext guarded) {
                            guarded.reader().headRead(headers);
                            endIfClose(guarded, headers);
                        }
                    }
                })
                // Helidon adds the Connection: close it owes a client's own after this call, but then that one
                // was seen in the request; this sees the ones a handler or an error answer sets.
                .addSendListener(new Http1ConnectionListener() {
                    @Override
                    public void headers(ConnectionContext ctx, Headers headers) {
                        if (ctx instanceof GuardedContext guarded) {
                            endIfClose(guarded, headers);
                        }
                    }
                })
                .build();
        return listener
                // Only our selector: no second HTTP/1 selector from the service loader.
                .protocolsDiscoverServices(false)
                .addConnectionSelector(new GuardedSelector(Http1ConnectionSelector.builder().config(http1).build(),
                        timeouts, MAX_BODY_BYTES, alarms))
                .maxPayloadSize(MAX_BODY_BYTES)
                // An answer longer than the write buffer leaves in more than one write; with Nagle's algorithm the
                // last segment waits for the client's ACK of the first, which a client delays up to 40 ms: the
                // 8-20 KB pages (dashboard, audit log) took 44 ms instead of about 1 ms (docs/benchmarks.md).
                .connectionOptions(options -> options.tcpNoDelay(true))
                // Hands Helidon's own text of a refusal to the direct handler (JsonDirectHandler), which tells
                // "headers too large" apart by it and never echoes it.
                .errorHandling(errors -> errors.includeEntity(true));
    }

    /** RFC 9112 §9.6: after a request or response with {@code Connection: close}, no further request is read. */
    private static void endIfClose(GuardedContext connection, Headers headers) {
        if (headers.containsToken(HeaderValues.CONNECTION_CLOSE)) {
            connection.endAfterThisRequest();
        }
    }

    @Override
    public void close() {
        alarms.shutdownNow();
    }
}
