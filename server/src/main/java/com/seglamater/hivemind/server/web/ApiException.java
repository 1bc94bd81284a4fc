package com.seglamater.hivemind.server.web;

import io.helidon.http.Status;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A request that ends with a JSON error ({@code {"error": code, "message": …}}) and a 4xx
 * status. Thrown from handlers and filters; {@link ErrorHandling} writes it. The message is
 * for the client: it never carries secrets, stack traces or SQL.
 */
public final class ApiException extends RuntimeException {

    private final Status status;
    private final String code;
    private final Optional<Duration> retryAfter;
    private final Map<String, Object> fields;

    public ApiException(Status status, String code, String message) {
        this(status, code, message, Optional.empty(), Map.of());
    }

    private ApiException(Status status, String code, String message, Optional<Duration> retryAfter,
                         Map<String, Object> fields) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
        this.fields = fields;
    }

    /** The same error with one more field in its JSON body ({@code error} and {@code message} cannot be replaced). */
    public ApiException with(String name, Object value) {
        if (name.equals("error") || name.equals("message")) {
            throw new IllegalArgumentException(name + " is not an extra field");
        }
        Map<String, Object> more = new LinkedHashMap<>(fields);
        more.put(name, value);
        return new ApiException(status, code, getMessage(), retryAfter, Collections.unmodifiableMap(more));
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(Status.BAD_REQUEST_400, code, message);
    }

    public static ApiException invalidField(String field, String problem) {
        return new ApiException(Status.BAD_REQUEST_400, "invalid_field", field + ": " + problem);
    }

    public static ApiException unauthenticated(String message) {
        return new ApiException(Status.UNAUTHORIZED_401, "unauthenticated", message);
    }

    public static ApiException forbidden(String code, String message) {
        return new ApiException(Status.FORBIDDEN_403, code, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(Status.NOT_FOUND_404, "not_found", message);
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(Status.CONFLICT_409, code, message);
    }

    public static ApiException tooManyRequests(Duration retryAfter, String message) {
        return new ApiException(Status.TOO_MANY_REQUESTS_429, "rate_limited", message, Optional.of(retryAfter),
                Map.of());
    }

    public Status status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** For 429: how long the client should wait (sent as {@code Retry-After} in whole seconds). */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }

    /** The extra fields of the JSON body, in the order they were added. */
    public Map<String, Object> fields() {
        return fields;
    }
}
