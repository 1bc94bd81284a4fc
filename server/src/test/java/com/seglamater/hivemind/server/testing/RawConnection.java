package com.seglamater.hivemind.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One TCP connection to 127.0.0.1 that writes exactly the bytes a test gives it (HTTP clients
 * normalise requests: they fix the framing, drop {@code Connection}, add headers) and reads the
 * server's answers byte by byte, so that a test sees each response and whether the server closed.
 */
public final class RawConnection implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration ANSWER = Duration.ofSeconds(10);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static RawConnection open(int port) throws IOException {
        return new RawConnection(new Socket("127.0.0.1", port));
    }

    /** Writes {@code text} as ISO-8859-1 bytes, one char per byte, \r and \n as given. */
    public RawConnection send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** One response (status line, headers, a Content-Length body); fails if the server closes or stays silent first. */
    public Response read() throws IOException {
        socket.setSoTimeout((int) ANSWER.toMillis());
        String head = readHead();
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("the server closed in the middle of a body: " + head);
        }
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed before (the rest of) a response: " + head);
            }
            head.write(b);
            byte[] bytes = head.toByteArray();
            int n = bytes.length;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') {
                return new String(bytes, 0, n - 4, StandardCharsets.ISO_8859_1);
            }
        }
    }

    /**
     * Waits up to {@code within} for the server to close the connection; what it sent meanwhile
     * must be nothing. Returns how long the close took.
     *
     * @throws AssertionError if the connection is still open then, or the server sent bytes
     */
    public Duration awaitClose(Duration within) throws IOException {
        long start = System.nanoTime();
        socket.setSoTimeout((int) Math.max(1, within.toMillis()));
        int b;
        try {
            b = in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection is still open after " + within.toMillis() + " ms");
        } catch (SocketException e) {
            b = -1; // reset: closed as well
        }
        if (b >= 0) {
            ByteArrayOutputStream more = new ByteArrayOutputStream();
            more.write(b);
            more.write(in.readNBytes(Math.min(in.available(), 500)));
            throw new AssertionError("the server sent more instead of closing: " + more.toString(StandardCharsets.ISO_8859_1));
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Whether the connection is still open after {@code wait} (and the server sent nothing). */
    public boolean openAfter(Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        try {
            int b = in.read();
            if (b >= 0) {
                throw new AssertionError("the server sent an unexpected byte: " + (char) b);
            }
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (SocketException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    public record Response(int status, Map<String, String> headers, String body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }
}
