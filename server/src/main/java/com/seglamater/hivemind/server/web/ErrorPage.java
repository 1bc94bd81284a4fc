package com.seglamater.hivemind.server.web;

import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An error answered as an HTML page, for a browser that opened a page: the pages layer supplies
 * it ({@link ErrorHandling#register(io.helidon.webserver.http.HttpRouting.Builder, ErrorPage)}),
 * so that this package knows nothing of templates. The API ({@code /api/}) and {@code /health}
 * always answer JSON, as does any request that does not ask for {@code text/html} by name.
 */
public interface ErrorPage {

    /**
     * What went wrong: the status, the stable code and message of the JSON error, the incident id
     * of a 500, and the error's extra fields (such as {@code grantingGroups}).
     */
    record Problem(Status status, String code, String message, Optional<String> incident, Map<String, Object> fields) {
        public Problem {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(incident, "incident");
            fields = Map.copyOf(fields);
        }
    }

    /** Sends the page (status, headers and body). */
    void send(ServerRequest req, ServerResponse res, Problem problem);

    /**
     * A browser's request for a page: outside {@code /api/} and {@code /health}, with
     * {@code text/html} named in {@code Accept} (browsers send it for navigations and form posts;
     * {@code *}{@code /*} alone, as curl sends, is not enough).
     */
    static boolean wanted(ServerRequest req) {
        String path = req.prologue().uriPath().path();
        if (path.startsWith("/api/") || path.equals("/api") || path.equals("/health")) {
            return false;
        }
        for (HttpMediaType type : req.headers().acceptedTypes()) {
            if (type.mediaType().type().equalsIgnoreCase("text") && type.mediaType().subtype().equalsIgnoreCase("html")) {
                return true;
            }
        }
        return false;
    }
}
