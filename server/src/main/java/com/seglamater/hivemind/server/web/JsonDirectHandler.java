package com.seglamater.hivemind.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;

/**
 * Requests Helidon refuses before any route runs (a malformed query encoding, an oversized
 * header, a request line over its limit, a body over the payload limit) get the same JSON error
 * shape as everything else, instead of Helidon's plain text, with the code of their status
 * ({@link HttpErrors}). The message is generic: the refused input is not echoed.
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
    /** Helidon's only 501 before routing. */
    private static final Json.Error TRANSFER_ENCODING_UNSUPPORTED = new Json.Error("transfer_encoding_unsupported",
            "the request's Transfer-Encoding is not supported: send chunked alone, or a Content-Length");

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
        headers.set(HeaderValues.CONTENT_TYPE_JSON);
        headers.set(Json.NO_STORE);
        headers.set(SecurityHeaders.NOSNIFF);
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .entity(body(status))
                .keepAlive(eventType.keepAlive())
                .build();
    }

    private static byte[] body(Status status) {
        Json.Error error = status.code() == 501 ? TRANSFER_ENCODING_UNSUPPORTED : HttpErrors.of(status);
        try {
            return Json.MAPPER.writeValueAsBytes(error);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error body is not serializable", e);
        }
    }
}
