package com.seglamater.hivemind.server.config;

import com.seglamater.hivemind.model.config.ConfigException;

import java.net.InetAddress;
import java.util.Arrays;

/** An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}). */
public record Cidr(InetAddress network, int prefixLength) {

    static Cidr parse(String variable, String text) throws ConfigException {
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
        int maxPrefix = address.getAddress().length * 8;
        if (!prefixText.matches("[0-9]{1,3}") || Integer.parseInt(prefixText) > maxPrefix) {
            throw new ConfigException(variable, quoted + " has an invalid prefix length (0-" + maxPrefix + ")");
        }
        int prefix = Integer.parseInt(prefixText);
        if (!Arrays.equals(mask(address.getAddress(), prefix), address.getAddress())) {
            // 10.1.2.3/8 is almost always a typo; trusting a wider net than meant is a security bug.
            throw new ConfigException(variable, quoted + " has host bits set beyond the /" + prefix + " prefix");
        }
        return new Cidr(address, prefix);
    }

    /** True when {@code address} lies in this network (false for the other IP family). */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.getAddress().length
                && Arrays.equals(mask(bytes, prefixLength), network.getAddress());
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
        return network.getHostAddress() + "/" + prefixLength;
    }
}
