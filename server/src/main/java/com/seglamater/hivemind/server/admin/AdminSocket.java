package com.seglamater.hivemind.server.admin;

import com.seglamater.hivemind.server.web.ErrorHandling;
import com.seglamater.hivemind.server.web.HeadRequests;
import com.seglamater.hivemind.server.web.RouteTable;
import com.seglamater.hivemind.server.web.SecurityHeaders;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpService;

/**
 * The named listener {@value #NAME}: the {@code Host} check and bearer auth in front of
 * everything, then the admin routes.
 */
public final class AdminSocket {

    public static final String NAME = "admin";

    private AdminSocket() {
    }

    /** {@code services} are registered under {@value AdminService#PATH}, after the server's own status and drain routes. */
    public static void routing(HttpRouting.Builder routing, Filter hosts, AdminToken token, AdminService admin,
                               HttpService... services) {
        ErrorHandling errors = ErrorHandling.register(routing);
        routing.addFilter(new HeadRequests())
                .addFilter(SecurityHeaders.admin())
                .addFilter(hosts)
                .addFilter(new BearerAuth(token));
        RouteTable routes = new RouteTable();
        routes.rules(routing).register(AdminService.PATH, admin);
        for (HttpService service : services) {
            routes.rules(routing).register(AdminService.PATH, service);
        }
        routing.any(routes.notFound(errors));
    }
}
