package com.seglamater.hivemind.server.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a request's JSON body, bounded and strict: {@code Content-Type: application/json}
 * (which also makes a browser preflight any cross-site attempt), at most {@value #MAX_BYTES}
 * bytes of well-formed UTF-8, and the strict mapper's rules (no unknown or duplicate fields, no
 * type coercion).
 * Every problem is a 4xx {@link ApiException}, never a 500.
 */
public final class JsonBody {

    public static final int MAX_BYTES = 64 * 1024;

    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([A-Za-z0-9_]{1,64})'");

    private JsonBody() {
    }

    public static <T> T read(ServerRequest req, Class<T> type) {
        JsonNode tree = tree(req);
        try {
            T value = Json.MAPPER.treeToValue(tree, type);
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
        }
    }

    /** For PATCH-style bodies, where an absent field and a null one mean different things. */
    public static JsonNode tree(ServerRequest req) {
        String text = utf8(bytes(req));
        try {
            JsonNode node = Json.MAPPER.readTree(text);
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("invalid_json", "the body must be a JSON object");
            }
            refuseUnstorable(node, "");
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid_json", describe(e));
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_json", "the body could not be read");
        }
    }

    /**
     * The body as text: JSON between systems is UTF-8 (RFC 8259 §8.1), and a byte sequence that is not
     * well-formed UTF-8 is refused, not decoded (RFC 3629 §3). Jackson, given the bytes, decoded some
     * anyway: overlong forms ({@code C0 AF} and {@code E0 80 AF} became {@code /}, a classic way past
     * a filter), and a body in UTF-16 it detected by itself. Parsing the decoded text leaves it no
     * such choice. A leading byte order mark is dropped, as RFC 8259 allows a parser to.
     */
    private static String utf8(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("invalid_json", "the body is not valid UTF-8");
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /**
     * Text PostgreSQL cannot store as sent. U+0000 (JSON allows it as {@code \u0000}) would fail
     * deep in an insert as a 500: refused naming the field ({@code invalid_field}). An unpaired
     * UTF-16 surrogate (an escape from D800 to DFFF without its pair: legal JSON syntax, but no
     * Unicode character) would be stored as {@code ?}, a silent change of what was sent: refused
     * as {@code invalid_json}.
     */
    private static void refuseUnstorable(JsonNode node, String path) {
        String shown = path.isEmpty() ? "(body)" : path;
        if (node.isTextual() && node.textValue().indexOf('\0') >= 0) {
            throw ApiException.invalidField(shown, "contains a NUL character");
        }
        if (node.isTextual() && unpairedSurrogate(node.textValue())) {
            throw ApiException.badRequest("invalid_json", "field '" + shown + "' contains an unpaired UTF-16 surrogate "
                    + "(a \\uD800-\\uDFFF escape without its pair), which is not a Unicode character");
        }
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().indexOf('\0') >= 0) {
                    throw ApiException.badRequest("invalid_json", "a field name contains a NUL character");
                }
                if (unpairedSurrogate(e.getKey())) {
                    throw ApiException.badRequest("invalid_json", "a field name contains an unpaired UTF-16 surrogate");
                }
                refuseUnstorable(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                refuseUnstorable(node.get(i), path + "[" + i + "]");
            }
        }
    }

    /** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
    static boolean unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
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
     * What is wrong, on one line, naming the field where there is one, without Jackson's
     * source excerpts or the server's class names.
     */
    static String describe(JsonProcessingException e) {
        if (e instanceof ValueInstantiationException v) {
            // The record's constructor refused: requireNonNull names a missing field, an
            // IllegalArgumentException says what is wrong in words meant for people.
            if (v.getCause() instanceof NullPointerException npe && npe.getMessage() != null
                    && npe.getMessage().matches("[A-Za-z]+")) {
                return "field '" + npe.getMessage() + "' is required";
            }
            if (v.getCause() instanceof IllegalArgumentException iae && iae.getMessage() != null) {
                return iae.getMessage().replaceAll("\\s+", " ");
            }
            return "the body has a missing or invalid field";
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + u.getPropertyName() + "'";
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String field = m.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("?");
            return "field '" + field + "' " + (e instanceof MismatchedInputException
                    ? "is missing, has the wrong type or a value that is not allowed" : "is not valid");
        }
        if (e instanceof MismatchedInputException) {
            return "the body must be a JSON object with the documented fields";
        }
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        Matcher duplicate = DUPLICATE.matcher(original);
        if (duplicate.lookingAt()) {
            return "duplicate field '" + duplicate.group(1) + "'";
        }
        if (e.getLocation() != null) {
            return "malformed JSON at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        }
        return "malformed JSON";
    }
}
