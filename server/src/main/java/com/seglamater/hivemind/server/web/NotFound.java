package com.seglamater.hivemind.server.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The last route: anything no other route took is a 404, or a 405 with {@code Allow} when
 * the path has routes for other methods ({@link RouteTable}); JSON, or a browser's error page.
 */
public final class NotFound implements Handler {

    private final RouteTable routes;
    private final ErrorHandling errors;

    NotFound(RouteTable routes, ErrorHandling errors) {
        this.routes = routes;
        this.errors = errors;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String request = req.prologue().method().text() + " " + req.path().path();
        Set<Method> allowed = routes.allowed(req.prologue());
        if (allowed.isEmpty()) {
            errors.send(req, res, new ErrorPage.Problem(Status.NOT_FOUND_404, "not_found", "no such resource: " + request,
                    Optional.empty(), Map.of()));
            return;
        }
        String allow = allowed.stream().map(Method::text).collect(Collectors.joining(", "));
        res.header(HeaderNames.ALLOW, allow);
        errors.send(req, res, new ErrorPage.Problem(Status.METHOD_NOT_ALLOWED_405,
                HttpErrors.of(Status.METHOD_NOT_ALLOWED_405).error(),
                "the method is not allowed for this resource: " + request + " (it allows " + allow + ")",
                Optional.empty(), Map.of()));
    }
}
