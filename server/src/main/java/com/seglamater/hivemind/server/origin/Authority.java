package com.seglamater.hivemind.server.origin;

import com.seglamater.hivemind.server.net.IpAddresses;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * The {@code host[:port]} of a {@code Host} header or an origin (RFC 9110 §7.2, RFC 6454), in a
 * form that compares by string: a host name in lower case, an IPv4 literal, or an IPv6 literal
 * in brackets and canonical form ({@code [0:0:0:0:0:0:0:1]}). Parsing never touches DNS.
 *
 * @param host the host, normalised as above
 * @param port the port when one was written; a {@code Host} header without one means the
 *             scheme's default port
 */
public record Authority(String host, OptionalInt port) {

    /** Letters, digits, dots, hyphens and underscores (Docker names have them); nothing that needs escaping. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9_](?:[a-z0-9_.-]{0,252})");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    static final String LOCALHOST = "localhost";

    /** The authority in {@code text}, or empty when it is not a plain {@code host[:port]}. */
    public static Optional<Authority> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        String hostText;
        String portText = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            hostText = text.substring(0, close + 1);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return Optional.empty();
                }
                portText = rest.substring(1);
            }
        } else {
            int colon = text.indexOf(':');
            hostText = colon < 0 ? text : text.substring(0, colon);
            portText = colon < 0 ? null : text.substring(colon + 1);
        }
        if (portText != null && (!PORT.matcher(portText).matches() || Integer.parseInt(portText) > 65_535)) {
            return Optional.empty();
        }
        OptionalInt port = portText == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(portText));
        return host(hostText).map(host -> new Authority(host, port));
    }

    private static Optional<String> host(String text) {
        if (text.startsWith("[") && text.endsWith("]")) {
            InetAddress address = IpAddresses.parseLiteral(text.substring(1, text.length() - 1));
            if (address == null) {
                return Optional.empty();
            }
            // An IPv4-mapped literal ([::ffff:127.0.0.1]) is the IPv4 address, as InetAddress reads it.
            return Optional.of(address instanceof Inet4Address ? address.getHostAddress() : "[" + address.getHostAddress() + "]");
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.matches("[0-9.]+")) {
            // Dotted digits are an IPv4 literal or nothing: 127.1 is not a name.
            return IpAddresses.parseLiteral(lower) instanceof Inet4Address ? Optional.of(lower) : Optional.empty();
        }
        return NAME.matcher(lower).matches() ? Optional.of(lower) : Optional.empty();
    }

    /**
     * {@code localhost}, {@code 127.0.0.0/8} or {@code [::1]}: names no one else can hold, so a
     * page from another site can never make a browser send them (a DNS rebinding attack needs a
     * name its author controls).
     */
    public boolean loopback() {
        if (host.equals(LOCALHOST)) {
            return true;
        }
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!literal.contains(":") && !literal.matches("[0-9.]+")) {
            return false;
        }
        InetAddress address = IpAddresses.parseLiteral(literal);
        return address != null && address.isLoopbackAddress();
    }

    @Override
    public String toString() {
        return port.isPresent() ? host + ":" + port.getAsInt() : host;
    }
}
