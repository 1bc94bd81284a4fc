package com.seglamater.hivemind.server.web;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A page form's body ({@code application/x-www-form-urlencoded}, as a browser sends a
 * {@code <form method="post">}), read bounded and strict: at most {@value #MAX_BYTES} bytes and
 * {@value #MAX_FIELDS} fields, percent-escapes and UTF-8 checked, no NUL. Every problem is a 4xx
 * {@link ApiException} (a page shows it as an error page), never a 500.
 * <p>
 * A body can be read from the network once; the first {@link #read} keeps the result in the
 * request's context, so the gate (which checks the CSRF field) and the handler read the same form.
 */
public final class FormBody {

    public static final int MAX_BYTES = 64 * 1024;
    public static final int MAX_FIELDS = 100;

    private final Map<String, List<String>> fields;

    private FormBody(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    /** The request's form, read on first use. */
    public static FormBody read(ServerRequest req) {
        Optional<FormBody> kept = req.context().get(FormBody.class);
        if (kept.isPresent()) {
            return kept.get();
        }
        FormBody form = parse(bytes(req));
        req.context().register(form);
        return form;
    }

    /** The first value of {@code name}, if the form has the field. */
    public Optional<String> first(String name) {
        List<String> values = fields.get(name);
        return values == null ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** The first value, or the empty string when the field is absent (an unchecked checkbox, an empty input). */
    public String text(String name) {
        return first(name).orElse("");
    }

    /** The value of a field that must be there and not be empty. */
    public String required(String name, String label) {
        String value = text(name);
        if (value.isEmpty()) {
            throw new ApiException(Status.BAD_REQUEST_400, "invalid_field", label + " is required");
        }
        return value;
    }

    /** Every value of {@code name}, in order (a multi-select, repeated checkboxes). */
    public List<String> all(String name) {
        return fields.getOrDefault(name, List.of());
    }

    public boolean has(String name) {
        return fields.containsKey(name);
    }

    /** Parses {@code a=1&b=x%20y}; {@code +} is a space (HTML's form encoding, not RFC 3986's). */
    static FormBody parse(byte[] body) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        if (body.length == 0) {
            return new FormBody(fields);
        }
        int count = 0;
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '&') {
                if (i > start) {
                    if (++count > MAX_FIELDS) {
                        throw invalid("the form has more than " + MAX_FIELDS + " fields");
                    }
                    int eq = indexOf(body, (byte) '=', start, i);
                    String name = decode(body, start, eq < 0 ? i : eq);
                    String value = eq < 0 ? "" : decode(body, eq + 1, i);
                    fields.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
                }
                start = i + 1;
            }
        }
        fields.replaceAll((name, values) -> List.copyOf(values));
        return new FormBody(fields);
    }

    private static int indexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static String decode(byte[] body, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = body[i];
            if (b == '+') {
                out.write(' ');
            } else if (b == '%') {
                if (i + 2 >= to || hex(body[i + 1]) < 0 || hex(body[i + 2]) < 0) {
                    throw invalid("the form has a malformed percent-escape");
                }
                out.write(hex(body[i + 1]) * 16 + hex(body[i + 2]));
                i += 2;
            } else {
                out.write(b);
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw invalid("the form is not valid UTF-8");
        }
        if (text.indexOf('\0') >= 0) {
            throw invalid("the form contains a NUL character");
        }
        return text;
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }

    private static byte[] bytes(ServerRequest req) {
        Optional<HttpMediaType> type = req.headers().contentType();
        if (type.isEmpty() || !type.get().test(MediaTypes.APPLICATION_FORM_URLENCODED)) {
            throw new ApiException(Status.UNSUPPORTED_MEDIA_TYPE_415, "unsupported_media_type",
                    "a form must be sent as application/x-www-form-urlencoded");
        }
        if (req.headers().contentLength().orElse(0) > MAX_BYTES) {
            throw tooLarge();
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw invalid("the form could not be read");
        }
    }

    private static ApiException invalid(String message) {
        return ApiException.badRequest("invalid_form", message);
    }

    private static ApiException tooLarge() {
        return new ApiException(Status.REQUEST_ENTITY_TOO_LARGE_413, "payload_too_large",
                "the form is larger than " + MAX_BYTES / 1024 + " KiB");
    }

    @Override
    public String toString() {
        // Forms carry passwords and tokens: names only.
        return "FormBody" + fields.keySet();
    }
}
