package com.seglamater.hivemind.server.audit;

import java.time.Instant;
import java.util.Optional;

/**
 * What to select from the audit log. {@code action} matches exactly, or as a prefix when it
 * ends in {@code *} ({@code user.*}). {@code from} is inclusive, {@code to} exclusive.
 * {@code clientIp} matches the address as stored (the canonical text form of
 * {@link java.net.InetAddress#getHostAddress()}). {@code before} is the paging cursor: only
 * entries with a smaller id.
 */
public record AuditFilter(Optional<String> actor, Optional<String> action, Optional<String> target,
                          Optional<String> outcome, Optional<String> clientIp, Optional<Instant> from,
                          Optional<Instant> to, Optional<Long> before) {
}
