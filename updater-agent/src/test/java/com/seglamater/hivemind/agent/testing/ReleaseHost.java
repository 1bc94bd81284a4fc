package com.seglamater.hivemind.agent.testing;

import com.seglamater.hivemind.model.verify.StatementVerifier;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okio.BufferedSink;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A release host for tests: MockWebServer on 127.0.0.1 serving the files of a release tree
 * (as manifest-signer writes it, e.g. {@code ReleaseFixture.tree}) the way a static host or
 * bucket does: strong ETags (SHA-256 of the bytes), Last-Modified from the file's time, 304 to
 * a matching If-None-Match (or, without one, If-Modified-Since), 404 for what is not there.
 * Files are read at each request, so a test republishes simply by running the CLI again.
 *
 * <p>It records every exchange (path, request headers, status, body bytes sent) and counts the
 * bytes that cross its sockets, both ways ({@link #wire()}); with {@link #https} that count
 * includes TLS. Failure switches apply per path until {@link #clearFailures()}.
 */
public final class ReleaseHost implements AutoCloseable {

    /** HTTP-date (RFC 9110 §5.6.7), always two-digit days and GMT. */
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final int PIECE = 8192;

    /** What a switch makes the host do for one path instead of serving the file. */
    public sealed interface Failure {
        /** Answer with this status and no body. */
        record Status(int code) implements Failure {
        }

        /** Close the connection when the response would start. */
        record Drop() implements Failure {
        }

        /** Serve the file, {@code bytesPerSecond} at a time. */
        record Throttle(long bytesPerSecond) implements Failure {
        }

        /** A 200 with {@code bytes} of filler, with an honest Content-Length or none at all. */
        record Oversize(long bytes, boolean declareLength) implements Failure {
        }

        /** A redirect to {@code location}. */
        record Redirect(int code, String location) implements Failure {
        }
    }

    /** Body bytes a response actually pushed into the socket, complete once the server stops writing. */
    public static final class BodyProgress {
        private final AtomicLong sent = new AtomicLong();
        private final CountDownLatch done = new CountDownLatch(1);

        public long sent() {
            return sent.get();
        }

        /** Waits until the server finished or gave up writing the body; false on timeout. */
        public boolean await(Duration timeout) throws InterruptedException {
            return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        static BodyProgress none() {
            BodyProgress p = new BodyProgress();
            p.done.countDown();
            return p;
        }
    }

    /** One request and what was answered; {@code protocol} as the request line said ({@code HTTP/1.1}, {@code HTTP/2}). */
    public record Exchange(String protocol, String method, String path, Headers requestHeaders, int status,
                           BodyProgress body) {
        public Optional<String> header(String name) {
            return Optional.ofNullable(requestHeaders.get(name));
        }
    }

    private final Path tree;
    private final MockWebServer server = new MockWebServer();
    private final WireCounter wire = new WireCounter();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final OkHttpClient clientTemplate;
    private final String scheme;

    private ReleaseHost(Path tree, Optional<TestTls> tls) throws IOException {
        this.tree = tree.toAbsolutePath().normalize();
        server.setServerSocketFactory(wire.serverSocketFactory());
        OkHttpClient.Builder client = new OkHttpClient.Builder();
        if (tls.isPresent()) {
            server.useHttps(tls.get().serverSocketFactory());
            client.sslSocketFactory(tls.get().clientSocketFactory(), tls.get().trustManager());
        }
        this.clientTemplate = client.build();
        this.scheme = tls.isPresent() ? "https" : "http";
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return answer(request);
            }
        });
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    /** Serves {@code tree} over plain HTTP on 127.0.0.1. */
    public static ReleaseHost http(Path tree) throws IOException {
        return new ReleaseHost(tree, Optional.empty());
    }

    /**
     * Serves {@code tree} over HTTPS on 127.0.0.1 with a fresh self-signed certificate made in
     * {@code workDir}; {@link #clientTemplate()} trusts it.
     */
    public static ReleaseHost https(Path tree, Path workDir) throws Exception {
        return new ReleaseHost(tree, Optional.of(TestTls.selfSigned(workDir)));
    }

    /** The URL the release tree is served at, like {@code HIVEMIND_UPDATE_URL}. */
    public URI baseUri() {
        return URI.create(scheme + "://127.0.0.1:" + server.getPort());
    }

    /** An OkHttp client that trusts this host's certificate (for HTTPS), to pass as a client template. */
    public OkHttpClient clientTemplate() {
        return clientTemplate;
    }

    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    public void clearExchanges() {
        exchanges.clear();
    }

    /** Bytes read from and written to the server's sockets since start, TLS records included. */
    public WireCounter wire() {
        return wire;
    }

    public void fail(String path, Failure failure) {
        failures.put(path, failure);
    }

    public void clearFailures() {
        failures.clear();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private MockResponse answer(RecordedRequest request) {
        String path = String.join("/", request.getUrl().pathSegments());
        Failure failure = failures.get(path);
        MockResponse.Builder response = new MockResponse.Builder();
        BodyProgress progress = BodyProgress.none();
        int status;
        if (failure instanceof Failure.Status(int code)) {
            status = code;
        } else if (failure instanceof Failure.Drop) {
            status = 200;
            response.onResponseStart(new SocketEffect.CloseSocket(true, false, false));
        } else if (failure instanceof Failure.Redirect(int code, String location)) {
            status = code;
            response.setHeader("Location", location);
        } else if (failure instanceof Failure.Oversize(long bytes, boolean declareLength)) {
            status = 200;
            progress = new BodyProgress();
            response.body(new CountingBody(filler(), bytes, progress));
            if (!declareLength) {
                response.removeHeader("Content-Length");
            }
        } else {
            Optional<byte[]> file = read(path);
            if (file.isEmpty()) {
                status = 404;
            } else {
                String etag = '"' + StatementVerifier.sha256(file.get()) + '"';
                Instant modified = modified(path);
                response.setHeader("ETag", etag).setHeader("Last-Modified", HTTP_DATE.format(modified));
                if (notModified(request.getHeaders(), etag, modified)) {
                    status = 304;
                } else {
                    status = 200;
                    progress = new BodyProgress();
                    response.body(new CountingBody(file.get(), file.get().length, progress));
                    if (failure instanceof Failure.Throttle(long perSecond)) {
                        response.throttleBody(perSecond, 1, TimeUnit.SECONDS);
                    }
                }
            }
        }
        exchanges.add(new Exchange(request.getVersion(), request.getMethod(), path, request.getHeaders(), status, progress));
        return response.code(status).build();
    }

    /** RFC 9110 §13.1: If-None-Match decides when present; If-Modified-Since only without it. */
    private static boolean notModified(Headers headers, String etag, Instant modified) {
        String inm = headers.get("If-None-Match");
        if (inm != null) {
            return inm.strip().equals("*") || List.of(inm.split(",")).stream().map(String::strip).anyMatch(etag::equals);
        }
        String ims = headers.get("If-Modified-Since");
        if (ims == null) {
            return false;
        }
        try {
            return !modified.isAfter(ZonedDateTime.parse(ims, HTTP_DATE).toInstant());
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private Optional<byte[]> read(String path) {
        Path file = tree.resolve(path).normalize();
        if (path.isEmpty() || !file.startsWith(tree) || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Instant modified(String path) {
        try {
            return Files.getLastModifiedTime(tree.resolve(path)).toInstant().truncatedTo(ChronoUnit.SECONDS);
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    private static byte[] filler() {
        byte[] piece = new byte[PIECE];
        Arrays.fill(piece, (byte) 'x');
        return piece;
    }

    /**
     * Writes {@code length} bytes of {@code source} (repeated as needed) in flushed pieces, so
     * {@link BodyProgress#sent} tells what reached the socket, not what sat in a buffer.
     */
    private record CountingBody(byte[] source, long length, BodyProgress progress) implements MockResponseBody {
        @Override
        public long getContentLength() {
            return length;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            try {
                long offset = 0;
                while (offset < length) {
                    int n = (int) Math.min(PIECE, length - offset);
                    int from = (int) (offset % source.length);
                    n = Math.min(n, source.length - from);
                    sink.write(source, from, n);
                    sink.flush();
                    offset += n;
                    progress.sent.addAndGet(n);
                }
            } finally {
                progress.done.countDown();
            }
        }
    }
}
