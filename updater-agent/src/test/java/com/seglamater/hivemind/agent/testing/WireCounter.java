package com.seglamater.hivemind.agent.testing;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ServerSocketFactory;

/**
 * Counts the bytes that cross a server's accepted sockets, below TLS: what the clients sent
 * (request lines, headers, TLS handshakes and records) and what the server wrote back.
 * TCP/IP headers are not included.
 */
public final class WireCounter {

    /** Totals at one moment; subtract two to get what happened in between. */
    public record Bytes(long connections, long received, long sent) {
        public Bytes minus(Bytes earlier) {
            return new Bytes(connections - earlier.connections, received - earlier.received, sent - earlier.sent);
        }

        public long total() {
            return received + sent;
        }
    }

    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();

    public Bytes snapshot() {
        return new Bytes(connections.get(), received.get(), sent.get());
    }

    ServerSocketFactory serverSocketFactory() {
        return new ServerSocketFactory() {
            @Override
            public ServerSocket createServerSocket() throws IOException {
                return new CountingServerSocket();
            }

            @Override
            public ServerSocket createServerSocket(int port) throws IOException {
                ServerSocket s = new CountingServerSocket();
                s.bind(new InetSocketAddress(port));
                return s;
            }

            @Override
            public ServerSocket createServerSocket(int port, int backlog) throws IOException {
                ServerSocket s = new CountingServerSocket();
                s.bind(new InetSocketAddress(port), backlog);
                return s;
            }

            @Override
            public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
                ServerSocket s = new CountingServerSocket();
                s.bind(new InetSocketAddress(address, port), backlog);
                return s;
            }
        };
    }

    private final class CountingServerSocket extends ServerSocket {
        CountingServerSocket() throws IOException {
            super();
        }

        @Override
        public Socket accept() throws IOException {
            Socket socket = new CountingSocket();
            implAccept(socket);
            connections.incrementAndGet();
            return socket;
        }
    }

    private final class CountingSocket extends Socket {
        private InputStream in;
        private OutputStream out;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        if (b >= 0) {
                            received.incrementAndGet();
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        int n = super.read(buffer, offset, length);
                        if (n > 0) {
                            received.addAndGet(n);
                        }
                        return n;
                    }
                };
            }
            return in;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                out = new FilterOutputStream(super.getOutputStream()) {
                    @Override
                    public void write(int b) throws IOException {
                        super.out.write(b);
                        sent.incrementAndGet();
                    }

                    @Override
                    public void write(byte[] buffer, int offset, int length) throws IOException {
                        super.out.write(buffer, offset, length);
                        sent.addAndGet(length);
                    }
                };
            }
            return out;
        }
    }
}
