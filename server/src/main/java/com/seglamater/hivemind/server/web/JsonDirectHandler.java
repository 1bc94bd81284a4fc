package com.seglamater.hivemind.server.web;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

import java.nio.charset.StandardCharsets;

/**
 * Requests Helidon refuses before any route runs (a malformed query encoding, an oversized
 * header) get the same JSON error shape as everything else, instead of Helidon's plain text.
 * The message is generic: the refused input is not echoed.
 * <p>
 * Helidon 4.5.0 refuses headers over its limit with a plain 400, told apart from other malformed
 * headers only by its message ({@code Http1HeadersParser}: "Header size exceeded"), which reaches
 * here because the listeners include it ({@code Http1Transport}); it becomes 431 as RFC 6585 §5
 * has it. Its only 501 is a Transfer-Encoding other than {@code chunked} alone
 * ({@code Http1Connection.validateRequestTransferEncoding}), which RFC 9112 §6.1 answers with 501.
 */
public final class JsonDirectHandler implements DirectHandler {

    /** Helidon's message for headers over {@code maxHeadersSize} (Http1HeadersParser.readHeaders). */
    static final String HEADERS_TOO_LARGE = "Header size exceeded";
    /** Helidon 4.5.0 has no constant for it. */
    private static final Status HEADERS_TOO_LARGE_431 = Status.create(431, "Request Header Fields Too Large");

    public static DirectHandlers all() {
        JsonDirectHandler handler = new JsonDirectHandler();
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            builder.addHandler(type, handler);
        }
        return builder.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status helidonStatus,
                                    ServerResponseHeaders headers, String message) {
        Status status = helidonStatus.code() == 400 && HEADERS_TOO_LARGE.equals(message)
                ? HEADERS_TOO_LARGE_431 : helidonStatus;
        String body = "{\"error\":\"" + code(status) + "\",\"message\":\"" + text(status) + "\"}";
        headers.set(HeaderValues.CONTENT_TYPE_JSON);
        headers.set(Json.NO_STORE);
        headers.set(SecurityHeaders.NOSNIFF);
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .entity(body.getBytes(StandardCharsets.UTF_8))
                .keepAlive(eventType.keepAlive())
                .build();
    }

    private static String code(Status status) {
        return switch (status.code()) {
            case 400 -> "bad_request";
            case 403 -> "forbidden";
            case 413 -> "payload_too_large";
            case 431 -> "headers_too_large";
            case 500 -> "internal_error";
            case 501 -> "transfer_encoding_unsupported";
            // Helidon 4.5.0 answers a request line of another HTTP version (HTTP/1.0) with 505, not 400: the client's doing.
            case 505 -> "bad_request";
            default -> status.code() < 500 ? "bad_request" : "internal_error";
        };
    }

    private static String text(Status status) {
        return switch (status.code()) {
            case 413 -> "the request is too large";
            case 431 -> "the request headers are too large";
            case 501 -> "the request's Transfer-Encoding is not supported: send chunked alone, or a Content-Length";
            case 505 -> "the request is malformed";
            default -> status.code() < 500 ? "the request is malformed" : "the server could not handle this request";
        };
    }
}
