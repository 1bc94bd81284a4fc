package com.seglamater.hivemind.agent.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.model.admin.AdminJson;
import com.seglamater.hivemind.model.config.Durations;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The CLI's end of the {@link ControlServer}: one connection, one request, one answer.
 * {@code try (ControlClient c = ControlClient.connect(dir).orElseThrow()) { c.call(request, timeout); }}
 */
public final class ControlClient implements AutoCloseable {

    /** Answers are an {@link OperationResult}: a few lines of text at most. */
    public static final int MAX_ANSWER_BYTES = 64 * 1024;
    /** For {@link #call}: wait as long as the daemon works (pulls and restarts take minutes). */
    public static final Duration NO_TIMEOUT = Duration.ZERO;

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);

    private final LineChannel channel;
    private final Path socket;
    private final ObjectMapper json = AdminJson.mapper();
    private boolean used;

    private ControlClient(LineChannel channel, Path socket) {
        this.channel = channel;
        this.socket = socket;
    }

    /**
     * A connection to the daemon of {@code dataDir}, or empty when there is no socket or nobody
     * answers on it (no daemon runs, or one died and left its socket file).
     *
     * @throws AccessDeniedException when a socket exists but this user may not use it
     * @throws IOException           when connecting fails otherwise (e.g. a path too long for a socket)
     */
    public static Optional<ControlClient> connect(Path dataDir) throws IOException {
        Path socket = dataDir.resolve(ControlServer.SOCKET_FILE);
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        // Linux needs write permission on a socket file to connect; say so instead of "refused".
        if (!Files.isWritable(socket)) {
            throw new AccessDeniedException(socket.toString(), null,
                    "permission denied (run as the user the updater daemon runs as)");
        }
        SocketChannel connection;
        try {
            connection = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException nobodyListens) {
            return Optional.empty();
        } catch (SocketException e) {
            if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty(); // the daemon removed it as it stopped
            }
            throw e;
        }
        try {
            return Optional.of(new ControlClient(new LineChannel(connection), socket));
        } catch (IOException e) {
            connection.close();
            throw e;
        }
    }

    /** Whether a daemon answers on the control socket of {@code dataDir}. */
    public static boolean answers(Path dataDir) throws IOException {
        Optional<ControlClient> client = connect(dataDir);
        client.ifPresent(ControlClient::close);
        return client.isPresent();
    }

    public Path socket() {
        return socket;
    }

    /**
     * Sends {@code request} and waits for the answer.
     *
     * @param timeout how long to wait for the answer; {@link #NO_TIMEOUT} waits until the daemon
     *                answers or goes away
     * @throws SocketTimeoutException when no answer came within {@code timeout}
     * @throws IOException            when the daemon went away or sent something that is not an answer
     */
    public OperationResult call(ControlRequest request, Duration timeout) throws IOException {
        if (used) {
            throw new IllegalStateException("one request per connection");
        }
        used = true;
        channel.writeLine(json.writeValueAsBytes(request), SEND_TIMEOUT);
        byte[] answer = switch (channel.readLine(MAX_ANSWER_BYTES, timeout)) {
            case LineChannel.Line.Complete complete -> complete.bytes();
            case LineChannel.Line.Empty closed ->
                    throw new IOException("the updater daemon closed the connection without answering");
            case LineChannel.Line.TooLong tooLong ->
                    throw new IOException("the updater daemon's answer is larger than " + tooLong.limit() + " bytes");
            case LineChannel.Line.TimedOut timedOut ->
                    throw new SocketTimeoutException("the updater daemon did not answer within "
                            + Durations.format(timedOut.after()));
        };
        try {
            return json.readValue(answer, OperationResult.class);
        } catch (JsonProcessingException e) {
            throw new IOException("the updater daemon's answer cannot be read (a different agent version?): "
                    + e.getOriginalMessage(), e);
        }
    }

    @Override
    public void close() {
        channel.close();
    }
}
