package com.seglamater.hivemind.server.origin;

import com.seglamater.hivemind.server.net.HostPort;
import com.seglamater.hivemind.server.net.IpAddresses;
import com.seglamater.hivemind.server.ratelimit.Decision;
import com.seglamater.hivemind.server.ratelimit.RateLimit;
import com.seglamater.hivemind.server.ratelimit.RateLimiter;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.model.text.Printable;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * Refuses a request whose {@code Host} header names a host this listener does not answer to,
 * with {@code 421 Misdirected Request} and {@value #CODE} (RFC 9110 §15.5.20: this server is
 * not authoritative for that name). The defence against DNS rebinding (issue 12): a web page
 * that re-points its own name at this server keeps that name in {@code Host}.
 * <ul>
 * <li>Main listener: see {@link PublicOrigins#hostAllowed}. {@code GET /health} answers any
 *     {@code Host}: the updater agent probes it as {@code hivemind-server:8585} in the compose
 *     stack, and what it says (status, version) is public through the proxy anyway; it needs
 *     no credential, changes nothing and sets no cookie, so a rebinding page gains nothing.</li>
 * <li>Admin socket: loopback, the compose service name {@value #COMPOSE_SERVICE} (the
 *     agent's {@code HIVEMIND_ADMIN_URL} in the stack) and the host {@code HIVEMIND_ADMIN_BIND}
 *     names, unless that is a wildcard address. Every route there needs the bearer token as
 *     well; this only keeps a rebinding page from reaching the socket at all.</li>
 * </ul>
 * Refusals are logged, at most {@value #LOGGED_PER_MINUTE} lines a minute.
 */
public final class HostFilter implements Filter {

    public static final String CODE = "host_not_allowed";
    /** The server's service name in compose/docker-compose.yml (a fixed name, DESIGN.md "Deployment"). */
    static final String COMPOSE_SERVICE = "hivemind-server";
    static final String HEALTH = "/health";
    static final int LOGGED_PER_MINUTE = 10;
    private static final int MAX_SHOWN = 100;
    private static final Logger LOG = Logger.getLogger(HostFilter.class.getName());

    private final String listener;
    private final Predicate<String> allowed;
    private final Predicate<String> anyHostPath;
    private final String hint;
    private final RateLimiter logged;

    private HostFilter(String listener, Predicate<String> allowed, Predicate<String> anyHostPath, String hint,
                       InstantSource clock) {
        this.logged = new RateLimiter(new RateLimit(LOGGED_PER_MINUTE, Duration.ofMinutes(1)), clock);
        this.listener = listener;
        // Remembered: every request asks, and the answer depends on the host alone.
        this.allowed = RememberedHosts.of(allowed);
        this.anyHostPath = anyHostPath;
        this.hint = hint;
    }

    /** {@code variable}: the variable that lists the public origins, named in the refusal. */
    public static HostFilter main(PublicOrigins origins, String variable, InstantSource clock) {
        return new HostFilter("main listener", origins::hostAllowed, HEALTH::equals,
                "it answers to the origins in " + variable + " and to loopback addresses; if this is the address "
                        + "users open, add it to " + variable, clock);
    }

    public static HostFilter admin(HostPort bind, String variable, InstantSource clock) {
        Optional<Authority> own = bindHost(bind);
        Predicate<String> allowed = host -> Authority.parse(host)
                .map(a -> a.loopback() || a.host().equals(COMPOSE_SERVICE) || own.map(o -> o.host().equals(a.host()))
                        .orElse(false))
                .orElse(false);
        return new HostFilter("admin socket", allowed, path -> false,
                "it answers to loopback addresses, " + COMPOSE_SERVICE + " and the host of " + variable, clock);
    }

    /** The host of the admin listener's address, unless it is a wildcard (0.0.0.0, ::), which names no host. */
    private static Optional<Authority> bindHost(HostPort bind) {
        InetAddress literal = IpAddresses.parseLiteral(bind.host());
        if (literal != null && literal.isAnyLocalAddress()) {
            return Optional.empty();
        }
        return Authority.parse(bind.host().contains(":") ? "[" + bind.host() + "]" : bind.host());
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String host = req.authority();
        if (allowed.test(host) || anyHostPath.test(req.path().path())) {
            chain.proceed();
            return;
        }
        String shown = shown(host);
        if (logged.tryAcquire("host") instanceof Decision.Allowed) {
            InetAddress peer = ((InetSocketAddress) req.remotePeer().address()).getAddress();
            LOG.info(() -> "refused a request to the " + listener + " for host '" + shown + "' from "
                    + peer.getHostAddress() + " (" + req.prologue().method().text() + " " + shown(req.path().path())
                    + "): " + hint + " (at most " + LOGGED_PER_MINUTE + " such lines a minute)");
        }
        throw new ApiException(Status.MISDIRECTED_REQUEST_421, CODE, "this server does not answer to the host '"
                + shown + "' (the Host header): " + hint);
    }

    private static String shown(String text) {
        return Printable.of(String.valueOf(text), MAX_SHOWN);
    }
}
