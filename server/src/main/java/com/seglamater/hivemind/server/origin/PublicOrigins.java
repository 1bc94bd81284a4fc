package com.seglamater.hivemind.server.origin;

import com.seglamater.hivemind.model.config.ConfigException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The origins users open Hivemind at ({@code HIVEMIND_PUBLIC_URL}), and what follows from them
 * for a request: which {@code Host} values the main listener answers, which {@code Origin}
 * values a state-changing request may carry, and whether the browser used HTTPS.
 * <p>
 * Why: without a list, the server answers any {@code Host}, and a web page that a browser on
 * the server's host opened can rebind its own name to 127.0.0.1 and talk to the server as
 * itself, same-origin in the browser's eyes: its {@code Origin} matches its {@code Host}, and
 * it may add any header, the forward-auth proxy's identity headers included (issue 12). With
 * the list, the server refuses names it was not told about, and the CSRF check compares
 * {@code Origin} with the configured origins, scheme included.
 *
 * @param origins the configured origins in the order given; the first is the canonical one.
 *                Empty: not configured, every {@code Host} is answered (see {@link #hostAllowed})
 */
public record PublicOrigins(List<PublicOrigin> origins) {

    /** More origins than this are no one's deployment. */
    static final int MAX_ORIGINS = 16;
    static final int MAX_CHARS = 2048;

    public PublicOrigins {
        origins = List.copyOf(origins);
    }

    public static PublicOrigins none() {
        return new PublicOrigins(List.of());
    }

    /** A comma-separated list of {@code http(s)://host[:port]}; empty or absent: none. */
    public static PublicOrigins parse(String variable, Optional<String> value) throws ConfigException {
        if (value.isEmpty() || value.get().isBlank()) {
            return none();
        }
        String[] items = value.get().split(",", -1);
        if (items.length > MAX_ORIGINS) {
            throw new ConfigException(variable, "lists " + items.length + " origins; at most " + MAX_ORIGINS);
        }
        List<PublicOrigin> origins = new ArrayList<>();
        for (String item : items) {
            String text = item.strip();
            if (text.isEmpty()) {
                throw new ConfigException(variable, ConfigException.quote(value.get()) + " has an empty entry");
            }
            if (text.length() > MAX_CHARS) {
                throw new ConfigException(variable, "an entry is longer than " + MAX_CHARS + " characters");
            }
            PublicOrigin.Parsed parsed = PublicOrigin.parseOrProblem(text);
            if (parsed.origin().isEmpty()) {
                throw new ConfigException(variable, ConfigException.quote(text) + " " + parsed.problem()
                        + "; expected e.g. https://hivemind.example.org");
            }
            if (origins.contains(parsed.origin().get())) {
                throw new ConfigException(variable, ConfigException.quote(text) + " is listed twice");
            }
            origins.add(parsed.origin().get());
        }
        return new PublicOrigins(origins);
    }

    public boolean configured() {
        return !origins.isEmpty();
    }

    /** The first origin, the one absolute links are made with. */
    public Optional<PublicOrigin> canonical() {
        return origins.stream().findFirst();
    }

    /**
     * Whether the main listener answers a request with this {@code Host}: any while no origin is
     * configured (the default, which keeps an existing installation reachable through its proxy);
     * otherwise a configured origin's, or a loopback one ({@code 127.0.0.1:PORT},
     * {@code localhost:PORT}, {@code [::1]:PORT}, any port: local health checks, a proxy that
     * does not pass the browser's {@code Host} on), which no other site can make a browser send.
     */
    public boolean hostAllowed(String host) {
        if (!configured()) {
            return true;
        }
        Optional<Authority> authority = Authority.parse(host);
        return authority.isPresent() && (authority.get().loopback() || servedAt(authority.get()).isPresent());
    }

    /**
     * Whether a request with this {@code Host} reached an HTTPS origin: every configured origin
     * served at it is https (an http and an https origin on one host and port cannot be told apart).
     */
    public boolean httpsHost(String host) {
        Optional<Authority> authority = Authority.parse(host);
        if (authority.isEmpty()) {
            return false;
        }
        List<PublicOrigin> served = origins.stream().filter(o -> o.servedAt(authority.get())).toList();
        return !served.isEmpty() && served.stream().allMatch(PublicOrigin::https);
    }

    private Optional<PublicOrigin> servedAt(Authority authority) {
        return origins.stream().filter(o -> o.servedAt(authority)).findFirst();
    }

    /**
     * Whether a state-changing request with this {@code Origin} may proceed (the CSRF check's
     * first layer; a request without {@code Origin} is not judged here).
     * <ul>
     * <li>Configured: the origin must be one of the configured ones, scheme and port included,
     *     or, for a request to a loopback {@code Host}, that very loopback origin (a browser on the
     *     server's host talking to it directly).</li>
     * <li>Not configured: its host and port must be the {@code Host}'s (the browser talks to
     *     the page's own server), and when a trusted proxy says the request came over HTTPS,
     *     its scheme must be https.</li>
     * </ul>
     *
     * @param https the request came over HTTPS, as a trusted proxy's {@code X-Forwarded-Proto} says
     */
    public boolean originAllowed(String origin, String host, boolean https) {
        Optional<PublicOrigin> parsed = PublicOrigin.parse(origin);
        Optional<Authority> authority = Authority.parse(host);
        if (parsed.isEmpty() || authority.isEmpty()) {
            return false; // includes "null", sent by sandboxed and privacy-sensitive contexts
        }
        if (configured() && origins.contains(parsed.get())) {
            return true;
        }
        if (configured() && !authority.get().loopback()) {
            return false;
        }
        return parsed.get().servedAt(authority.get()) && (!https || parsed.get().https());
    }

    @Override
    public String toString() {
        return origins.isEmpty() ? "(any host)" : String.join(",", origins.stream().map(PublicOrigin::toString).toList());
    }
}
