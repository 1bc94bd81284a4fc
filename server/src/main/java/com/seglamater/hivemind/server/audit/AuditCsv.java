package com.seglamater.hivemind.server.audit;

/**
 * Audit entries as CSV (RFC 4180: comma-separated, CRLF line ends, fields with commas,
 * quotes or line breaks quoted, quotes doubled). A field that a spreadsheet would run as a
 * formula ({@code = + - @}, tab or CR first) gets a leading apostrophe (OWASP "CSV
 * Injection"): usernames and user agents come from outside.
 */
public final class AuditCsv {

    public static final String HEADER = "id,at,actor,action,outcome,client_ip,user_agent,target,details\r\n";

    private AuditCsv() {
    }

    public static String row(AuditEntry e) {
        return String.join(",", Long.toString(e.id()), e.at().toString(), field(e.actor()), field(e.action()),
                field(e.outcome()), field(e.clientIp().orElse("")), field(e.userAgent().orElse("")),
                field(e.target().orElse("")), field(e.details().toString())) + "\r\n";
    }

    public static String field(String value) {
        String safe = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return "\"" + safe.replace("\"", "\"\"") + "\"";
        }
        return safe;
    }
}
