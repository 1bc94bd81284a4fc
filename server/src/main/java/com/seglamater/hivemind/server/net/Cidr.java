package com.seglamater.hivemind.server.net;

import com.seglamater.hivemind.model.config.ConfigException;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}).
 *
 * <p>IPv4-mapped IPv6 (RFC 4291 section 2.5.5.2, {@code ::ffff:a.b.c.d}) is the same host as
 * {@code a.b.c.d}: a dual-stack socket reports IPv4 peers that way. So a mapped network is
 * stored as its IPv4 network ({@code ::ffff:10.0.0.0/104} is {@code 10.0.0.0/8}), and a
 * mapped peer address is matched as the IPv4 address it carries.
 */
public record Cidr(InetAddress network, int prefixLength) {

    private static final int MAPPED_PREFIX_BITS = 96;

    /** Parses {@code text}; a problem is reported as a {@link ConfigException} naming {@code variable}. */
    public static Cidr parse(String variable, String text) throws ConfigException {
        String quoted = HostPort.quote(text);
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new ConfigException(variable, quoted + " is not a CIDR (address/prefix)");
        }
        InetAddress address = IpAddresses.parseLiteral(text.substring(0, slash));
        if (address == null) {
            throw new ConfigException(variable, quoted + " has an invalid IP address");
        }
        String prefixText = text.substring(slash + 1);
        // InetAddress turns "::ffff:10.0.0.0" into the IPv4 address 10.0.0.0, but the prefix
        // written after it still counts the 128 bits of the IPv6 form.
        boolean mapped = text.substring(0, slash).contains(":") && address.getAddress().length == 4;
        int maxPrefix = mapped ? 128 : address.getAddress().length * 8;
        if (!prefixText.matches("[0-9]{1,3}") || Integer.parseInt(prefixText) > maxPrefix) {
            throw new ConfigException(variable, quoted + " has an invalid prefix length (0-" + maxPrefix + ")");
        }
        int prefix = Integer.parseInt(prefixText);
        if (mapped) {
            if (prefix < MAPPED_PREFIX_BITS) {
                // Shorter prefixes cut into the ::ffff marker: that is not an IPv4-mapped network.
                throw new ConfigException(variable, quoted + " is IPv4-mapped and needs a prefix of /96 or more");
            }
            prefix -= MAPPED_PREFIX_BITS;
        }
        if (!Arrays.equals(mask(address.getAddress(), prefix), address.getAddress())) {
            // 10.1.2.3/8 is almost always a typo; trusting a wider net than meant is a security bug.
            throw new ConfigException(variable, quoted + " has host bits set beyond the /" + prefix + " prefix");
        }
        return new Cidr(address, prefix);
    }

    /** True when {@code address} lies in this network (false for the other IP family). */
    public boolean contains(InetAddress address) {
        byte[] bytes = unmapped(address.getAddress());
        return bytes.length == network.getAddress().length
                && Arrays.equals(mask(bytes, prefixLength), network.getAddress());
    }

    /** The IPv4 address inside an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}); other addresses unchanged. */
    private static byte[] unmapped(byte[] address) {
        if (address.length != 16 || address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
            return address;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return address;
            }
        }
        return Arrays.copyOfRange(address, 12, 16);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xff << (8 - bits));
        }
        return masked;
    }

    @Override
    public String toString() {
        return (network.getAddress().length == 16 ? compressed(network.getAddress()) : network.getHostAddress())
                + "/" + prefixLength;
    }

    /** An IPv6 address as RFC 5952 writes it: lower case, the longest run of two or more zero groups as {@code ::}. */
    static String compressed(byte[] address) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((address[2 * i] & 0xff) << 8) | (address[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
