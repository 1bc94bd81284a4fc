package com.seglamater.hivemind.server.admin;

import com.seglamater.hivemind.server.web.NotFound;
import io.helidon.webserver.http.HttpRouting;

/** The named listener {@value #NAME}: bearer auth in front of everything, then the admin routes. */
public final class AdminSocket {

    public static final String NAME = "admin";

    private AdminSocket() {
    }

    public static void routing(HttpRouting.Builder routing, AdminToken token, AdminService admin) {
        routing.addFilter(new BearerAuth(token))
                .register(AdminService.PATH, admin)
                .any(new NotFound());
    }
}
