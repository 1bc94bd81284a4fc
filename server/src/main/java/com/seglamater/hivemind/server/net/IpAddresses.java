package com.seglamater.hivemind.server.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP literal checks that never touch DNS: configuration and forwarded-header parsing stay pure. */
public final class IpAddresses {

    // InetAddress treats a string as a literal only when it starts with a hex digit or ':';
    // anything else (".:" say) would go to the resolver, so such strings are refused here.
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:][0-9a-fA-F:.]*");

    private IpAddresses() {
    }

    /**
     * Four decimal octets 0–255 separated by dots, without leading zeros (which some parsers read
     * as octal). By hand rather than by regular expression: it runs on every request (the peer,
     * forwarded headers, the Host header).
     */
    static boolean isIpv4Literal(String text) {
        int length = text.length();
        int octets = 0;
        int i = 0;
        while (true) {
            int start = i;
            int value = 0;
            while (i < length && text.charAt(i) >= '0' && text.charAt(i) <= '9' && i - start < 3) {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return false;
            }
            octets++;
            if (octets == 4) {
                return i == length;
            }
            if (i >= length || text.charAt(i) != '.') {
                return false;
            }
            i++;
        }
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
