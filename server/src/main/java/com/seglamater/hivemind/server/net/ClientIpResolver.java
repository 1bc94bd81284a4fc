package com.seglamater.hivemind.server.net;


import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Decides the real client address of a request from its TCP peer and forwarding headers. Pure: no I/O,
 * and in particular no DNS lookups: header entries are parsed as IP literals only.
 *
 * <p>Anyone can send {@code X-Forwarded-For}, so the audit log and rate limiter must only believe what a
 * trusted proxy added. The rules:
 * <ol>
 * <li>If the TCP peer is not in a trusted CIDR, every forwarding header is ignored: the client is the peer
 *     and the request is not HTTPS. Otherwise a client could name any address it likes.</li>
 * <li>If the peer is trusted, all {@code X-Forwarded-For} values are joined with {@code ","} in order, split
 *     on {@code ","} and stripped. The entries are walked from the <em>rightmost</em> leftwards, skipping
 *     trusted proxies; the first entry that is not a trusted proxy is the client. Each proxy appends the
 *     address it received the request from, so entries right of the client were written by our proxies and
 *     entries left of it were written by the client itself and may be forged; taking the leftmost entry
 *     would let a client choose its address. This is the "rightmost untrusted" choice recommended in the
 *     "Selecting an IP address" part of MDN's {@code X-Forwarded-For} page, and matches RFC 7239 section 5.2,
 *     where the first proxy's entry is the leftmost and each later proxy appends to the right.
 *     <ul>
 *     <li>If every entry is a trusted proxy, the client is the leftmost entry (the request started inside
 *         the trusted network).</li>
 *     <li>An empty or malformed entry stops the walk: whoever wrote it is not one of our proxies, so nothing
 *         left of it can be believed. The client is then the entry just right of it (the nearest address
 *         already walked), or the peer if there is none.</li>
 *     <li>An entry is an IPv4 or IPv6 literal, optionally with a port ({@code 1.2.3.4:5678},
 *         {@code [2001:db8::1]:443}), or bracketed IPv6 without one ({@code [::1]}). Host names, RFC 7239
 *         obfuscated identifiers, {@code unknown} and scoped IPv6 ({@code fe80::1%eth0}) are malformed.</li>
 *     <li>The work is bounded: only the rightmost {@value #MAX_HEADER_CHARS} characters of the joined values
 *         and at most {@value #MAX_ENTRIES} entries from the right are considered. Whatever lies beyond that
 *         bound, including an entry the bound cuts in two, is treated like a malformed entry, so a huge or
 *         many-line header costs little and yields the nearest address walked. A real proxy chain is a
 *         handful of entries of at most 53 characters each.</li>
 *     </ul></li>
 * <li>If the peer is trusted and {@code X-Forwarded-For} is absent or blank, {@code X-Real-IP} is used
 *     if it came as exactly one header line holding exactly one address (same syntax as an entry above);
 *     otherwise the client is the peer. Two lines mean a proxy added its own instead of replacing the
 *     client's, and the client's forged one could be either.</li>
 * <li>IPv4-mapped IPv6 addresses ({@code ::ffff:10.0.0.1}) are turned into IPv4, both for the peer and for
 *     header entries, so that a trusted {@code 10.0.0.0/8} matches them and logs show one form per client.</li>
 * <li>The request is HTTPS when the peer is trusted and the last {@code X-Forwarded-Proto} value (after
 *     splitting all values on {@code ","}) is {@code https}, ignoring case.</li>
 * </ol>
 */
public final class ClientIpResolver {

    /** Entries considered from the right; any real proxy chain is far shorter. */
    static final int MAX_ENTRIES = 64;
    /** Characters of the joined X-Forwarded-For considered from the right (8 KiB). */
    static final int MAX_HEADER_CHARS = 8 * 1024;

    private final List<Cidr> trustedProxies;

    public ClientIpResolver(List<Cidr> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    /**
     * Resolves one request.
     *
     * @param peer            the TCP peer address of the connection
     * @param xForwardedFor   all {@code X-Forwarded-For} values as received, in order (empty when absent)
     * @param xRealIp         all {@code X-Real-IP} values as received, in order (empty when absent)
     * @param xForwardedProto all {@code X-Forwarded-Proto} values as received, in order (empty when absent)
     */
    public ForwardedInfo resolve(InetAddress peer, List<String> xForwardedFor, List<String> xRealIp,
                                 List<String> xForwardedProto) {
        InetAddress normalisedPeer = normalise(Objects.requireNonNull(peer, "peer"));
        Objects.requireNonNull(xForwardedFor, "xForwardedFor");
        Objects.requireNonNull(xRealIp, "xRealIp");
        Objects.requireNonNull(xForwardedProto, "xForwardedProto");
        if (!trusted(normalisedPeer)) {
            return new ForwardedInfo(normalisedPeer, false, false);
        }
        InetAddress client = isBlank(xForwardedFor)
                ? realIp(normalisedPeer, xRealIp)
                : walkForwardedFor(normalisedPeer, xForwardedFor);
        return new ForwardedInfo(client, true, https(xForwardedProto));
    }

    /** True when {@code address} (IPv4-mapped IPv6 counting as IPv4) lies in a trusted proxy CIDR. */
    public boolean trusted(InetAddress address) {
        InetAddress normalised = normalise(address);
        for (Cidr cidr : trustedProxies) {
            if (cidr.contains(normalised)) {
                return true;
            }
        }
        return false;
    }

    private InetAddress walkForwardedFor(InetAddress peer, List<String> values) {
        // Join only as many values, from the right, as the bound can use: the rest is never looked at.
        int from = values.size();
        int length = 0;
        while (from > 0 && length <= MAX_HEADER_CHARS) {
            from--;
            length += values.get(from).length() + 1;
        }
        String joined = String.join(",", values.subList(from, values.size()));
        boolean entryCut = false;
        if (joined.length() > MAX_HEADER_CHARS) {
            int bound = joined.length() - MAX_HEADER_CHARS;
            // Unless the bound falls just after a comma, the leftmost piece is part of an entry: malformed.
            entryCut = joined.charAt(bound - 1) != ',';
            joined = joined.substring(bound);
        }
        String[] entries = joined.split(",", -1);
        int leftmost = Math.max(entryCut ? 1 : 0, entries.length - MAX_ENTRIES);

        // Entries left of "leftmost" lie beyond the bound and are never believed, like a malformed entry.
        InetAddress nearest = null;
        for (int i = entries.length - 1; i >= leftmost; i--) {
            InetAddress address = parseEntry(entries[i].strip());
            if (address == null) {
                break;
            }
            if (!trusted(address)) {
                return address;
            }
            nearest = address;
        }
        // Every entry walked was a trusted proxy: the leftmost of them, or the peer if the rightmost was bad.
        return nearest != null ? nearest : peer;
    }

    private static InetAddress realIp(InetAddress peer, List<String> values) {
        InetAddress address = values.size() != 1 ? null : parseEntry(values.getFirst().strip());
        return address != null ? address : peer;
    }

    private static boolean https(List<String> values) {
        if (values.isEmpty()) {
            return false;
        }
        String last = values.getLast();
        return last.substring(last.lastIndexOf(',') + 1).strip().equalsIgnoreCase("https");
    }

    /** An address in X-Forwarded-For entry syntax, or null if malformed. */
    static InetAddress parseEntry(String entry) {
        String host;
        String port = null;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = entry.substring(1, close);
            String rest = entry.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return null;
                }
                port = rest.substring(1);
            }
            if (!host.contains(":")) {
                return null; // brackets are for IPv6 only
            }
        } else if (entry.indexOf(':') >= 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
            // One colon can only be IPv4 with a port: an IPv6 literal has at least two.
            int colon = entry.indexOf(':');
            host = entry.substring(0, colon);
            port = entry.substring(colon + 1);
        } else {
            host = entry;
        }
        if (port != null && !validPort(port)) {
            return null;
        }
        InetAddress address = IpAddresses.parseLiteral(host);
        return address == null ? null : normalise(address);
    }

    private static boolean validPort(String port) {
        return port.matches("[0-9]{1,5}") && Integer.parseInt(port) <= 65535;
    }

    private static boolean isBlank(List<String> values) {
        return values.stream().allMatch(String::isBlank);
    }

    /**
     * IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) as plain IPv4. A dual-stack socket reports IPv4 peers this
     * way, and {@link Cidr#contains} never matches across families, so an IPv4 CIDR would miss them.
     */
    static InetAddress normalise(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] bytes = address.getAddress();
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return address;
            }
        }
        if (bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
            return address;
        }
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always a valid IPv4 address", e);
        }
    }
}
