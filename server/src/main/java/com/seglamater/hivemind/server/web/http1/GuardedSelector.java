package com.seglamater.hivemind.server.web.http1;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Helidon's own HTTP/1.1 connections, each reading through a {@link RequestReader} and a
 * {@link TimedSource} of its own. The listener has no other selector, so Helidon hands every
 * accepted socket straight here (with two it would first block, unbounded, for the first bytes
 * to choose between them).
 */
final class GuardedSelector implements ServerConnectionSelector {

    private final Http1ConnectionSelector http1;
    private final Http1Timeouts timeouts;
    private final long maxBodyBytes;
    private final ScheduledExecutorService alarms;

    GuardedSelector(Http1ConnectionSelector http1, Http1Timeouts timeouts, long maxBodyBytes,
                    ScheduledExecutorService alarms) {
        this.http1 = http1;
        this.timeouts = timeouts;
        this.maxBodyBytes = maxBodyBytes;
        this.alarms = alarms;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        TimedSource source = new TimedSource(ctx.dataReader(), ctx.serverSocket(), timeouts, alarms);
        GuardedContext guarded = new GuardedContext(ctx, new RequestReader(source, maxBodyBytes));
        ServerConnection connection = http1.connection(guarded);
        guarded.serve(connection);
        return connection;
    }
}
