package com.seglamater.hivemind.server.dashboard;

import com.seglamater.hivemind.server.health.Health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's "This instance" section: {@code /health}'s overall status, version and each
 * check in words. A check's latency is left out: it changes at every look, and the live part of
 * the page is replaced only when something in it changed.
 */
public record InstancePanel(String status, UpdatePanel.Tone tone, String version, List<Check> checks) {

    public InstancePanel {
        checks = List.copyOf(checks);
    }

    /** One check of {@code /health}: its name there, a label, and what its status means. */
    public record Check(String name, String label, String status, String meaning, UpdatePanel.Tone tone) {
    }

    static InstancePanel of(Health health) {
        List<Check> checks = new ArrayList<>();
        for (Map.Entry<String, Health.Check> entry : health.checks().entrySet()) {
            checks.add(check(entry.getKey(), entry.getValue()));
        }
        return new InstancePanel(health.status(), tone(health.status()), health.version(), checks);
    }

    private static Check check(String name, Health.Check check) {
        boolean up = Health.UP.equals(check.status());
        String meaning = switch (name) {
            case "database" -> up ? "reachable" : "not reachable";
            case "migrations" -> up ? "at version " + check.version() : "not migrated";
            case "draining" -> up ? "served" : "draining: finishing those in flight before a restart";
            default -> check.status();
        };
        String label = switch (name) {
            case "database" -> "Database";
            case "migrations" -> "Schema";
            case "draining" -> "Requests";
            default -> name;
        };
        return new Check(name, label, check.status(), meaning, tone(check.status()));
    }

    private static UpdatePanel.Tone tone(String status) {
        return switch (status) {
            case Health.UP -> UpdatePanel.Tone.GOOD;
            case Health.DOWN -> UpdatePanel.Tone.BAD;
            default -> UpdatePanel.Tone.ACTIVE;
        };
    }
}
