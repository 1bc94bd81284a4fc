package com.seglamater.hivemind.server.audit;

import com.seglamater.hivemind.server.web.RequestInfo;
import com.seglamater.hivemind.model.text.Printable;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One security-relevant event, before it is stored: who ({@code actor}), what
 * ({@code action}, a stable dotted name such as {@code auth.sign_in}), how it ended, from
 * where (the real client IP and user agent), to what ({@code target}) and details.
 * Details never hold secrets: no passwords, tokens or hashes.
 */
public record AuditEvent(String actor, String action, Outcome outcome, Optional<String> clientIp,
                         Optional<String> userAgent, Optional<String> target, Map<String, Object> details) {

    /** Actors that are not accounts. */
    public static final String ANONYMOUS = "anonymous";
    /** The admin API key ({@code ADMIN_API_KEY}). */
    public static final String API_KEY = "api-key";
    public static final String UPDATER = "updater";
    public static final String SYSTEM = "system";
    /** The first-run setup link, which creates the first admin before anyone can sign in. */
    public static final String SETUP = "setup";

    public enum Outcome {
        SUCCESS, FAILURE, DENIED;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Longer texts (a request path, a user agent, a message from the agent) are cut. */
    static final int MAX_TEXT = 1_024;

    /**
     * Texts from outside (attempted usernames, request paths, user agents) are made safe to
     * store and to show: control characters, which PostgreSQL text cannot hold (NUL) or
     * which would forge lines in an export, become {@code ?}; each is bounded.
     */
    public AuditEvent {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        actor = clean(actor);
        clientIp = clientIp.map(AuditEvent::clean);
        userAgent = userAgent.map(AuditEvent::clean);
        target = target.map(AuditEvent::clean);
        Map<String, Object> cleaned = new LinkedHashMap<>();
        details.forEach((key, value) -> cleaned.put(clean(key), value instanceof String text ? clean(text) : value));
        details = Collections.unmodifiableMap(cleaned);
    }

    static String clean(String text) {
        return Printable.of(text, MAX_TEXT);
    }

    /** An event caused by a request: IP and user agent come from the request. */
    public static AuditEvent of(RequestInfo request, String actor, String action, Outcome outcome) {
        return new AuditEvent(actor, action, outcome, Optional.of(request.ip()), Optional.of(request.userAgent()),
                Optional.empty(), Map.of());
    }

    /** An event with no request behind it (the CLI, the server itself). */
    public static AuditEvent local(String actor, String action, Outcome outcome) {
        return new AuditEvent(actor, action, outcome, Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    public AuditEvent target(String target) {
        return new AuditEvent(actor, action, outcome, clientIp, userAgent, Optional.of(target), details);
    }

    public AuditEvent detail(String key, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(details);
        more.put(key, value);
        return new AuditEvent(actor, action, outcome, clientIp, userAgent, target, more);
    }
}
