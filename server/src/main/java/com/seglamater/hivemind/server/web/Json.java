package com.seglamater.hivemind.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.model.admin.AdminJson;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/**
 * Writes JSON responses; every body the server sends goes through here. One mapper for the
 * API and the admin socket ({@link AdminJson#mapper()}): instants as RFC 3339 text, and
 * strict reading of request bodies (see {@link JsonBody}).
 */
public final class Json {

    public static final ObjectMapper MAPPER = AdminJson.mapper();

    /** API answers may carry tokens and personal data: no cache may keep them. */
    public static final Header NO_STORE = HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "no-store");

    private Json() {
    }

    public static void send(ServerResponse res, Status status, Object body) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response body is not serializable", e);
        }
        res.status(status);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.header(NO_STORE);
        HeadRequests.send(res, bytes);
    }

    public static void ok(ServerResponse res, Object body) {
        send(res, Status.OK_200, body);
    }

    /** The error body of the stable surface: {@code {"error": "<stable_code>", "message": "…"}}. */
    public record Error(String error, String message) {
    }
}
