package com.seglamater.hivemind.agent.server;

import java.util.Optional;

/**
 * The admin socket answered, and refused the request with a 4xx status. Unlike its parent,
 * trying the same request again later does not help when the status is {@link #permanent()}
 * (the body was malformed or too large for the server): a report queue drops such a report
 * instead of retrying it forever and blocking the reports behind it.
 */
public final class ServerRefusedException extends ServerUnavailableException {

    private final int httpStatus;
    private final String error;

    public ServerRefusedException(String message, int httpStatus, Optional<String> error) {
        super(message);
        this.httpStatus = httpStatus;
        this.error = error.orElse(null);
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The stable code of the server's {@code {"error", "message"}} body, if it sent one. */
    public Optional<String> error() {
        return Optional.ofNullable(error);
    }

    /**
     * 400 (invalid body or parameter), 413 (too large), 415 and 422: the same request will be
     * refused again. 401 is not permanent (the server writes a new token at every start), nor
     * is 404 (an older server may not know the route yet) or 409.
     */
    public boolean permanent() {
        return httpStatus == 400 || httpStatus == 413 || httpStatus == 415 || httpStatus == 422;
    }
}
