package com.seglamater.hivemind.server.origin;

import java.util.Locale;
import java.util.Optional;

/**
 * An origin (RFC 6454) users open Hivemind at: {@code https://hivemind.example.org} or
 * {@code http://10.0.0.5:8585}. Parsed from {@code HIVEMIND_PUBLIC_URL} and from a request's
 * {@code Origin} header alike, so that the two compare as records.
 *
 * @param scheme {@code http} or {@code https}
 * @param host   as {@link Authority} normalises it
 * @param port   the port, the scheme's default when none was written
 */
public record PublicOrigin(String scheme, String host, int port) {

    static final String HTTPS = "https";
    static final String HTTP = "http";

    /** The origin {@code text} names, or empty when it names none. A single trailing {@code /} is allowed. */
    public static Optional<PublicOrigin> parse(String text) {
        return parseOrProblem(text).origin();
    }

    /** The origin, or why there is none (for the configuration error). */
    record Parsed(Optional<PublicOrigin> origin, String problem) {
    }

    static Parsed parseOrProblem(String text) {
        int separator = text.indexOf("://");
        if (separator < 0) {
            return problem("is not an http:// or https:// address");
        }
        String scheme = text.substring(0, separator).toLowerCase(Locale.ROOT);
        if (!scheme.equals(HTTPS) && !scheme.equals(HTTP)) {
            return problem("is not an http:// or https:// address");
        }
        String rest = text.substring(separator + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.chars().anyMatch(c -> c == '/' || c == '?' || c == '#')) {
            return problem("has a path, query or fragment: give only scheme://host[:port] (Hivemind is served at /)");
        }
        if (rest.contains("@")) {
            return problem("must not carry user info (user@)");
        }
        if (rest.chars().anyMatch(c -> c > 0x7e)) {
            return problem("has characters beyond ASCII: write an internationalised name in its xn-- form");
        }
        Optional<Authority> authority = Authority.parse(rest);
        if (authority.isEmpty()) {
            return problem("has an invalid host or port");
        }
        int port = authority.get().port().orElse(defaultPort(scheme));
        if (port == 0) {
            return problem("has port 0");
        }
        return new Parsed(Optional.of(new PublicOrigin(scheme, authority.get().host(), port)), "");
    }

    private static Parsed problem(String problem) {
        return new Parsed(Optional.empty(), problem);
    }

    static int defaultPort(String scheme) {
        return scheme.equals(HTTPS) ? 443 : 80;
    }

    public boolean https() {
        return scheme.equals(HTTPS);
    }

    /**
     * The {@code Host} a browser sends for this origin: the host, with the port unless it is
     * the scheme's default (a {@code Host} without a port means the default port).
     */
    boolean servedAt(Authority authority) {
        return host.equals(authority.host()) && authority.port().orElse(defaultPort(scheme)) == port;
    }

    /** The serialised origin, as a browser sends it in {@code Origin}. */
    @Override
    public String toString() {
        return scheme + "://" + host + (port == defaultPort(scheme) ? "" : ":" + port);
    }
}
