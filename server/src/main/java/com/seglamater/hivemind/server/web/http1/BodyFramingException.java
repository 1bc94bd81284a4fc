package com.seglamater.hivemind.server.web.http1;

import io.helidon.http.Status;

/**
 * A request body whose framing is broken or oversized (a chunk-size line that is not one, chunk
 * data not followed by CRLF, a chunk over the body limit). The connection cannot be read any
 * further: the answer says {@code Connection: close} and the connection ends after it. The
 * message is ours, for the client; it never carries the bytes the client sent.
 */
public final class BodyFramingException extends RuntimeException {

    private final Status status;
    private final String code;

    private BodyFramingException(Status status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static BodyFramingException malformed(String what) {
        return new BodyFramingException(Status.BAD_REQUEST_400, "bad_request", "the chunked body is malformed: " + what);
    }

    static BodyFramingException tooLarge(long limit) {
        return new BodyFramingException(Status.REQUEST_ENTITY_TOO_LARGE_413, "payload_too_large",
                "the body is larger than the server's limit of " + limit / (1024 * 1024) + " MiB");
    }

    public Status status() {
        return status;
    }

    /** The stable {@code error} code of the JSON answer. */
    public String code() {
        return code;
    }
}
