package com.seglamater.hivemind.server.web;

import com.seglamater.hivemind.server.db.Sql;
import com.seglamater.hivemind.server.web.http1.BodyFramingException;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every failure of a request into a JSON error: {@link ApiException} as it says, a body
 * whose framing is broken as 400 (or 413) that ends the connection, an unreachable database as
 * 503 {@code database_unavailable}, anything else as 500 {@code internal_error} with the cause
 * in the log (one line) and never in the response.
 */
public final class ErrorHandling {

    private static final Logger LOG = Logger.getLogger(ErrorHandling.class.getName());

    private ErrorHandling() {
    }

    public static void register(HttpRouting.Builder routing) {
        routing.error(ApiException.class, (req, res, e) -> api(req, fresh(req, res), e))
                .error(BodyFramingException.class, (req, res, e) -> framing(req, fresh(req, res), e))
                .error(HttpException.class, (req, res, e) -> http(req, fresh(req, res), e))
                .error(Throwable.class, (req, res, e) -> unexpected(req, fresh(req, res), e));
    }

    /**
     * An error answer starts with no headers: none that a handler or filter set before it threw
     * (a session cookie, an export's Content-Disposition). Helidon 4.1.7 cleared them itself
     * before calling an error handler; 4.5.0 keeps them (helidon#10581).
     */
    private static ServerResponse fresh(ServerRequest req, ServerResponse res) {
        if (!res.isSent()) {
            res.headers().clear();
            // What must survive any answer (the gate's session cookie) goes again.
            KeptHeaders.reapply(req, res);
        }
        return res;
    }

    private static void api(ServerRequest req, ServerResponse res, ApiException e) {
        if (res.isSent()) {
            return;
        }
        e.retryAfter().ifPresent(after -> res.header(HeaderNames.RETRY_AFTER,
                Long.toString(Math.max(1, (after.toMillis() + 999) / 1000))));
        if (e.status() == Status.UNAUTHORIZED_401 && !res.headers().contains(HeaderNames.WWW_AUTHENTICATE)) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        if (e.fields().isEmpty()) {
            Json.send(res, e.status(), new Json.Error(e.code(), e.getMessage()));
        } else {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.code());
            body.put("message", e.getMessage());
            body.putAll(e.fields());
            Json.send(res, e.status(), body);
        }
    }

    /**
     * The client's mistake, not ours: logged at FINE only, and without the bytes it sent. The
     * connection cannot be read any further, so the answer says so and the connection ends after it.
     */
    private static void framing(ServerRequest req, ServerResponse res, BodyFramingException e) {
        LOG.fine(() -> req.prologue().method().text() + " " + req.prologue().uriPath().path() + ": " + e.getMessage());
        if (!res.isSent()) {
            res.header(HeaderValues.CONNECTION_CLOSE);
            Json.send(res, e.status(), new Json.Error(e.code(), e.getMessage()));
        }
    }

    /** Helidon's own refusals (a malformed request it noticed while we read it): its status, our JSON. */
    private static void http(ServerRequest req, ServerResponse res, HttpException e) {
        if (e.status().code() >= 500) {
            unexpected(req, res, e);
            return;
        }
        if (!res.isSent()) {
            Json.send(res, e.status(), new Json.Error("bad_request", "the request is malformed"));
        }
    }

    private static void unexpected(ServerRequest req, ServerResponse res, Throwable e) {
        // The whole path: req.path() inside a registered service is relative to that service.
        String request = req.prologue().method().text() + " " + req.prologue().uriPath().path();
        if (Sql.unavailable(e)) {
            LOG.log(Level.WARNING, request + " failed: the database is unreachable", e);
            if (!res.isSent()) {
                Json.send(res, Status.SERVICE_UNAVAILABLE_503,
                        new Json.Error("database_unavailable", "the database is unreachable; try again shortly"));
            }
            return;
        }
        if (Sql.conflict(e)) {
            LOG.log(Level.INFO, request + " lost to a concurrent change", e);
            if (!res.isSent()) {
                Json.send(res, Status.CONFLICT_409,
                        new Json.Error("concurrent_change", "another change to the same data got in the way; try again"));
            }
            return;
        }
        LOG.log(Level.SEVERE, request + " failed", e);
        if (!res.isSent()) {
            Json.send(res, Status.INTERNAL_SERVER_ERROR_500,
                    new Json.Error("internal_error", "the server could not handle this request; the server log has details"));
        }
    }
}
