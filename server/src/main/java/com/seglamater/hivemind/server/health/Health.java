package com.seglamater.hivemind.server.health;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The body of {@code GET /health} (DESIGN.md, stable surface). */
public record Health(String status, String version, Map<String, Check> checks) {

    public static final String UP = "UP";
    public static final String DOWN = "DOWN";
    public static final String DRAINING = "DRAINING";

    public Health {
        checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }

    /**
     * Overall UP only when every check is UP; DOWN when any check is DOWN (a broken server
     * is worth knowing about even while it drains); otherwise DRAINING.
     */
    static Health of(String version, Map<String, Check> checks) {
        String status;
        if (checks.values().stream().allMatch(c -> UP.equals(c.status()))) {
            status = UP;
        } else if (checks.values().stream().anyMatch(c -> DOWN.equals(c.status()))) {
            status = DOWN;
        } else {
            status = DRAINING;
        }
        return new Health(status, version, checks);
    }

    public boolean up() {
        return UP.equals(status);
    }

    /** One check's detail; fields that do not apply are left out of the JSON. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Check(String status, Long latencyMs, String version) {
    }
}
