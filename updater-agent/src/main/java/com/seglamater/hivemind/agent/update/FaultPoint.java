package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.model.release.Names;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A named place in an update where a fault test can hold the agent and kill it
 * ({@link FaultInjection}; docs/architecture.md, "Fault injection"). Each sits where the journal
 * has just been written and the next change has not begun, so a kill there is a kill at that step.
 *
 * @param service the service being restarted, for {@link Kind#BEFORE_RESTART} and {@link Kind#AWAITING_HEALTH}
 */
public record FaultPoint(Kind kind, Optional<String> service) {

    /** The steps of {@link Apply} (and of the one-off of {@link Handoff}) a test can stop at. */
    public enum Kind {
        /** The journal says {@code PLANNED}; the database is not dumped yet. */
        BEFORE_BACKUP("before-backup", false),
        /** The journal says {@code BACKED_UP}; the pins are still the old ones. */
        BEFORE_PIN("before-pin", false),
        /** The journal says {@code PINNED}; nothing pulled. */
        BEFORE_PULL("before-pull", false),
        /** The journal says {@code RESTARTING} this service (or {@code HANDOFF}, in the one-off, for the updater); not recreated yet. */
        BEFORE_RESTART("before-restart", true),
        /** The service was recreated on the new image; its health is not confirmed yet. */
        AWAITING_HEALTH("awaiting-health", true),
        /** The journal says {@code HANDOFF}; the one-off that replaces the sidecar is not started yet. */
        BEFORE_HANDOFF("before-handoff", false);

        private final String prefix;
        private final boolean perService;

        Kind(String prefix, boolean perService) {
            this.prefix = prefix;
            this.perService = perService;
        }
    }

    public FaultPoint {
        if (kind.perService != service.isPresent()) {
            throw new IllegalArgumentException(kind.prefix + (kind.perService ? " needs" : " takes no") + " service");
        }
        service.ifPresent(Names::requireService);
    }

    public static FaultPoint of(Kind kind) {
        return new FaultPoint(kind, Optional.empty());
    }

    public static FaultPoint of(Kind kind, String service) {
        return new FaultPoint(kind, Optional.of(service));
    }

    /** {@code before-pin}, {@code before-restart:hivemind-server}: how a request names it. */
    public String name() {
        return kind.prefix + service.map(s -> ":" + s).orElse("");
    }

    /** The point {@code name} names; {@link IllegalArgumentException} with the reason if none. */
    public static FaultPoint parse(String name) {
        int colon = name.indexOf(':');
        String prefix = colon < 0 ? name : name.substring(0, colon);
        Kind kind = Arrays.stream(Kind.values()).filter(k -> k.prefix.equals(prefix)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + name + "' names no fault point (known: " + known() + ")"));
        if (kind.perService != (colon >= 0)) {
            throw new IllegalArgumentException("'" + name + "': " + (kind.perService ? kind.prefix + " needs :SERVICE"
                    : kind.prefix + " takes no service"));
        }
        try {
            return new FaultPoint(kind, colon < 0 ? Optional.empty() : Optional.of(name.substring(colon + 1)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + name + "': " + e.getMessage(), e);
        }
    }

    static String known() {
        return Arrays.stream(Kind.values()).map(k -> k.prefix + (k.perService ? ":SERVICE" : ""))
                .collect(Collectors.joining(", "));
    }
}
