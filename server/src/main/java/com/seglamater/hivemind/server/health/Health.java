package com.seglamater.hivemind.server.health;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The body of {@code GET /health} (DESIGN.md, stable surface). */
public record Health(String status, String version, Map<String, Check> checks) {

    public static final String UP = "UP";
    public static final String DOWN = "DOWN";

    public Health {
        checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }

    /** Overall UP only when every check is UP. */
    static Health of(String version, Map<String, Check> checks) {
        boolean allUp = checks.values().stream().allMatch(c -> UP.equals(c.status()));
        return new Health(allUp ? UP : DOWN, version, checks);
    }

    public boolean up() {
        return UP.equals(status);
    }

    /** One check's detail; fields that do not apply are left out of the JSON. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Check(String status, Long latencyMs, String version) {
    }
}
