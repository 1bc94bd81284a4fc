package com.seglamater.hivemind.server.web.http1;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.spi.ServerConnection;

import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * Helidon's context of one connection with our {@link RequestReader} in place of its reader, and
 * the connection it serves, so that it can be told to end after the response under way.
 */
final class GuardedContext implements ConnectionContext {

    private final ConnectionContext delegate;
    private final RequestReader reader;
    private ServerConnection connection;

    GuardedContext(ConnectionContext delegate, RequestReader reader) {
        this.delegate = delegate;
        this.reader = reader;
    }

    void serve(ServerConnection connection) {
        this.connection = connection;
    }

    RequestReader reader() {
        return reader;
    }

    /**
     * The request or its response says {@code Connection: close}: no further request is read and
     * the connection closes once this one is done. Helidon 4.5.0 answers a client's
     * {@code Connection: close} with one of its own but keeps reading requests, and so reads an
     * unread body as the next request (fixed upstream later, helidon#12324). Called on the
     * connection's thread after the head is read or while the response is written, when Helidon
     * does not interrupt it: the connection's loop ends after this request.
     */
    void endAfterThisRequest() {
        // While Helidon reads a request line, close(false) interrupts the connection's thread, and the
        // answer it then writes (a refusal of that line) would fail: that answer ends the connection anyway.
        if (connection instanceof InterruptableTask<?> task && task.canInterrupt()) {
            return;
        }
        connection.close(false);
    }

    @Override
    public DataReader dataReader() {
        return reader;
    }

    @Override
    public ListenerContext listenerContext() {
        return delegate.listenerContext();
    }

    @Override
    public ExecutorService executor() {
        return delegate.executor();
    }

    @Override
    public DataWriter dataWriter() {
        return delegate.dataWriter();
    }

    @Override
    public Router router() {
        return delegate.router();
    }

    @Override
    public Optional<ProxyProtocolData> proxyProtocolData() {
        return delegate.proxyProtocolData();
    }

    @Override
    public HelidonSocket serverSocket() {
        return delegate.serverSocket();
    }

    @Override
    public PeerInfo remotePeer() {
        return delegate.remotePeer();
    }

    @Override
    public PeerInfo localPeer() {
        return delegate.localPeer();
    }

    @Override
    public boolean isSecure() {
        return delegate.isSecure();
    }

    @Override
    public String socketId() {
        return delegate.socketId();
    }

    @Override
    public String childSocketId() {
        return delegate.childSocketId();
    }
}
