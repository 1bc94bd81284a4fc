package com.seglamater.hivemind.agent.control;

import com.seglamater.hivemind.agent.config.AgentConfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.ops.Operations;
import com.seglamater.hivemind.model.admin.AdminJson;
import com.seglamater.hivemind.model.config.Durations;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * The daemon's local control socket, {@code <dataDir>/control.sock}: how {@code hivemind-updater
 * check|rollback|backup|restore} reach a running daemon, whose single worker then does the work
 * (the CLI cannot take the agent lock the daemon holds).
 *
 * <p>Protocol: one request per connection, a JSON line ({@link ControlRequest}) of at most
 * {@value #MAX_REQUEST_BYTES} bytes sent within {@link #REQUEST_TIMEOUT}; the answer is one
 * JSON line, an {@link OperationResult}. A request that cannot be read is answered with code
 * {@code bad_request}; a connection closed without a request is a probe and gets nothing.
 *
 * <p>Access is by file permission: the socket is 0600 from before it becomes visible, so only
 * the daemon's user (root in the container) can connect.
 */
public final class ControlServer implements AutoCloseable {

    public static final String SOCKET_FILE = AgentConfig.ControlSocket.FILE;
    public static final int MAX_REQUEST_BYTES = 4 * 1024;
    /**
     * Generous: the client is a JVM just started by {@code docker compose exec}, which connects
     * first and then builds its JSON mapper and request; on a loaded host that took more than
     * the 5 s this once was, and the client's write then met a closed socket ("Broken pipe"). The
     * socket is the daemon user's alone and holds at most {@link #MAX_CONNECTIONS} connections, so a
     * slow client costs nobody else anything.
     */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Connections served at once; more are answered {@code busy} at once. */
    public static final int MAX_CONNECTIONS = 16;
    /** How long a refused connection may take to send its request before it gets its "busy". */
    static final Duration REFUSE_READ_TIMEOUT = Duration.ofSeconds(1);

    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

    private final ServerSocketChannel server;
    private final Path socket;
    private final Operations operations;
    private final ObjectMapper json = AdminJson.mapper();
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private final Thread acceptor;
    private final Duration requestTimeout;
    private final LongSupplier nanoTime;

    private ControlServer(ServerSocketChannel server, Path socket, Operations operations, Duration requestTimeout,
                          LongSupplier nanoTime) {
        this.server = server;
        this.socket = socket;
        this.operations = operations;
        this.requestTimeout = requestTimeout;
        this.nanoTime = nanoTime;
        this.acceptor = Thread.ofVirtual().name("control-accept").unstarted(this::acceptLoop);
    }

    /**
     * Binds {@code <dataDir>/control.sock} and serves it until {@link #close()}. A socket file
     * left by a daemon that died is replaced; one that still answers is another daemon's.
     *
     * @throws IOException when the socket cannot be bound, another daemon answers on it, or the
     *                     path exists and is not a socket
     */
    public static ControlServer start(Path dataDir, Operations operations) throws IOException {
        return start(dataDir, operations, REQUEST_TIMEOUT, System::nanoTime);
    }

    /** @param nanoTime the ticker the request timeout is kept on ({@link System#nanoTime} but in tests) */
    static ControlServer start(Path dataDir, Operations operations, Duration requestTimeout, LongSupplier nanoTime)
            throws IOException {
        Files.createDirectories(dataDir);
        Path socket = dataDir.resolve(SOCKET_FILE);
        removeStale(socket);
        ServerSocketChannel server = bindPrivately(dataDir, socket);
        ControlServer control = new ControlServer(server, socket, operations, requestTimeout, nanoTime);
        control.acceptor.start();
        return control;
    }

    public Path socket() {
        return socket;
    }

    private static void removeStale(Path socket) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        }
        if (!attributes.isOther()) {
            throw new IOException(socket + " exists and is not a socket; move it away");
        }
        boolean answers;
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            answers = probe.isConnected();
        } catch (ConnectException nobodyListens) {
            answers = false;
        }
        if (answers) {
            throw new IOException("another updater daemon answers on " + socket);
        }
        Files.deleteIfExists(socket);
    }

    /**
     * Binds in a fresh 0700 directory, sets 0600, then renames the socket into place: binding at
     * the final path would leave it open to the umask's permissions until the chmod.
     */
    private static ServerSocketChannel bindPrivately(Path dataDir, Path socket) throws IOException {
        Path staging = Files.createTempDirectory(dataDir, ".cs", PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
        Path bound = staging.resolve(SOCKET_FILE);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(bound));
            Files.setPosixFilePermissions(bound, OWNER_ONLY);
            // Not AtomicFile: a socket has no content to write or sync, and does not outlive a reboot.
            Files.move(bound, socket, StandardCopyOption.ATOMIC_MOVE);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(bound);
            throw e;
        } finally {
            Files.deleteIfExists(staging);
        }
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel connection;
            try {
                connection = server.accept();
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                // E.g. out of file descriptors: wait a little rather than spin.
                sleepQuietly();
                continue;
            }
            if (slots.tryAcquire()) {
                Thread.ofVirtual().name("control-connection").start(() -> {
                    try {
                        serve(connection);
                    } finally {
                        slots.release();
                    }
                });
            } else {
                Thread.ofVirtual().name("control-refuse").start(() -> refuse(connection));
            }
        }
    }

    private void serve(SocketChannel connection) {
        try (LineChannel line = new LineChannel(connection, nanoTime)) {
            OperationResult answer = switch (line.readLine(MAX_REQUEST_BYTES, requestTimeout)) {
                case LineChannel.Line.Empty probe -> null;
                case LineChannel.Line.TooLong tooLong -> badRequest("the request is larger than " + tooLong.limit() + " bytes");
                case LineChannel.Line.TimedOut timedOut -> badRequest("no complete request within "
                        + Durations.format(timedOut.after()));
                case LineChannel.Line.Complete complete -> handle(complete.bytes());
            };
            if (answer != null) {
                line.writeLine(json.writeValueAsBytes(answer), ANSWER_TIMEOUT);
            }
        } catch (IOException clientGone) {
            // The client went away; the operation (if any) has run and is recorded in the state.
        }
    }

    private OperationResult handle(byte[] request) {
        ControlRequest parsed;
        try {
            parsed = json.readValue(request, ControlRequest.class);
        } catch (JsonProcessingException e) {
            return badRequest("the request is not a valid control request: " + oneLine(e.getOriginalMessage()));
        } catch (IOException e) {
            return badRequest("the request cannot be read: " + oneLine(e.getMessage()));
        }
        try {
            return parsed.dispatch(operations);
        } catch (RuntimeException e) {
            // Operations never throw by contract; if one does, the client still gets an answer.
            return OperationResult.failed(parsed.operation(), OperationCode.INTERNAL_ERROR, "the daemon failed: " + e);
        }
    }

    private void refuse(SocketChannel connection) {
        try (LineChannel line = new LineChannel(connection)) {
            try {
                // Take the request first: closing on an unread request resets the connection, and the
                // client would see a broken pipe instead of the answer.
                line.readLine(MAX_REQUEST_BYTES, REFUSE_READ_TIMEOUT);
            } catch (IOException ignored) {
                // Too slow, too big or gone: answer anyway.
            }
            line.writeLine(json.writeValueAsBytes(OperationResult.failed("unknown", OperationCode.BUSY,
                    "the updater daemon is serving " + MAX_CONNECTIONS + " control connections; try again")),
                    ANSWER_TIMEOUT);
        } catch (IOException ignored) {
            // The client went away.
        }
    }

    private static OperationResult badRequest(String message) {
        return OperationResult.failed("unknown", OperationCode.BAD_REQUEST, message);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting and removes the socket file; requests already received still run to their end. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing a server channel does not fail in a way we could act on.
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // A stale socket file is replaced at the next start.
        }
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
