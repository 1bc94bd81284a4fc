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
 */
public final class JsonDirectHandler implements DirectHandler {

    public static DirectHandlers all() {
        JsonDirectHandler handler = new JsonDirectHandler();
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            builder.addHandler(type, handler);
        }
        return builder.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
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
            // Helidon 4.5.0 answers a request line of another HTTP version (HTTP/1.0) with 505, not 400: the client's doing.
            case 505 -> "bad_request";
            default -> status.code() < 500 ? "bad_request" : "internal_error";
        };
    }

    private static String text(Status status) {
        return switch (status.code()) {
            case 413 -> "the request is too large";
            case 431 -> "the request headers are too large";
            case 505 -> "the request is malformed";
            default -> status.code() < 500 ? "the request is malformed" : "the server could not handle this request";
        };
    }
}
