package com.seglamater.hivemind.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** Writes JSON responses; every body the server sends goes through here. */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    public static void send(ServerResponse res, Status status, Object body) {
        send(res, status, body, MAPPER);
    }

    /** With a given mapper, such as the admin socket's strict {@code AdminJson.mapper()}. */
    public static void send(ServerResponse res, Status status, Object body, ObjectMapper mapper) {
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response body is not serializable", e);
        }
        res.status(status);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.header(HeaderValues.CACHE_NO_CACHE);
        res.send(bytes);
    }

    /** The error body of the stable surface: {@code {"error": "<stable_code>", "message": "…"}}. */
    public record Error(String error, String message) {
    }
}
