package com.seglamater.hivemind.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads a request's JSON body, bounded and strict: {@code Content-Type: application/json}
 * (which also makes a browser preflight any cross-site attempt), at most {@value #MAX_BYTES}
 * bytes, and the strict mapper's rules (no unknown or duplicate fields, no type coercion).
 * Every problem is a 4xx {@link ApiException}, never a 500.
 */
public final class JsonBody {

    public static final int MAX_BYTES = 64 * 1024;

    private JsonBody() {
    }

    public static <T> T read(ServerRequest req, Class<T> type) {
        byte[] bytes = bytes(req);
        try {
            T value = Json.MAPPER.readValue(bytes, type);
            if (value == null) {
                throw ApiException.badRequest("invalid_json", "the body must be a JSON object");
            }
            return value;
        } catch (ValueInstantiationException e) {
            // A record's constructor refused a value: its ApiException says which and why.
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            throw ApiException.badRequest("invalid_json", describe(e));
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid_json", describe(e));
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_json", "the body could not be read");
        }
    }

    /** For PATCH-style bodies, where an absent field and a null one mean different things. */
    public static JsonNode tree(ServerRequest req) {
        byte[] bytes = bytes(req);
        try {
            JsonNode node = Json.MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("invalid_json", "the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid_json", describe(e));
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_json", "the body could not be read");
        }
    }

    private static byte[] bytes(ServerRequest req) {
        Optional<HttpMediaType> type = req.headers().contentType();
        if (type.isEmpty() || !type.get().test(MediaTypes.APPLICATION_JSON)) {
            throw new ApiException(Status.UNSUPPORTED_MEDIA_TYPE_415, "unsupported_media_type",
                    "the body must be JSON, sent with Content-Type: application/json");
        }
        if (req.headers().contentLength().orElse(0) > MAX_BYTES) {
            throw tooLarge();
        }
        byte[] bytes;
        try (InputStream in = req.content().inputStream()) {
            bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw tooLarge();
            }
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_json", "the body could not be read");
        }
        if (bytes.length == 0) {
            throw ApiException.badRequest("invalid_json", "a JSON body is required");
        }
        return bytes;
    }

    private static ApiException tooLarge() {
        return new ApiException(Status.REQUEST_ENTITY_TOO_LARGE_413, "payload_too_large",
                "the body is larger than " + MAX_BYTES / 1024 + " KiB");
    }

    /**
     * Jackson's message without the source excerpt and location dump, on one line. Some
     * messages embed a location of their own ("start marker at [Source: …]") and the
     * server's Java class names ({@code com.….SignInService$SignInRequest}): both go, the
     * class as its simple name.
     */
    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "malformed JSON" : e.getOriginalMessage();
        message = message.replaceAll("\\s+", " ").strip()
                .replaceAll(" ?\\(start marker at \\[Source: [^\\]]*\\]\\)", "")
                .replaceAll(" ?\\[Source: [^\\]]*\\]", "")
                .replaceAll("\\b(?:[a-z_][a-z0-9_]*\\.)+(?:[A-Z][A-Za-z0-9_]*\\$)*([A-Z][A-Za-z0-9_]*)", "$1");
        if (message.length() > 200) {
            message = message.substring(0, 200) + "…";
        }
        return "the body is not valid: " + message;
    }
}
