package com.seglamater.hivemind.server.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP literal checks that never touch DNS: configuration and forwarded-header parsing stay pure. */
public final class IpAddresses {

    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    // InetAddress treats a string as a literal only when it starts with a hex digit or ':';
    // anything else (".:" say) would go to the resolver, so such strings are refused here.
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:][0-9a-fA-F:.]*");

    private IpAddresses() {
    }

    static boolean isIpv4Literal(String text) {
        return IPV4.matcher(text).matches();
    }

    static boolean isIpv6Literal(String text) {
        return parseIpv6(text) != null;
    }

    /** The address of an IPv4 or IPv6 literal, or null if {@code text} is not one. */
    public static InetAddress parseLiteral(String text) {
        if (isIpv4Literal(text)) {
            return resolveLiteral(text);
        }
        return parseIpv6(text);
    }

    private static InetAddress parseIpv6(String text) {
        // A colon and only hex digits, colons and dots: InetAddress parses it without a lookup.
        if (!text.contains(":") || !IPV6_CHARS.matcher(text).matches()) {
            return null;
        }
        return resolveLiteral(text);
    }

    private static InetAddress resolveLiteral(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
