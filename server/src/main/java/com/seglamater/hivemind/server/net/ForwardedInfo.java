package com.seglamater.hivemind.server.net;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Who a request really came from, as decided by {@link ClientIpResolver}.
 *
 * @param clientIp    the client address to log and rate-limit by (IPv4-mapped IPv6 shown as IPv4)
 * @param peerTrusted whether the TCP peer is a trusted proxy, i.e. whether forwarding headers were read at all
 * @param https       whether a trusted proxy said the client connection was HTTPS
 */
public record ForwardedInfo(InetAddress clientIp, boolean peerTrusted, boolean https) {

    public ForwardedInfo {
        Objects.requireNonNull(clientIp, "clientIp");
    }
}
