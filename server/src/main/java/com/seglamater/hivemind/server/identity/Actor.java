package com.seglamater.hivemind.server.identity;

import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.web.RequestInfo;

import java.util.Objects;
import java.util.Optional;

/**
 * Who changes an account, as the audit log names them: an admin or the account itself through
 * a request (whose client IP and user agent the entry keeps), the command line, or the
 * forward-auth proxy acting for the account it names ({@code viaProxy}: the entries say
 * {@code method=forward_auth}).
 */
public record Actor(String name, Optional<RequestInfo> request, boolean viaProxy) {

    public Actor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(request, "request");
    }

    /** Someone signed in, through a request. */
    public static Actor of(RequestInfo request, String name) {
        return new Actor(name, Optional.of(request), false);
    }

    /** The command line, as {@code cli:<operating-system user>}. */
    public static Actor commandLine() {
        return new Actor("cli:" + System.getProperty("user.name", "unknown"), Optional.empty(), false);
    }

    /** The proxy's headers acting on the account they name: the account is the actor, the proxy the means. */
    public static Actor proxy(RequestInfo request, String username) {
        return new Actor(username, Optional.of(request), true);
    }

    /** A successful change of {@code target}. */
    AuditEvent event(String action, String target) {
        AuditEvent event = request.map(info -> AuditEvent.of(info, name, action, AuditEvent.Outcome.SUCCESS))
                .orElseGet(() -> AuditEvent.local(name, action, AuditEvent.Outcome.SUCCESS))
                .target(target);
        return viaProxy ? event.detail("method", "forward_auth") : event;
    }
}
