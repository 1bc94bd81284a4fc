package com.seglamater.hivemind.server.web.http1;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.webserver.CloseConnectionException;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bytes of one connection, each wait for them bounded by where the connection is
 * ({@link Http1Timeouts}): when a wait runs out, the socket is closed, and the connection ends
 * quietly. Helidon 4.5.0 bounds none of these waits for a server connection (its
 * {@code SocketOptions.readTimeout} is applied to client sockets only, and its idle-connection
 * check interrupts a connection only while it waits for a request line, not for headers or a body).
 * <p>
 * The end of the stream is the client going away, not a server error: it becomes a
 * {@link CloseConnectionException}, which Helidon handles by closing without an answer or a log
 * line above TRACE. Without this a client that disconnected in the middle of the headers got a
 * 500 written to its closed socket and a WARNING per connection (a slowloris run of 800
 * connections wrote 849), and one that disconnected in a body a SEVERE "failed" line from our
 * error handling.
 * <p>
 * Only the connection's thread calls {@link #get()} and the phase changes; the timer thread only
 * closes the socket.
 */
final class TimedSource implements Supplier<byte[]> {

    private static final Logger LOG = Logger.getLogger(TimedSource.class.getName());

    private enum Phase { HEAD, BODY, IDLE }

    private final DataReader socket;
    private final HelidonSocket closeable;
    private final Http1Timeouts timeouts;
    private final ScheduledExecutorService alarms;
    private Phase phase = Phase.HEAD;
    /** When the head now being read started: the accept for the first request. */
    private long headSince = System.nanoTime();
    /** Whether a byte of the request now being read has arrived. */
    private boolean started;
    private boolean broken;
    private volatile boolean expired;

    /**
     * @param socket    Helidon's reader of the connection's socket (it may hold bytes already)
     * @param closeable the socket itself, closed when a wait runs out
     */
    TimedSource(DataReader socket, HelidonSocket closeable, Http1Timeouts timeouts, ScheduledExecutorService alarms) {
        this.socket = socket;
        this.closeable = closeable;
        this.timeouts = timeouts;
        this.alarms = alarms;
    }

    @Override
    public byte[] get() {
        if (broken) {
            throw new CloseConnectionException("the request's framing is broken: nothing more is read");
        }
        Phase waiting = phase;
        long wait = switch (phase) {
            case HEAD -> headSince + timeouts.head().toNanos() - System.nanoTime();
            case BODY -> timeouts.bodyRead().toNanos();
            case IDLE -> timeouts.idle().toNanos();
        };
        ScheduledFuture<?> alarm;
        try {
            alarm = alarms.schedule(() -> expire(waiting), Math.max(0, wait), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            throw new CloseConnectionException("the server is stopping", e);
        }
        try {
            socket.ensureAvailable();
            byte[] bytes = socket.readBytes(socket.available());
            if (phase == Phase.IDLE) {
                phase = Phase.HEAD;
                headSince = System.nanoTime();
            }
            started = true;
            return bytes;
        } catch (DataReader.InsufficientDataAvailableException e) {
            if (expired) {
                throw new CloseConnectionException("closed after " + describe(waiting), e);
            }
            if (started && phase != Phase.IDLE) {
                LOG.fine(() -> "the client " + closeable.remotePeer().host() + " went away in the middle of a request's "
                        + (phase == Phase.HEAD ? "head" : "body"));
            }
            throw new CloseConnectionException("the client closed the connection", e);
        } finally {
            alarm.cancel(false);
        }
    }

    /** The request's head is in; its body, if any, comes next. */
    void bodyFollows() {
        phase = Phase.BODY;
    }

    /**
     * The request is read to its end. With bytes of the next one already buffered (pipelining), its
     * head is under way now.
     */
    void requestDone(boolean nextBuffered) {
        phase = nextBuffered ? Phase.HEAD : Phase.IDLE;
        headSince = System.nanoTime();
        started = nextBuffered;
    }

    /** Nothing more is read from this connection: the bytes after a framing error cannot be trusted. */
    void broken() {
        broken = true;
    }

    private void expire(Phase waiting) {
        expired = true;
        LOG.fine(() -> "closing the connection of " + closeable.remotePeer().host() + " after " + describe(waiting));
        try {
            closeable.close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "closing a timed-out connection failed", e);
        }
    }

    private String describe(Phase waiting) {
        return switch (waiting) {
            case HEAD -> "its request head did not arrive within " + text(timeouts.head());
            case BODY -> "no byte of the request body for " + text(timeouts.bodyRead());
            case IDLE -> text(timeouts.idle()) + " idle";
        };
    }

    private static String text(java.time.Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
