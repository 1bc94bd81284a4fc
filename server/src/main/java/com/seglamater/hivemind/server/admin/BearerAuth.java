package com.seglamater.hivemind.server.admin;

import com.seglamater.hivemind.server.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Guards every route of the admin socket, including unknown ones (so a caller without the
 * token learns nothing about which routes exist): {@code Authorization: Bearer <token>}
 * or a JSON 401 with {@code WWW-Authenticate: Bearer} (RFC 6750, section 3).
 */
final class BearerAuth implements Filter {

    private static final String SCHEME = "Bearer ";

    private final AdminToken token;

    BearerAuth(AdminToken token) {
        this.token = token;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
        if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            refuse(res, "an Authorization: Bearer header with the admin token is required");
            return;
        }
        if (!token.matches(header.substring(SCHEME.length()).strip())) {
            refuse(res, "the admin token is not valid");
            return;
        }
        chain.proceed();
    }

    private static void refuse(RoutingResponse res, String message) {
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        Json.send(res, Status.UNAUTHORIZED_401, new Json.Error("unauthorized", message));
    }
}
