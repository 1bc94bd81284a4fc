package com.seglamater.hivemind.server.auditlog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.seglamater.hivemind.server.audit.AuditCsv;
import com.seglamater.hivemind.server.audit.AuditEntry;
import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.audit.AuditFilter;
import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.auth.Access;
import com.seglamater.hivemind.server.auth.Principal;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.net.IpAddresses;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.Json;
import com.seglamater.hivemind.server.web.Page;
import com.seglamater.hivemind.server.web.Params;
import com.seglamater.hivemind.server.web.RequestInfo;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/audit}, for admins: the log newest first, filtered by actor, action (exact,
 * or a prefix ending in {@code *}), target, outcome, client IP and time range, paged with the
 * {@code before} cursor; and {@code /api/v1/audit/export} as JSON lines or CSV, oldest first,
 * streamed. Every export is itself audited.
 */
public final class AuditService implements HttpService {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    static final int EXPORT_BATCH = 1_000;
    private static final Set<String> OUTCOMES = Set.of("success", "failure", "denied");

    private final AuditLog audit;
    private final Clock clock;

    public AuditService(AuditLog audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .get("/export", this::export);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Access.require(req, Role.ADMIN);
        AuditFilter filter = filter(req);
        int limit = Params.integer(req, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        Json.ok(res, Page.of(audit.query(filter, limit + 1), limit, AuditEntry::id));
    }

    private void export(ServerRequest req, ServerResponse res) {
        Principal admin = Access.require(req, Role.ADMIN);
        AuditFilter filter = filter(req);
        String format = Params.text(req, "format").orElse("jsonl");
        if (!format.equals("jsonl") && !format.equals("csv")) {
            throw ApiException.badRequest("invalid_parameter", "format must be jsonl or csv");
        }
        // Audited before the first byte goes out: the export includes its own entry.
        audit.record(AuditEvent.of(RequestInfo.of(req), admin.name(), "audit.exported", AuditEvent.Outcome.SUCCESS)
                .detail("format", format).detail("query", req.query().rawValue()));
        String stamp = clock.instant().toString().replace(":", "");
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, format.equals("csv") ? "text/csv; charset=utf-8" : "application/x-ndjson");
        res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"hivemind-audit-" + stamp + "." + format + "\"");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        try (Writer out = new BufferedWriter(new OutputStreamWriter(res.outputStream(), StandardCharsets.UTF_8))) {
            if (format.equals("csv")) {
                out.write(AuditCsv.HEADER);
                audit.export(filter, EXPORT_BATCH, entry -> write(out, AuditCsv.row(entry)));
            } else {
                audit.export(filter, EXPORT_BATCH, entry -> write(out, jsonLine(entry)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("audit export interrupted", e);
        }
    }

    private static String jsonLine(AuditEntry entry) {
        try {
            return Json.MAPPER.writeValueAsString(entry) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit entry is not serializable", e);
        }
    }

    private static void write(Writer out, String text) {
        try {
            out.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AuditFilter filter(ServerRequest req) {
        return filter(req, Params::instant);
    }

    /** How a page or the API reads a time parameter: {@code (request, name)} to the instant, or a 400. */
    @FunctionalInterface
    interface TimeParam {
        Optional<Instant> read(ServerRequest req, String name);
    }

    /**
     * The filter of the list, the export and the audit page: the same parameters, except that
     * the page's times may come from a form's {@code datetime-local} fields.
     */
    static AuditFilter filter(ServerRequest req, TimeParam times) {
        Optional<String> outcome = Params.text(req, "outcome");
        if (outcome.isPresent() && !OUTCOMES.contains(outcome.get())) {
            throw ApiException.badRequest("invalid_parameter", "outcome must be success, failure or denied");
        }
        AuditFilter filter = new AuditFilter(Params.text(req, "actor"), Params.text(req, "action"),
                Params.text(req, "target"), outcome, clientIp(req), times.read(req, "from"), times.read(req, "to"),
                Params.id(req, "before"));
        if (filter.from().isPresent() && filter.to().isPresent() && !filter.from().get().isBefore(filter.to().get())) {
            throw ApiException.badRequest("invalid_parameter", "from must be before to");
        }
        return filter;
    }

    /** As the log stores it ({@code getHostAddress()}), so that {@code ::1} finds {@code 0:0:0:0:0:0:0:1}. */
    private static Optional<String> clientIp(ServerRequest req) {
        return Params.text(req, "clientIp").map(text -> {
            InetAddress address = IpAddresses.parseLiteral(text);
            if (address == null) {
                throw ApiException.badRequest("invalid_parameter", "clientIp must be an IPv4 or IPv6 address");
            }
            return address.getHostAddress();
        });
    }
}
