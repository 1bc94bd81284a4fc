package com.seglamater.hivemind.server.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The last route: anything no other route took is a JSON 404, or a 405 with {@code Allow} when
 * the path has routes for other methods ({@link RouteTable}).
 */
public final class NotFound implements Handler {

    private final Optional<RouteTable> routes;

    /** A plain 404, for a route that looked for its resource and found none (an unknown asset). */
    public NotFound() {
        this.routes = Optional.empty();
    }

    NotFound(RouteTable routes) {
        this.routes = Optional.of(routes);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String request = req.prologue().method().text() + " " + req.path().path();
        Set<Method> allowed = routes.map(r -> r.allowed(req.prologue())).orElse(Set.of());
        if (allowed.isEmpty()) {
            Json.send(res, Status.NOT_FOUND_404, new Json.Error("not_found", "no such resource: " + request));
            return;
        }
        String allow = allowed.stream().map(Method::text).collect(Collectors.joining(", "));
        res.header(HeaderNames.ALLOW, allow);
        Json.send(res, Status.METHOD_NOT_ALLOWED_405, new Json.Error(HttpErrors.of(Status.METHOD_NOT_ALLOWED_405).error(),
                "the method is not allowed for this resource: " + request + " (it allows " + allow + ")"));
    }
}
