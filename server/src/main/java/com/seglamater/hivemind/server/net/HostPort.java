package com.seglamater.hivemind.server.net;

import com.seglamater.hivemind.model.config.ConfigException;

import java.util.regex.Pattern;

/**
 * A listener address from {@code host:port}: an IPv4 literal, a bracketed IPv6 literal
 * ({@code [::1]:8585}) or a host name. Port 0 asks the system for a free port (tests use it).
 */
public record HostPort(String host, int port) {

    private static final Pattern HOST_NAME = Pattern.compile(
            "(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");

    public static HostPort parse(String variable, String value) throws ConfigException {
        String notHostPort = quote(value) + " is not host:port";
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new ConfigException(variable, notHostPort);
        }
        String host = value.substring(0, colon);
        String portText = value.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (!IpAddresses.isIpv6Literal(host)) {
                throw new ConfigException(variable, quote(value) + " has an invalid IPv6 address");
            }
        } else if (host.contains(":")) {
            throw new ConfigException(variable, notHostPort + " (write IPv6 addresses as [addr]:port)");
        } else if (!IpAddresses.isIpv4Literal(host) && !isHostName(host)) {
            throw new ConfigException(variable, quote(value) + " has an invalid host");
        }
        if (!portText.matches("[0-9]{1,5}") || Integer.parseInt(portText) > 65_535) {
            throw new ConfigException(variable, quote(value) + " has an invalid port (0-65535)");
        }
        return new HostPort(host, Integer.parseInt(portText));
    }

    private static boolean isHostName(String host) {
        // All-numeric dotted names are malformed IPv4 addresses, not host names.
        return host.length() <= 253 && HOST_NAME.matcher(host).matches() && !host.matches("[0-9.]+");
    }

    /** A value in an error message: quoted, control characters shown as {@code ?}, so the message stays one line. */
    static String quote(String value) {
        return ConfigException.quote(value);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
