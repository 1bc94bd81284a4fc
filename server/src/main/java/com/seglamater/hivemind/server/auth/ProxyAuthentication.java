package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.web.RequestInfo;
import io.helidon.webserver.http.ServerRequest;

/**
 * Authentication by a forward-auth proxy's identity headers, when it is on: the
 * {@link Authenticator} asks it for requests without a bearer credential. Its implementation
 * lives in the {@code sso} package, which plugs into this one and not the other way round.
 */
public interface ProxyAuthentication {

    /** Who the proxy's headers say the request is from (anonymous when they say nothing). */
    Authentication authenticate(ServerRequest req, RequestInfo info);

    /** The request comes from the proxy itself (its peer is in the trusted networks). */
    boolean fromProxy(RequestInfo info);
}
