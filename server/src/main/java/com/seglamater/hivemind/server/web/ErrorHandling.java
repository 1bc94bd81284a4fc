package com.seglamater.hivemind.server.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns every failure of a request into a JSON error (or, for a browser's page on a listener with
 * pages, an HTML {@link ErrorPage} saying the same): {@link ApiException} as it says, a body
 * whose framing is broken as 400 (or 413) that ends the connection, Helidon's own refusals with
 * the code of their status ({@link HttpErrors}), an unreachable database as 503
 * {@code database_unavailable}, a lost race as 409 {@code concurrent_change}, and anything else
 * as 500 {@code internal_error} with an incident id.
 * <p>
 * An unexpected exception is a bug. The client gets the incident id and nothing of the cause. The
 * log gets, at SEVERE, one line with the incident id, the request and the exception's class and
 * message with those of its causes, and then the stack trace as a second SEVERE record, as one
 * line too under the server's one-line log format ({@code OneLineFormatter}). The trace goes to
 * the same place at the same level as its line, the server log that an operator sends with a bug
 * report: at a lower level it would be lost by default, and the first occurrence of a bug could
 * not be diagnosed. So that a client who can make the same failure again and again cannot fill the
 * log (and push older lines out of its rotation) with traces, a trace is written only the first
 * time its stack is seen (up to {@value #TRACES_REMEMBERED} stacks are remembered); later incidents
 * name the incident whose trace it is.
 */
public final class ErrorHandling {

    private static final Logger LOG = Logger.getLogger(ErrorHandling.class.getName());
    /** Distinct stacks whose trace was written; an older one is forgotten and written again when it recurs. */
    static final int TRACES_REMEMBERED = 256;
    /** Frames of each exception in a chain that tell two stacks apart; the outermost differ where it matters. */
    private static final int FRAMES_COMPARED = 32;

    /** Stack (classes and frames) to the incident whose log has its trace. */
    private final Cache<String, String> traced = Caffeine.newBuilder()
            .maximumSize(TRACES_REMEMBERED)
            .executor(Runnable::run)
            .build();

    /** Browsers' error pages, on the main listener; JSON for everything else. */
    private final Optional<ErrorPage> pages;

    private ErrorHandling(Optional<ErrorPage> pages) {
        this.pages = pages;
    }

    /** The error handlers of a listener that answers JSON only (the admin socket). */
    public static ErrorHandling register(HttpRouting.Builder routing) {
        return register(routing, Optional.empty());
    }

    /** The error handlers of a listener that serves pages too: a browser's page gets {@code pages}' HTML. */
    public static ErrorHandling register(HttpRouting.Builder routing, ErrorPage pages) {
        return register(routing, Optional.of(pages));
    }

    private static ErrorHandling register(HttpRouting.Builder routing, Optional<ErrorPage> pages) {
        ErrorHandling errors = new ErrorHandling(pages);
        routing.error(ApiException.class, (req, res, e) -> errors.api(req, fresh(req, res), e))
                .error(BodyFramingException.class, (req, res, e) -> framing(req, fresh(req, res), e))
                .error(HttpException.class, (req, res, e) -> errors.http(req, fresh(req, res), e))
                .error(Throwable.class, (req, res, e) -> errors.unexpected(req, fresh(req, res), e));
        return errors;
    }

    /**
     * Sends an error: an HTML page when a browser asked for one ({@link ErrorPage#wanted}) and this
     * listener has pages, else the JSON error with {@code fields} after {@code error} and {@code message}.
     */
    void send(ServerRequest req, ServerResponse res, ErrorPage.Problem problem) {
        if (pages.isPresent() && ErrorPage.wanted(req)) {
            try {
                pages.get().send(req, res, problem);
                return;
            } catch (RuntimeException e) {
                // An error page that cannot be drawn must not hide the error it was for.
                LOG.log(Level.SEVERE, "the error page for " + problem.status().code() + " failed; answering JSON", e);
                if (res.isSent()) {
                    return;
                }
            }
        }
        if (problem.fields().isEmpty() && problem.incident().isEmpty()) {
            Json.send(res, problem.status(), new Json.Error(problem.code(), problem.message()));
        } else {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", problem.code());
            body.put("message", problem.message());
            body.putAll(problem.fields());
            problem.incident().ifPresent(id -> body.put("incident", id));
            Json.send(res, problem.status(), body);
        }
    }

    private void send(ServerRequest req, ServerResponse res, Status status, Json.Error error) {
        send(req, res, new ErrorPage.Problem(status, error.error(), error.message(), Optional.empty(), Map.of()));
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

    private void api(ServerRequest req, ServerResponse res, ApiException e) {
        if (res.isSent()) {
            return;
        }
        e.retryAfter().ifPresent(after -> res.header(HeaderNames.RETRY_AFTER,
                Long.toString(Math.max(1, (after.toMillis() + 999) / 1000))));
        if (e.status() == Status.UNAUTHORIZED_401 && !res.headers().contains(HeaderNames.WWW_AUTHENTICATE)) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        send(req, res, new ErrorPage.Problem(e.status(), e.code(), e.getMessage(), Optional.empty(), e.fields()));
    }

    /**
     * The client's mistake, not ours: logged at FINE only, and without the bytes it sent. The
     * connection cannot be read any further, so the answer says so and the connection ends after it.
     */
    private static void framing(ServerRequest req, ServerResponse res, BodyFramingException e) {
        LOG.fine(() -> request(req) + ": " + e.getMessage());
        if (!res.isSent()) {
            res.header(HeaderValues.CONNECTION_CLOSE);
            Json.send(res, e.status(), new Json.Error(e.code(), e.getMessage()));
        }
    }

    /**
     * Helidon's own refusals (a malformed request it noticed while we read it, a body over the
     * limit, a media type it cannot read or write): its status, the code of that status
     * ({@link HttpErrors}), logged at FINE as the client's mistake. A 5xx is a failure of ours.
     */
    private void http(ServerRequest req, ServerResponse res, HttpException e) {
        if (e.status().code() >= 500) {
            unexpected(req, res, e);
            return;
        }
        LOG.fine(() -> request(req) + ": " + e.status().code() + " " + e.getMessage());
        if (!res.isSent()) {
            send(req, res, e.status(), HttpErrors.of(e.status()));
        }
    }

    private void unexpected(ServerRequest req, ServerResponse res, Throwable e) {
        String request = request(req);
        if (Sql.unavailable(e)) {
            LOG.log(Level.WARNING, request + " failed: the database is unreachable", e);
            if (!res.isSent()) {
                send(req, res, Status.SERVICE_UNAVAILABLE_503,
                        new Json.Error("database_unavailable", "the database is unreachable; try again shortly"));
            }
            return;
        }
        if (Sql.conflict(e)) {
            LOG.log(Level.INFO, request + " lost to a concurrent change", e);
            if (!res.isSent()) {
                send(req, res, Status.CONFLICT_409,
                        new Json.Error("concurrent_change", "another change to the same data got in the way; try again"));
            }
            return;
        }
        String incident = Incidents.newId();
        String tracedBy = traced.get(Incidents.stack(e, FRAMES_COMPARED), stack -> incident);
        LOG.severe(() -> "incident " + incident + ": " + request + " failed: " + Incidents.causes(e)
                + (tracedBy.equals(incident) ? "" : " (the same stack trace as incident " + tracedBy + ")"));
        if (tracedBy.equals(incident)) {
            LOG.severe(() -> "incident " + incident + " stack trace: " + Incidents.trace(e));
        }
        if (!res.isSent()) {
            send(req, res, new ErrorPage.Problem(Status.INTERNAL_SERVER_ERROR_500, "internal_error",
                    "the server could not handle this request; the server log has details under incident " + incident,
                    Optional.of(incident), Map.of()));
        }
    }

    /** The whole path: req.path() inside a registered service is relative to that service. */
    private static String request(ServerRequest req) {
        return req.prologue().method().text() + " " + req.prologue().uriPath().path();
    }
}
