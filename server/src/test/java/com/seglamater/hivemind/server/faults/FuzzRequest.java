package com.seglamater.hivemind.server.faults;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One request of the fuzz, written as bytes on a connection of its own. By default it is a
 * well-formed HTTP/1.1 request with {@code Host}, and with a body its {@code Content-Type:
 * application/json} and {@code Content-Length}; as the admin, the session cookie and CSRF token
 * too. Each of these can be replaced or left out, and any line added, as the case needs. Header
 * text is written one char per byte (ISO-8859-1), so a case can put any byte in it.
 */
final class FuzzRequest {

    /** The value the request would have if it were well formed. */
    static final String AUTO = "\0auto";

    /** Who sends it: the signed-in admin (cookie and CSRF token), or nobody. */
    enum Sender { ADMIN, ANONYMOUS }

    /** The admin's browser state when the request is written. */
    record Session(String cookie, String csrf) {
    }

    final String category;
    final String label;
    String method = "GET";
    String target = "/";
    String version = "HTTP/1.1";
    Sender sender = Sender.ANONYMOUS;
    String host = AUTO;
    String contentType = AUTO;
    String contentLength = AUTO;
    final List<String> lines = new ArrayList<>();
    byte[] body;
    /** Half-closes the connection after the request: for a body shorter than announced, the server reads its end. */
    boolean halfClose;
    /** The answer this request must get, when the case knows it (0: any that keeps the rules). */
    int expectedStatus;
    /** Its {@code error} code (null: any). */
    String expectedCode;

    FuzzRequest(String category, String label) {
        this.category = category;
        this.label = label;
    }

    FuzzRequest method(String method) {
        this.method = method;
        return this;
    }

    FuzzRequest target(String target) {
        this.target = target;
        return this;
    }

    FuzzRequest as(Sender sender) {
        this.sender = sender;
        return this;
    }

    FuzzRequest json(String json) {
        return body(json.getBytes(StandardCharsets.UTF_8));
    }

    FuzzRequest body(byte[] body) {
        this.body = body;
        return this;
    }

    FuzzRequest line(String line) {
        lines.add(line);
        return this;
    }

    FuzzRequest host(String host) {
        this.host = host;
        return this;
    }

    FuzzRequest contentType(String contentType) {
        this.contentType = contentType;
        return this;
    }

    FuzzRequest contentLength(String contentLength) {
        this.contentLength = contentLength;
        return this;
    }

    FuzzRequest version(String version) {
        this.version = version;
        return this;
    }

    FuzzRequest expect(int status, String code) {
        this.expectedStatus = status;
        this.expectedCode = code;
        return this;
    }

    /** The body is read (the admin passes the gate; a sign-in needs no credential) and refused as {@code code}. */
    FuzzRequest refusedIfRead(String code) {
        return sender == Sender.ADMIN || target.equals("/api/v1/session") ? expect(400, code) : this;
    }

    FuzzRequest halfClose() {
        this.halfClose = true;
        return this;
    }

    boolean head() {
        return method.equals("HEAD");
    }

    /** For what the answer may look like: a path under /api/ owes JSON errors, a page may answer HTML. */
    boolean api() {
        return target.startsWith("/api/");
    }

    byte[] bytes(int port, Session session) {
        StringBuilder head = new StringBuilder().append(method).append(' ').append(target).append(' ').append(version)
                .append("\r\n");
        header(head, "Host", host, "127.0.0.1:" + port);
        if (sender == Sender.ADMIN) {
            head.append("Cookie: hivemind_session=").append(session.cookie()).append("; hivemind_csrf=")
                    .append(session.csrf()).append("\r\n");
            head.append("X-CSRF-Token: ").append(session.csrf()).append("\r\n");
        }
        header(head, "Content-Type", contentType, body == null ? null : "application/json");
        header(head, "Content-Length", contentLength, body == null ? null : Integer.toString(body.length));
        for (String line : lines) {
            head.append(line).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            bytes.writeBytes(body);
        }
        return bytes.toByteArray();
    }

    private static void header(StringBuilder head, String name, String value, String auto) {
        String actual = AUTO.equals(value) ? auto : value;
        if (actual != null) {
            head.append(name).append(": ").append(actual).append("\r\n");
        }
    }

    @Override
    public String toString() {
        String shown = target.length() > 120 ? target.substring(0, 120) + "…(" + target.length() + ")" : target;
        return category + " / " + label + ": " + sender + " " + method + " " + shown;
    }
}
