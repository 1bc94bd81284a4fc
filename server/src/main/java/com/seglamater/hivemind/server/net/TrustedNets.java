package com.seglamater.hivemind.server.net;

import com.seglamater.hivemind.model.config.ConfigException;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The networks whose peers may send identity headers. Only the TCP peer address is ever
 * checked: a header such as {@code X-Forwarded-For} is written by the client and proves
 * nothing (the hole that let one forged header take over Gitea's Docker image).
 */
public record TrustedNets(List<Cidr> cidrs) {

    public TrustedNets {
        cidrs = List.copyOf(cidrs);
    }

    /** A comma-separated CIDR list; blank means no network. Empty entries and malformed CIDRs are refused. */
    public static TrustedNets parse(String variable, String list) throws ConfigException {
        List<Cidr> cidrs = new ArrayList<>();
        if (list.isBlank()) {
            return new TrustedNets(cidrs);
        }
        for (String item : list.split(",", -1)) {
            String cidr = item.strip();
            if (cidr.isEmpty()) {
                throw new ConfigException(variable, ConfigException.quote(list) + " has an empty entry");
            }
            cidrs.add(Cidr.parse(variable, cidr));
        }
        return new TrustedNets(cidrs);
    }

    /** True when {@code peer} (the connection's remote address) lies in one of the networks. */
    public boolean contains(InetAddress peer) {
        if (peer == null) {
            return false;
        }
        for (Cidr cidr : cidrs) {
            if (cidr.contains(peer)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return cidrs.isEmpty();
    }

    /**
     * The first network that contains every address of its family ({@code 0.0.0.0/0},
     * {@code ::/0}, and {@code ::ffff:0:0/96}, which {@link Cidr} stores as {@code 0.0.0.0/0}).
     */
    public Optional<Cidr> everyone() {
        return cidrs.stream().filter(cidr -> cidr.prefixLength() == 0).findFirst();
    }

    /** IPv4 networks wider than this (an eighth of the address space, say) are no proxy's. */
    public static final int MIN_PREFIX_V4 = 8;
    /** IPv6 networks wider than this, a site's allocation, are no proxy's. */
    public static final int MIN_PREFIX_V6 = 48;

    /** The first network wider than its family's minimum prefix, with that minimum. */
    public Optional<Cidr> tooWide() {
        return cidrs.stream().filter(cidr -> cidr.prefixLength() < minimumPrefix(cidr)).findFirst();
    }

    public static int minimumPrefix(Cidr cidr) {
        return cidr.network().getAddress().length == 4 ? MIN_PREFIX_V4 : MIN_PREFIX_V6;
    }

    @Override
    public String toString() {
        return String.join(",", cidrs.stream().map(Cidr::toString).toList());
    }
}
