package com.seglamater.hivemind.server.audit;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.Optional;

/** A stored audit log row, as the API returns it. */
public record AuditEntry(long id, Instant at, String actor, String action, String outcome, Optional<String> clientIp,
                         Optional<String> userAgent, Optional<String> target, JsonNode details) {
}
