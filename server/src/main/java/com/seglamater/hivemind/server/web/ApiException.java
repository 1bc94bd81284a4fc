package com.seglamater.hivemind.server.web;

import io.helidon.http.Status;

import java.time.Duration;
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

    public ApiException(Status status, String code, String message) {
        this(status, code, message, Optional.empty());
    }

    private ApiException(Status status, String code, String message, Optional<Duration> retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfter = retryAfter;
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
        return new ApiException(Status.TOO_MANY_REQUESTS_429, "rate_limited", message, Optional.of(retryAfter));
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
}
