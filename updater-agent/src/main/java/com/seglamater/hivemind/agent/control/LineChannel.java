package com.seglamater.hivemind.agent.control;

import com.seglamater.hivemind.model.config.Durations;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One connection of the control socket, read and written as JSON lines with a bound on size
 * and time. Unix-domain channels have no socket timeout, so waits go through a selector; the
 * deadlines are kept on a nanosecond ticker ({@link System#nanoTime} but in tests).
 */
final class LineChannel implements AutoCloseable {

    /** What reading one line gave. */
    sealed interface Line {
        /** The bytes before the first newline (or before the end, if the peer closed without one). */
        record Complete(byte[] bytes) implements Line {
        }

        /** The peer closed without sending anything: a probe to see whether someone answers. */
        record Empty() implements Line {
        }

        record TooLong(int limit) implements Line {
        }

        record TimedOut(Duration after) implements Line {
        }
    }

    private final SocketChannel channel;
    private final LongSupplier nanoTime;
    private final Selector selector;
    private final SelectionKey key;

    LineChannel(SocketChannel channel) throws IOException {
        this(channel, System::nanoTime);
    }

    LineChannel(SocketChannel channel, LongSupplier nanoTime) throws IOException {
        this.channel = channel;
        this.nanoTime = nanoTime;
        Selector s = Selector.open();
        try {
            channel.configureBlocking(false);
            this.key = channel.register(s, 0);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        this.selector = s;
    }

    /** Reads up to the first newline, at most {@code limit} bytes of it; {@link Duration#ZERO} waits without limit. */
    Line readLine(int limit, Duration timeout) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(Math.min(limit + 1, 8192));
        long deadline = deadline(timeout);
        while (true) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                return line.size() == 0 ? new Line.Empty() : new Line.Complete(line.toByteArray());
            }
            if (n == 0) {
                if (!await(SelectionKey.OP_READ, deadline)) {
                    return new Line.TimedOut(timeout);
                }
                continue;
            }
            byte[] bytes = buffer.array();
            for (int i = 0; i < n; i++) {
                if (bytes[i] == '\n') {
                    if (line.size() + i > limit) {
                        return new Line.TooLong(limit);
                    }
                    line.write(bytes, 0, i);
                    return new Line.Complete(line.toByteArray());
                }
            }
            if (line.size() + n > limit) {
                return new Line.TooLong(limit);
            }
            line.write(bytes, 0, n);
        }
    }

    /** Writes {@code bytes} and a newline. */
    void writeLine(byte[] bytes, Duration timeout) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(bytes.length + 1).put(bytes).put((byte) '\n').flip();
        long deadline = deadline(timeout);
        while (buffer.hasRemaining()) {
            if (channel.write(buffer) == 0 && !await(SelectionKey.OP_WRITE, deadline)) {
                throw new SocketTimeoutException("the peer did not read for " + Durations.format(timeout));
            }
        }
    }

    private long deadline(Duration timeout) {
        return timeout.isZero() ? Long.MAX_VALUE : nanoTime.getAsLong() + timeout.toNanos();
    }

    /** Waits until the channel is ready for {@code op}; false when the deadline passed first. */
    private boolean await(int op, long deadline) throws IOException {
        key.interestOps(op);
        try {
            while (true) {
                long millis;
                if (deadline == Long.MAX_VALUE) {
                    millis = 0;
                } else {
                    long left = deadline - nanoTime.getAsLong();
                    if (left <= 0) {
                        return false;
                    }
                    millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
                }
                int ready = selector.select(millis);
                selector.selectedKeys().clear();
                if (ready > 0) {
                    return true;
                }
            }
        } finally {
            key.interestOps(0);
        }
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // Nothing to release beyond the channel.
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // The peer is gone either way.
        }
    }
}
