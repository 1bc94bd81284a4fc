package com.seglamater.hivemind.server.web;

import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The routes of one listener, recorded as they are registered, so that a request no route took
 * can be told apart: a path no route has (404 {@code not_found}) or a path that has routes for
 * other methods (405 {@code method_not_allowed} with {@code Allow}, RFC 9110 §15.5.6). Helidon
 * 4.5 answers neither itself, and its routing cannot be asked which methods a path has.
 * <p>
 * Routes go through {@link #rules(HttpRules)}, which passes every registration on to Helidon
 * unchanged and keeps the routes beside it; they are then matched as Helidon's routing matches
 * them (a service's path prefix first, then its routes on the rest of the path). Recording
 * happens while the routing is built, before the server starts; lookups only read.
 */
public final class RouteTable {

    /** The methods a route can be registered for here; HEAD goes with GET ({@link HeadRequests}). */
    private static final List<Method> METHODS = List.of(Method.GET, Method.POST, Method.PUT, Method.PATCH,
            Method.DELETE, Method.OPTIONS);

    private final Node root = new Node();

    /** {@code target}'s registrations, recorded here too. */
    public HttpRules rules(HttpRules target) {
        return new Recording(target, root);
    }

    /** The last route of the listener: 404, or 405 for a path that has routes for other methods. */
    public NotFound notFound(ErrorHandling errors) {
        return new NotFound(this, errors);
    }

    /**
     * The methods that some route takes at the request's path, in a fixed order, HEAD after GET;
     * empty when none does.
     */
    Set<Method> allowed(HttpPrologue request) {
        Set<Method> allowed = new LinkedHashSet<>();
        for (Method method : METHODS) {
            HttpPrologue asked = HttpPrologue.create(request.rawProtocol(), request.protocol(),
                    request.protocolVersion(), method, request.uriPath(), request.query(), request.fragment());
            if (root.accepts(asked)) {
                allowed.add(method);
                if (method == Method.GET) {
                    allowed.add(Method.HEAD);
                }
            }
        }
        return allowed;
    }

    /** The routes of one service (or of the listener), in registration order. */
    private static final class Node {
        private final List<HttpRoute> routes = new ArrayList<>();
        private final List<Prefixed> services = new ArrayList<>();

        boolean accepts(HttpPrologue prologue) {
            for (HttpRoute route : routes) {
                if (route.accepts(prologue).accepted()) {
                    return true;
                }
            }
            for (Prefixed service : services) {
                PathMatchers.PrefixMatchResult prefix = service.prefix().prefixMatch(prologue.uriPath());
                if (prefix.accepted() && service.node().accepts(prologue.withUriPath(prefix.unmatchedPath()))) {
                    return true;
                }
            }
            return false;
        }
    }

    private record Prefixed(PathMatcher prefix, Node node) {
    }

    private static final class Recording implements HttpRules {
        private final HttpRules target;
        private final Node node;

        Recording(HttpRules target, Node node) {
            this.target = target;
            this.node = node;
        }

        @Override
        public HttpRules register(HttpService... services) {
            target.register(recorded(PathMatchers.any(), services));
            return this;
        }

        @Override
        public HttpRules register(String pathPattern, HttpService... services) {
            target.register(pathPattern, recorded(PathMatchers.create(pathPattern), services));
            return this;
        }

        @Override
        public HttpRules route(HttpRoute route) {
            target.route(route);
            // The catch-all answers for every method: it is what a request reaches when no route took it.
            if (!(route.handler() instanceof NotFound)) {
                node.routes.add(route);
            }
            return this;
        }

        private HttpService[] recorded(PathMatcher prefix, HttpService... services) {
            HttpService[] recorded = new HttpService[services.length];
            for (int i = 0; i < services.length; i++) {
                Node child = new Node();
                node.services.add(new Prefixed(prefix, child));
                recorded[i] = new RecordedService(services[i], child);
            }
            return recorded;
        }
    }

    /** The service as it is, but its routes are recorded when Helidon asks for them. */
    private record RecordedService(HttpService service, Node node) implements HttpService {

        @Override
        public void routing(HttpRules rules) {
            service.routing(new Recording(rules, node));
        }

        @Override
        public void beforeStart() {
            service.beforeStart();
        }

        @Override
        public void afterStart(WebServer webServer) {
            service.afterStart(webServer);
        }

        @Override
        public void afterStop() {
            service.afterStop();
        }

        @Override
        public String toString() {
            return service.toString();
        }
    }
}
