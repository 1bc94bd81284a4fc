package com.seglamater.hivemind.server.auditlog;

import com.seglamater.hivemind.server.audit.AuditEntry;
import com.seglamater.hivemind.server.audit.AuditFilter;
import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.auth.Access;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.ui.ErrorPages;
import com.seglamater.hivemind.server.ui.Links;
import com.seglamater.hivemind.server.ui.Views;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.Page;
import com.seglamater.hivemind.server.web.Params;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The audit log page ({@code /audit}), for admins: the entries newest first, filtered by actor,
 * action (exact, or a prefix ending in {@code *}), target, outcome, client IP and time range (the
 * list's and the export's own filter, {@link AuditService#filter}), {@value #PAGE_SIZE} a page, and
 * links to the CSV and JSON Lines export of the same selection. Times in the form are UTC, as a
 * {@code datetime-local} field sends them ({@code 2026-12-06T14:05}); RFC 3339 works too.
 */
public final class AuditPages implements HttpService {

    static final int PAGE_SIZE = 50;
    /** What a {@code datetime-local} field sends: minutes, or seconds. */
    private static final Pattern LOCAL = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?");
    private static final List<String> FIELDS = List.of("actor", "action", "target", "outcome", "clientIp", "from", "to");
    /** The form's labels of the parameters, for the API's messages that start with a parameter's name. */
    private static final Map<String, String> LABELS = Map.of("actor", "Actor", "action", "Action", "target", "Target",
            "outcome", "Outcome", "clientIp", "Client IP", "from", "From", "to", "To", "before", "The page");

    private final Views views;
    private final AuditLog audit;

    public AuditPages(Views views, AuditLog audit) {
        this.views = views;
        this.audit = audit;
    }

    /**
     * The form's values as sent ({@code values}), the entries they select, and where the older
     * entries and the exports are.
     */
    public record Listing(Map<String, String> values, List<AuditEntry> entries, Optional<String> older, boolean first,
                          Optional<String> error, String csv, String jsonLines) {

        public String value(String name) {
            return values.getOrDefault(name, "");
        }

        public boolean filtered() {
            return values.values().stream().anyMatch(v -> !v.isEmpty());
        }

        /** The first page of the same selection. */
        public String newest() {
            return "/audit" + Links.query(values);
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/audit", this::list);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Access.require(req, Role.ADMIN);
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : FIELDS) {
            values.put(name, req.query().first(name).orElse("").strip());
        }
        AuditFilter filter;
        try {
            filter = AuditService.filter(req, AuditPages::time);
        } catch (ApiException e) {
            views.page(req, res, Status.BAD_REQUEST_400, "auditlog/list.jte", Map.of("listing", new Listing(values,
                    List.of(), Optional.empty(), true, Optional.of(labelled(e.getMessage())), "", "")));
            return;
        }
        // As the form's datetime-local fields show them, whichever way they came (a link has RFC 3339).
        filter.from().ifPresent(t -> values.put("from", local(t)));
        filter.to().ifPresent(t -> values.put("to", local(t)));
        Page<AuditEntry> page = Page.of(audit.query(filter, PAGE_SIZE + 1), PAGE_SIZE, AuditEntry::id);
        Map<String, String> api = apiQuery(filter);
        views.page(req, res, "auditlog/list.jte", Map.of("listing", new Listing(values, page.items(),
                page.next().map(before -> "/audit" + Links.query(with(values, "before", Long.toString(before)))),
                filter.before().isEmpty(), Optional.empty(),
                "/api/v1/audit/export" + Links.query(with(api, "format", "csv")),
                "/api/v1/audit/export" + Links.query(with(api, "format", "jsonl")))));
    }

    /** The filter's refusal as a sentence that names the field as the form does ("Client IP must be …"). */
    static String labelled(String message) {
        int space = message.indexOf(' ');
        String first = space < 0 ? message : message.substring(0, space);
        return ErrorPages.sentence(LABELS.containsKey(first) ? LABELS.get(first) + message.substring(first.length())
                : message);
    }

    /** A form's time: {@code 2026-12-06T14:05} (UTC, as the page says), or RFC 3339. */
    static Optional<Instant> time(ServerRequest req, String name) {
        Optional<String> text = Params.text(req, name);
        if (text.isPresent() && LOCAL.matcher(text.get()).matches()) {
            try {
                return Optional.of(LocalDateTime.parse(text.get()).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("invalid_parameter", name + " is not a time: " + text.get());
            }
        }
        return Params.instant(req, name);
    }

    /** {@code 2026-12-06T14:05}, with seconds when it has any: what a {@code datetime-local} field shows. */
    static String local(Instant instant) {
        LocalDateTime time = LocalDateTime.ofInstant(instant, ZoneOffset.UTC).withNano(0);
        return time.getSecond() == 0 ? time.toString().substring(0, 16) : time.toString();
    }

    /** The filter as the API's export takes it: times in RFC 3339, the address as stored. */
    private static Map<String, String> apiQuery(AuditFilter filter) {
        Map<String, String> out = new LinkedHashMap<>();
        filter.actor().ifPresent(v -> out.put("actor", v));
        filter.action().ifPresent(v -> out.put("action", v));
        filter.target().ifPresent(v -> out.put("target", v));
        filter.outcome().ifPresent(v -> out.put("outcome", v));
        filter.clientIp().ifPresent(v -> out.put("clientIp", v));
        filter.from().ifPresent(v -> out.put("from", v.toString()));
        filter.to().ifPresent(v -> out.put("to", v.toString()));
        return out;
    }

    private static Map<String, String> with(Map<String, String> values, String name, String value) {
        Map<String, String> out = new LinkedHashMap<>(values);
        out.put(name, value);
        return out;
    }
}
