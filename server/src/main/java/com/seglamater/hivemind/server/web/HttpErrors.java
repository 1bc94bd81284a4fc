package com.seglamater.hivemind.server.web;

import io.helidon.http.Status;

/**
 * The JSON error for a status that Helidon chose, not our code: a refusal before any route ran
 * ({@link JsonDirectHandler}) or an {@code HttpException} from a route or Helidon's media support
 * ({@link ErrorHandling}). Each status has a stable {@code error} code of its own (docs/api.md,
 * "Errors"); the codes our own handlers use for the same status are the same ones
 * ({@code unauthenticated}, {@code payload_too_large}, {@code unsupported_media_type},
 * {@code rate_limited}, …). The messages are generic: they never echo what the client sent, and
 * never Helidon's own text, which can.
 */
public final class HttpErrors {

    private HttpErrors() {
    }

    /** The error body for {@code status}; a status that has no code of its own here gets {@code client_error} or {@code internal_error}. */
    public static Json.Error of(Status status) {
        return switch (status.code()) {
            case 400 -> new Json.Error("bad_request", "the request is malformed");
            case 401 -> new Json.Error("unauthenticated", "authentication is required");
            case 403 -> new Json.Error("forbidden", "the request is forbidden");
            case 404 -> new Json.Error("not_found", "no such resource");
            case 405 -> new Json.Error("method_not_allowed", "the method is not allowed for this resource");
            case 406 -> new Json.Error("not_acceptable", "no answer is available in a media type that the request's "
                    + "Accept header allows; the API answers application/json");
            case 408 -> new Json.Error("request_timeout", "the request did not arrive in time");
            case 409 -> new Json.Error("conflict", "the request conflicts with the state of the resource");
            case 410 -> new Json.Error("gone", "the resource is gone");
            case 411 -> new Json.Error("length_required", "the request needs a Content-Length or a chunked body");
            case 412 -> new Json.Error("precondition_failed", "a precondition of the request is not met");
            case 413 -> new Json.Error("payload_too_large", "the request body is too large");
            case 414 -> new Json.Error("uri_too_long", "the request line is too long");
            case 415 -> new Json.Error("unsupported_media_type", "the request body's media type is not supported; "
                    + "send Content-Type: application/json");
            case 416 -> new Json.Error("range_not_satisfiable", "the requested range cannot be served");
            case 417 -> new Json.Error("expectation_failed", "the request's Expect header cannot be met");
            case 421 -> new Json.Error("misdirected_request", "this server does not answer for that host");
            case 422 -> new Json.Error("unprocessable_content", "the request's content cannot be processed");
            case 426 -> new Json.Error("upgrade_required", "the request needs another protocol");
            case 428 -> new Json.Error("precondition_required", "the request must be conditional");
            case 429 -> new Json.Error("rate_limited", "too many requests; try again later");
            case 431 -> new Json.Error("headers_too_large", "the request headers are too large");
            case 501 -> new Json.Error("not_implemented", "the server does not support what the request needs");
            case 503 -> new Json.Error("service_unavailable", "the server cannot handle the request now; try again shortly");
            // A request line of another HTTP version (HTTP/1.0, HTTP/2 without upgrade): the client's doing, but its own status.
            case 505 -> new Json.Error("http_version_not_supported", "the server speaks HTTP/1.1 only");
            default -> status.code() < 500
                    ? new Json.Error("client_error", "the request cannot be served")
                    : new Json.Error("internal_error", "the server could not handle this request");
        };
    }
}
