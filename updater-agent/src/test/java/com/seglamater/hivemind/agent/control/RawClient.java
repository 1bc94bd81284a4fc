package com.seglamater.hivemind.agent.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Speaks to a control socket byte by byte, as a hostile or broken client would. */
final class RawClient implements AutoCloseable {

    private final SocketChannel channel;

    RawClient(Path socket) throws IOException {
        this.channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    }

    /** One request (sent as given, newline included or not) and the whole answer. */
    static String exchange(Path socket, String request) throws IOException {
        try (RawClient client = new RawClient(socket)) {
            client.send(request);
            client.channel.shutdownOutput();
            return client.readToEnd();
        }
    }

    void send(String text) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * Everything until the server closes. A server that closes with part of our request unread
     * makes the kernel report a reset after the answer: that is the end too.
     */
    String readToEnd() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        try {
            while (channel.read(buffer.clear()) >= 0) {
                all.write(buffer.array(), 0, buffer.position());
            }
        } catch (SocketException reset) {
            if (all.size() == 0) {
                throw reset;
            }
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
