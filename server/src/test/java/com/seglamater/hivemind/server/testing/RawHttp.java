package com.seglamater.hivemind.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket to 127.0.0.1, for what Java's HTTP client will not send as
 * written: any {@code Host} header (it always sends the URI's), a {@code HEAD} whose answer is
 * read byte by byte so that a body that should not be there shows up, requests pipelined on
 * one connection. Answers are read by {@code Content-Length} or chunked framing.
 */
public final class RawHttp implements AutoCloseable {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Socket socket;
    private final InputStream in;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(10_000);
        this.in = socket.getInputStream();
    }

    /** A connection to 127.0.0.1:{@code port}. */
    public static RawHttp connect(int port) {
        try {
            return new RawHttp(new Socket(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A connection to 127.0.0.1:{@code port} from {@code local} (any address of 127.0.0.0/8 is this
     * host's): the server sees another client address for each.
     */
    public static RawHttp connectFrom(InetAddress local, int port) {
        try {
            return new RawHttp(new Socket(InetAddress.getLoopbackAddress(), port, local, 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One request on a new connection; the answer of a HEAD is read without a body. */
    public static Response exchange(int port, String method, String path, String host, String... headerLines) {
        try (RawHttp http = connect(port)) {
            http.send(request(method, path, host, null, headerLines));
            return http.read(method.equals("HEAD"));
        }
    }

    /** The same with a JSON body ({@code Content-Type: application/json}). */
    public static Response exchangeJson(int port, String method, String path, String host, String json,
                                        String... headerLines) {
        try (RawHttp http = connect(port)) {
            http.send(request(method, path, host, json, headerLines));
            return http.read(false);
        }
    }

    /** The request's bytes as text: request line, {@code Host}, the given lines, a body's length and type. */
    public static String request(String method, String path, String host, String json, String... headerLines) {
        StringBuilder text = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
        for (String line : headerLines) {
            text.append(line).append("\r\n");
        }
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        if (json != null) {
            text.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        return text.append("\r\n").append(new String(body, StandardCharsets.ISO_8859_1)).toString();
    }

    /** Writes {@code text} as ISO-8859-1 (one byte per character). */
    public void send(String text) {
        try {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code bytes} as they are. */
    public void send(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Half-closes the connection: the server reads the end of the stream, and can still answer. */
    public void endOutput() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next answer on the connection; {@code head}: it answers a HEAD, so no body follows whatever the headers say. */
    public Response read(boolean head) {
        try {
            String statusLine = line();
            if (!statusLine.startsWith("HTTP/1.1 ")) {
                throw new IllegalStateException("not a status line: '" + statusLine + "'");
            }
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String line = line(); !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).strip(), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).strip());
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            byte[] body;
            if (head) {
                body = new byte[0];
            } else if (headers.getOrDefault("Transfer-Encoding", List.of()).stream()
                    .anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))) {
                body = chunked();
            } else {
                int length = Integer.parseInt(headers.getOrDefault("Content-Length", List.of("0")).getFirst());
                body = in.readNBytes(length);
            }
            return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = Integer.parseInt(line().split(";")[0].strip(), 16); size > 0;
             size = Integer.parseInt(line().split(";")[0].strip(), 16)) {
            body.write(in.readNBytes(size));
            line();
        }
        for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
            // trailers are not needed here
        }
        return body.toByteArray();
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed in the middle of a line: '"
                        + line.toString(StandardCharsets.ISO_8859_1) + "'");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An answer: status, headers by name (any case), body as UTF-8. */
    public record Response(int status, Map<String, List<String>> headers, String body) {

        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name)).map(List::getFirst);
        }

        public List<String> all(String name) {
            return headers.getOrDefault(name, List.of());
        }

        /** The body as JSON, or null when it is not JSON. */
        public JsonNode json() {
            try {
                return body.isEmpty() ? null : MAPPER.readTree(body);
            } catch (IOException e) {
                return null;
            }
        }

        public String error() {
            JsonNode json = json();
            return json == null ? null : json.path("error").asText(null);
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }
}
