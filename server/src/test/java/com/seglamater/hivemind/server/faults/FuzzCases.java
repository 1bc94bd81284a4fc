package com.seglamater.hivemind.server.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.seglamater.hivemind.server.faults.DocumentedRoutes.Route;
import com.seglamater.hivemind.server.faults.FuzzRequest.Sender;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The requests of the fuzz, made from the documented routes, the pages, a well-formed body for
 * each route that takes one ({@link #TEMPLATES}) and a seeded {@link Random}: the same seed gives
 * the same requests in the same order. Each family of abuse is one method.
 */
final class FuzzCases {

    /** An account the admin routes act on ({@code {username}}); never the admin itself. */
    static final String TARGET = "fuzz-target";
    static final String PAGES_AND_HEALTH = "/ /sign-in /assets/hivemind.css /assets/sign-in.js /assets/sign-out.js /health";

    /**
     * A well-formed body for each documented route that takes one. None of them can take the admin's
     * session away: the sign-in is for an account that does not exist, the password change has a
     * wrong current password.
     */
    static final Map<String, String> TEMPLATES = Map.of(
            "POST /api/v1/session", "{\"username\":\"fuzz-nobody\",\"password\":\"not the password at all\"}",
            "PUT /api/v1/me/password", "{\"currentPassword\":\"not the current password\",\"newPassword\":\"a new password 2026\"}",
            "POST /api/v1/tokens", "{\"name\":\"fuzz\",\"expiresInDays\":30}",
            "POST /api/v1/users", "{\"username\":\"fuzz-new\",\"password\":\"correct horse battery staple\",\"role\":\"user\","
                    + "\"email\":\"fuzz@example.org\",\"displayName\":\"Fuzz\"}",
            "PATCH /api/v1/users/{username}", "{\"role\":\"user\",\"disabled\":false,\"email\":\"t@example.org\","
                    + "\"displayName\":\"Target\"}",
            "POST /api/v1/users/{username}/password", "{\"newPassword\":\"another password 2026\"}",
            "POST /api/v1/updates/commands", "{\"kind\":\"apply\",\"version\":\"1.2.3\"}");

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int KIB = 1024;
    private static final int MIB = 1024 * KIB;
    private static final String MARK = "FUZZ-MARK";
    /** What a byte of a body is changed to: JSON's structure, a digit, a letter, NUL. */
    private static final String FLIPS = "{}[]\",:\\ 0a\u0000";

    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
            "TRACE", "CONNECT", "PROPFIND", "get", "M-SEARCH", "G(T", "X".repeat(64));

    private static final List<String> MALFORMED = List.of("", " ", "{", "}", "[", "{\"a\":}", "{\"a\" 1}", "{\"a\":1,}",
            "{'a':1}", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-}", "{\"a\":1}{\"b\":2}", "{\"a\":1} x",
            "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"unterminated", "{\"a\":1e999999999}", "/* c */ {}", "{} // c",
            "null", "true", "\"text\"", "123", "[]", "[{}]", "{,}", "{\"\":1}", "{\"a\":tru}", "{\"a\":[1,]}", "\u0000{}",
            "{\"a\":1}\u0000");

    /** Values of the wrong type, or of the right type and out of every range, as JSON. */
    private static final List<String> WRONG_VALUES = List.of("0", "-1", "1.5", "-0", "1e308", "-1e308", "1e400",
            "9223372036854775808", "-9223372036854775809", "123456789012345678901234567890", "1e999999999",
            "-1e-999999999", "true", "false", "null",
            "\"\"", "\" \"", "[]", "{}", "[1,2]", "[\"a\"]", "{\"$ne\":null}", "\"" + "x".repeat(5_000) + "\"",
            "\"<script>alert(1)</script>\"", "\"' OR 1=1 --\"", "\"../../etc/passwd\"", "\"\\\\\"", "\"%00\"");

    /** Strings a careless server mangles, as JSON escapes. */
    private static final List<String> ESCAPED = List.of("\\u0000", "a\\u0000b", "\\uD800", "\\uDC00x", "x\\uDBFF",
            "\\uDBFF\\uDFFF", "\\u202Eevil", "\\u2066a\\u2069", "\\u200B", "\\uFEFF", "\\uFFFF", "\\uFFFE", "e\\u0301",
            "\\u0008\\u001F", "\\t\\n\\r", "\\u0085\\u2028\\u2029");

    /** Of those, what is never stored: a NUL (PostgreSQL cannot), an unpaired surrogate (no character). */
    private static final java.util.Set<String> NEVER_STORED = java.util.Set.of("\\u0000", "a\\u0000b", "\\uD800",
            "\\uDC00x", "x\\uDBFF");

    /** The same, and what is not UTF-8 at all, as raw bytes inside a JSON string. */
    private static final List<byte[]> RAW = List.of(bytes(0x00), bytes(0x1F), bytes(0x7F), bytes(0xE2, 0x80, 0xAE),
            bytes(0xE2, 0x81, 0xA6), bytes(0xEF, 0xBB, 0xBF), bytes(0xF0, 0x9F, 0x90, 0x9D), bytes(0xC0, 0xAF),
            bytes(0xC1, 0xBF), bytes(0xE0, 0x80, 0xAF), bytes(0xF0, 0x80, 0x80, 0xAF), bytes(0xED, 0xA0, 0x80),
            bytes(0xED, 0xBF, 0xBF), bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xFF), bytes(0xFE), bytes(0x80),
            bytes(0xE2, 0x82), bytes(0xC3), bytes(0xF8, 0x88, 0x80, 0x80, 0x80));

    private final Random random;
    private final List<Route> routes;
    private final List<FuzzRequest> cases = new ArrayList<>();

    FuzzCases(long seed, List<Route> routes) {
        this.random = new Random(seed);
        this.routes = routes;
    }

    List<FuzzRequest> all() {
        methods();
        bodies();
        unicode();
        nesting();
        sizes();
        headers();
        paths();
        queries();
        pathParameters();
        soup();
        return cases;
    }

    // ---- families ----

    /** Every path with every method, and methods that are no method. */
    private void methods() {
        for (String target : targets()) {
            for (String method : METHODS) {
                FuzzRequest r = add("methods", method).method(method).target(target).as(Sender.ADMIN);
                if (List.of("POST", "PUT", "PATCH").contains(method)) {
                    r.json(template(target, method).orElse("{}"));
                }
            }
        }
    }

    /** Malformed JSON, each field of the wrong type or missing, unknown, duplicate and odd field names. */
    private void bodies() {
        for (Route route : bodyRoutes()) {
            String template = TEMPLATES.get(route.key());
            for (String body : MALFORMED) {
                body(route, "malformed " + shown(body)).json(body).refusedIfRead(null);
            }
            for (int i = 0; i < 5; i++) {
                int cut = random.nextInt(template.length());
                body(route, "cut at " + cut).json(template.substring(0, cut));
                byte[] flipped = template.getBytes(StandardCharsets.UTF_8);
                int at = random.nextInt(flipped.length);
                flipped[at] = (byte) FLIPS.charAt(random.nextInt(FLIPS.length()));
                body(route, "byte " + at + " changed").body(flipped);
            }
            for (String field : fields(template)) {
                for (String value : WRONG_VALUES) {
                    body(route, field + " = " + shown(value)).json(with(template, field, value));
                }
                ObjectNode without = object(template);
                without.remove(field);
                body(route, "without " + field).json(without.toString());
                body(route, "duplicate " + field).json(template.replaceFirst("\\{", "{\"" + field + "\":\"x\","));
                String upper = Character.toUpperCase(field.charAt(0)) + field.substring(1);
                body(route, "field " + upper).json(template.replace("\"" + field + "\"", "\"" + upper + "\""));
            }
            for (String name : List.of("admin", "", "a\\u0000b", "\\uD800", "__proto__", "constructor")) {
                body(route, "extra field '" + name + "'").json(template.replaceFirst("\\{", "{\"" + name + "\":true,"));
            }
        }
    }

    /** Odd Unicode in a random string field of each body: escapes, and raw bytes that are not (valid) UTF-8. */
    private void unicode() {
        for (Route route : bodyRoutes()) {
            String template = TEMPLATES.get(route.key());
            List<String> strings = stringFields(template);
            for (String escaped : ESCAPED) {
                String field = strings.get(random.nextInt(strings.size()));
                FuzzRequest r = body(route, field + " = \"" + escaped + "\"").json(with(template, field, "\"" + escaped + "\""));
                if (NEVER_STORED.contains(escaped)) {
                    r.refusedIfRead(null); // an unpaired surrogate or a NUL is never stored
                }
            }
            for (byte[] raw : RAW) {
                String field = strings.get(random.nextInt(strings.size()));
                FuzzRequest r = body(route, field + " with raw bytes " + hex(raw)).body(withRaw(template, field, raw));
                if (!wellFormedUtf8(raw) || raw[0] >= 0 && raw[0] < 0x20) {
                    // Not UTF-8 (RFC 3629 §3), or a control character JSON does not allow in a string.
                    r.refusedIfRead("invalid_json");
                }
            }
            body(route, "byte order mark").body(concat(bytes(0xEF, 0xBB, 0xBF), template.getBytes(StandardCharsets.UTF_8)));
            body(route, "UTF-16").body(template.getBytes(StandardCharsets.UTF_16LE)).refusedIfRead("invalid_json");
            body(route, "Latin-1 é as UTF-8").body(with(template, strings.getFirst(), "\"caf\u00e9\"")
                    .getBytes(StandardCharsets.ISO_8859_1)).refusedIfRead("invalid_json");
        }
    }

    /** Nesting far deeper than any body has: 10 000 levels, balanced or not, at the top or in a field. */
    private void nesting() {
        for (Route route : bodyRoutes()) {
            String template = TEMPLATES.get(route.key());
            body(route, "10 000 nested arrays").json("[".repeat(10_000) + "]".repeat(10_000)).refusedIfRead("invalid_json");
            body(route, "10 000 nested objects").json("{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000))
                    .refusedIfRead("invalid_json");
            body(route, "20 000 unclosed arrays").json("[".repeat(20_000)).refusedIfRead("invalid_json");
            String field = fields(template).getFirst();
            body(route, field + " nested 10 000 deep").json(with(template, field, "[".repeat(10_000) + "]".repeat(10_000)))
                    .refusedIfRead("invalid_json");
            body(route, field + " nested 999 deep").json(with(template, field, "[".repeat(999) + "]".repeat(999)))
                    .refusedIfRead(null);
        }
    }

    /** Bodies around the API's 64 KiB and the server's 4 MiB, declared lengths beyond any, a chunked flood. */
    private void sizes() {
        List<FuzzRequest> shapes = List.of(
                new FuzzRequest("sizes", "").method("POST").target("/api/v1/session"),
                new FuzzRequest("sizes", "").method("POST").target("/api/v1/users").as(Sender.ADMIN),
                new FuzzRequest("sizes", "").method("GET").target("/api/v1/me").as(Sender.ADMIN),
                new FuzzRequest("sizes", "").method("GET").target("/"));
        for (FuzzRequest shape : shapes) {
            for (int size : List.of(64 * KIB, 64 * KIB + 1, MIB, 4 * MIB - KIB, 4 * MIB, 4 * MIB + 1)) {
                like(shape, size + " bytes").body(padded(size));
            }
            like(shape, "5 GiB declared").body(padded(100)).contentLength(Long.toString(5L << 30)).halfClose();
            like(shape, "Content-Length past a long").body(padded(100)).contentLength("99999999999999999999999");
            like(shape, "chunked past 4 MiB").body(chunks(65, 64 * KIB)).contentLength(null)
                    .line("Transfer-Encoding: chunked");
            like(shape, "one chunk of 2^64-1").body("FFFFFFFFFFFFFFFF\r\n".getBytes(StandardCharsets.ISO_8859_1))
                    .contentLength(null).line("Transfer-Encoding: chunked").halfClose();
        }
    }

    /** Header abuse, each on three random paths, by a random sender. */
    private void headers() {
        Map<String, Consumer<FuzzRequest>> abuse = new java.util.LinkedHashMap<>();
        abuse.put("a 15 KiB header", r -> r.line("X-Big: " + "a".repeat(15 * KIB)));
        abuse.put("a 17 KiB header", r -> r.line("X-Big: " + "a".repeat(17 * KIB)));
        abuse.put("1000 headers", r -> repeat(r, 1000, i -> "X-H" + i + ": v"));
        abuse.put("a 9 KiB header name", r -> r.line("X-" + "n".repeat(9 * KIB) + ": v"));
        abuse.put("two Content-Types", r -> r.line("Content-Type: text/plain"));
        abuse.put("two equal Content-Lengths", r -> r.line("Content-Length: " + length(r)));
        abuse.put("two different Content-Lengths", r -> r.line("Content-Length: " + (length(r) + 5)));
        abuse.put("Content-Length and chunked", r -> r.line("Transfer-Encoding: chunked"));
        abuse.put("two Hosts", r -> r.line("Host: evil.example"));
        abuse.put("two Cookies", r -> r.line("Cookie: hivemind_session=hms_forged"));
        abuse.put("two CSRF tokens", r -> r.line("X-CSRF-Token: forged"));
        abuse.put("two Authorizations", r -> r.line("Authorization: Bearer a").line("Authorization: Bearer b"));
        abuse.put("two Origins", r -> r.line("Origin: http://127.0.0.1").line("Origin: http://evil.example"));
        abuse.put("a line without a colon", r -> r.line("NoColonHere"));
        abuse.put("a space before the colon", r -> r.line("X-Space : v"));
        abuse.put("a folded line", r -> r.line("X-Folded: a").line(" continued"));
        abuse.put("an empty name", r -> r.line(": v"));
        abuse.put("a name with separators", r -> r.line("X(y)@z: v"));
        abuse.put("a name in Latin-1", r -> r.line("X-Caf\u00e9: v"));
        abuse.put("a NUL in a value", r -> r.line("X-Nul: a\u0000b"));
        abuse.put("a lone CR in a value", r -> r.line("X-Cr: a\rb"));
        abuse.put("control bytes in a value", r -> r.line("X-Ctl: \u0001\u0002\u001b[31m"));
        abuse.put("UTF-8 in a value", r -> r.line("X-Utf8: " + latin1("Zoë \u202E \uD83D\uDC1D")));
        abuse.put("overlong UTF-8 in a value", r -> r.line("X-Overlong: \u00c0\u00af\u00e0\u0080\u00af"));
        abuse.put("bare LF line ends", r -> r.line("X-A: 1\nX-B: 2"));
        for (String type : List.of("application/json; charset=latin1", "application/json; charset=utf-16",
                "application/jsonx", "*/*", "", ";;;", "application/json; boundary=\"open", "APPLICATION/JSON",
                "application/json;charset=\"utf-8\"", "text/plain", "multipart/form-data; boundary=x",
                "application/json\u0000", "application/" + "j".repeat(3000))) {
            abuse.put("Content-Type '" + shown(type) + "'", r -> r.contentType(type));
        }
        for (String length : List.of("-1", "abc", "1 2", "+5", "0x10", latin1("\u0661\u0662"), "", "00000000000000000000001",
                "9223372036854775808")) {
            abuse.put("Content-Length '" + length + "'", r -> r.contentLength(length));
        }
        abuse.put("a body shorter than its Content-Length", r -> r.contentLength(Integer.toString(length(r) + 100)).halfClose());
        abuse.put("a body longer than its Content-Length", r -> r.contentLength(Integer.toString(Math.max(0, length(r) - 3))));
        for (String coding : List.of("gzip", "chunked, chunked", "identity", "xchunked", " chunked", "CHUNKED",
                "chunked;q=1", "")) {
            abuse.put("Transfer-Encoding '" + coding + "'", r -> r.contentLength(null).line("Transfer-Encoding: " + coding)
                    .body(chunked(r.body)));
        }
        abuse.put("a malformed chunk size", r -> r.contentLength(null).line("Transfer-Encoding: chunked")
                .body("zz\r\n{}\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        abuse.put("a negative chunk size", r -> r.contentLength(null).line("Transfer-Encoding: chunked")
                .body("-1\r\n{}\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        abuse.put("no last chunk", r -> r.contentLength(null).line("Transfer-Encoding: chunked")
                .body("2\r\n{}\r\n".getBytes(StandardCharsets.ISO_8859_1)).halfClose());
        for (String host : List.of("evil.example", "127.0.0.1:99999", "[::1", "host with space", "a".repeat(5_000),
                "localhost:abc", "@evil.example", "127.0.0.1:0", "127.0.0.1\u0000.evil.example", "")) {
            abuse.put("Host '" + shown(host) + "'", r -> r.host(host));
        }
        abuse.put("no Host", r -> r.host(null));
        for (String accept : List.of("text/html", "application/xml", "*/*;q=abc", "application/json;q=0", "\u00ff")) {
            abuse.put("Accept '" + accept + "'", r -> r.line("Accept: " + accept));
        }
        for (String cookie : List.of("hivemind_session", "=;=;=", "hivemind_session=" + "x".repeat(8_000),
                "hivemind_session=\u00e9\u00ff", "hivemind_session=hms_a; hivemind_session=hms_b", "\u0000")) {
            abuse.put("Cookie '" + shown(cookie) + "'", r -> r.line("Cookie: " + cookie));
        }
        for (String authorization : List.of("Bearer", "Bearer ", "Bearer " + "x".repeat(10_000), "Basic !!!",
                "Bearer hmt_\u00ff\u0000", "Bearer hmt_" + "0".repeat(64), "Negotiate abc", "bearer hmt_x")) {
            abuse.put("Authorization '" + shown(authorization) + "'", r -> r.line("Authorization: " + authorization));
        }
        for (String forwarded : List.of("not-an-ip", "1.2.3.4, , ,", "999.1.1.1", "1.1.1.1, ".repeat(500), "[::1]:80",
                "unknown", "::ffff:10.0.0.1", "fe80::1%eth0", "\u00ff")) {
            abuse.put("X-Forwarded-For '" + shown(forwarded) + "'", r -> r.line("X-Forwarded-For: " + forwarded));
        }
        abuse.put("X-Real-IP garbage", r -> r.line("X-Real-IP: ::::"));
        abuse.put("X-Forwarded-Proto 'https, http'", r -> r.line("X-Forwarded-Proto: https, http"));
        abuse.put("X-Forwarded-Proto 'javascript'", r -> r.line("X-Forwarded-Proto: javascript"));
        for (String origin : List.of("null", "http://", "http://[", "http://127.0.0.1:" + "9".repeat(30),
                "http://" + "a".repeat(3_000), "file://", "\u00ff")) {
            abuse.put("Origin '" + shown(origin) + "'", r -> r.line("Origin: " + origin));
        }
        abuse.put("Sec-Fetch-Site garbage", r -> r.line("Sec-Fetch-Site: \u00ff\u0000"));
        abuse.put("X-CSRF-Token 5000 bytes", r -> r.line("X-CSRF-Token: " + "t".repeat(5_000)));
        abuse.put("Expect: 100-continue", r -> r.line("Expect: 100-continue"));
        abuse.put("Expect garbage", r -> r.line("Expect: fly"));
        abuse.put("Upgrade: h2c", r -> r.line("Connection: Upgrade, HTTP2-Settings").line("Upgrade: h2c")
                .line("HTTP2-Settings: AAMAAABkAAQAAP__"));
        abuse.put("Upgrade: websocket", r -> r.line("Connection: Upgrade").line("Upgrade: websocket")
                .line("Sec-WebSocket-Key: x").line("Sec-WebSocket-Version: 13"));
        abuse.put("Connection garbage", r -> r.line("Connection: \u00ff, , keep-alive, close"));
        abuse.put("Range garbage", r -> r.line("Range: bytes=9-1,-,abc"));
        abuse.put("If-None-Match garbage", r -> r.line("If-None-Match: \"unterminated"));
        abuse.put("HTTP/1.0", r -> r.version("HTTP/1.0"));
        abuse.put("HTTP/2.0", r -> r.version("HTTP/2.0"));
        abuse.put("HTTP/9.9", r -> r.version("HTTP/9.9"));
        abuse.put("no version", r -> r.version(""));
        abuse.put("http/1.1", r -> r.version("http/1.1"));
        List<String> targets = targets();
        for (Map.Entry<String, Consumer<FuzzRequest>> entry : abuse.entrySet()) {
            for (int i = 0; i < 3; i++) {
                String target = targets.get(random.nextInt(targets.size()));
                String method = methodOf(target);
                FuzzRequest r = add("headers", entry.getKey()).method(method).target(target)
                        .as(random.nextBoolean() ? Sender.ADMIN : Sender.ANONYMOUS);
                template(target, method).ifPresent(r::json);
                if (r.body == null) {
                    r.json("{}");
                }
                entry.getValue().accept(r);
            }
        }
    }

    /** Request targets that are malformed, strange or long. */
    private void paths() {
        List<String> targets = new ArrayList<>(List.of("/api/v1/users/%", "/api/v1/users/%zz", "/api/v1/users/%4",
                "/api/v1/%%", "/api/v1/me%00", "/api/v1/users/%C0%AF", "/api/v1/users/%ED%A0%80", "/api/v1/users/%FF",
                "/api/v1/users/a%2Fb", "/api/v1/%2e%2e/%2e%2e/etc/passwd", "/api/v1/../../etc/passwd",
                "/assets/..%2F..%2Fpom.xml", "/assets/%2e%2e/%2e%2e/pom.xml", "/assets/../../pom.xml", "/assets/",
                "/assets/.hidden", "/assets/%00", "/assets/" + "a".repeat(2_000), "//api//v1//me", "/api/v1/me/",
                "/api/v1/me;jsessionid=x", "/api/v1/me#frag", "/API/V1/ME", "/%61pi/v1/me", "/api/v1/m%65",
                "http://127.0.0.1/api/v1/me", "http://evil.example/api/v1/me", "*", "?", "", "api/v1/me",
                "/api/v1/me?", "/api/v1/me?%", "/api/v1/me?a=%zz", "/api/v1/me?%00=%00", "/\u00e9", "/api/v1/\u0000",
                "/api/v1/\tme", "/api/v1/me\\..\\..", "/api/v1/users/\u00c3\u00a9", "/api/v1/users/" + "%41".repeat(1_000),
                "/" + "a/".repeat(1_500), "/api/v1/" + "x".repeat(4_000), "/api/v1/" + "x".repeat(5_000),
                "/api/v1/me?" + "a=b&".repeat(900), "/sign-in/../../../", "/health/", "/health?x=%zz", "/health/%2e%2e",
                "/.env", "/WEB-INF/web.xml", "/api/v1/users/fuzz-target/password/extra"));
        for (String target : targets) {
            add("paths", "GET").method("GET").target(target).as(Sender.ADMIN);
            add("paths", "POST").method("POST").target(target).as(Sender.ANONYMOUS).json("{}");
        }
    }

    /** Each documented query parameter with values out of its range and of no type; repeated, many, unknown ones. */
    private void queries() {
        List<String> values = List.of("-1", "0", "201", "501", "1000000000", "99999999999999999999", "abc", "", "1.5",
                "0x10", "%00", "%zz", "%ED%A0%80", "%E2%80%AE", "*", "%25", "_", "%5C", "x".repeat(3_000),
                "2026-13-45T99:99:99Z", "yesterday", "1970-01-01T00:00:00Z", "+1", "1e3", "null", "true", "a%20b",
                "%2Fetc%2Fpasswd");
        for (Route route : routes) {
            if (route.query().isEmpty()) {
                continue;
            }
            String path = resolve(route.path());
            for (String param : route.query()) {
                for (String value : values) {
                    add("queries", param + "=" + shown(value)).method(route.method()).target(path + "?" + param + "=" + value)
                            .as(Sender.ADMIN);
                }
                add("queries", param + " twice").method(route.method()).target(path + "?" + param + "=1&" + param + "=2")
                        .as(Sender.ADMIN);
                add("queries", param + " without a value").method(route.method()).target(path + "?" + param)
                        .as(Sender.ADMIN);
            }
            add("queries", "every parameter odd").method(route.method())
                    .target(path + "?" + String.join("&", route.query().stream().map(p -> p + "=%zz").toList()))
                    .as(Sender.ADMIN);
            add("queries", "800 parameters").method(route.method()).target(path + "?" + "p=1&".repeat(800))
                    .as(Sender.ADMIN);
            add("queries", "unknown parameter").method(route.method()).target(path + "?nosuch=1").as(Sender.ADMIN);
            add("queries", "&&&=").method(route.method()).target(path + "?&&&=&=x").as(Sender.ADMIN);
        }
    }

    /** {@code {id}} and {@code {username}} given what no id or name is. */
    private void pathParameters() {
        List<String> ids = List.of("-1", "0", "9223372036854775807", "9223372036854775808", "abc", "1.0", "1e3", "%00",
                "%201", "+1", "0x1", "1".repeat(400), "%E2%80%AE1", "1%2F2");
        List<String> names = List.of("", ".", "..", "%2e%2e", "a".repeat(65), "FUZZ-TARGET", "%00", "%F0%9F%90%9D",
                "fuzz-target%2F..%2F..", "fuzz-target%0D%0AX-Injected:%20yes", "%E2%80%AEtegrat-zzuf", "api-key",
                "-leading", "a%20b", "%u0041");
        for (Route route : routes) {
            List<String> values = route.path().contains("{id}") ? ids : route.path().contains("{username}") ? names : List.of();
            for (String value : values) {
                String target = route.path().replace("{id}", value).replace("{username}", value);
                FuzzRequest r = add("path parameters", shown(value)).method(route.method()).target(target).as(Sender.ADMIN);
                if (route.takesBody()) {
                    r.json(TEMPLATES.get(route.key()));
                }
            }
        }
    }

    /** Bytes that are barely, or not at all, a request: the HTTP parser's turn. */
    private void soup() {
        for (int i = 0; i < 40; i++) {
            byte[] noise = new byte[1 + random.nextInt(300)];
            random.nextBytes(noise);
            String target = targets().get(random.nextInt(targets().size()));
            switch (i % 4) {
                // A request line of noise, then nothing: the server reads to the end of the stream.
                case 0 -> add("soup", "noise as the request").method(latin1(noise)).target("").version("").host(null)
                        .halfClose();
                case 1 -> add("soup", "noise as a header").method("GET").target(target).line(latin1(noise).replace("\r\n", ""));
                case 2 -> add("soup", "noise as the body").method("POST").target(target).as(Sender.ADMIN).body(noise);
                default -> add("soup", "noise in the target").method("GET")
                        .target("/api/v1/" + latin1(noise).replaceAll("[\\s]", ""));
            }
        }
    }

    // ---- helpers ----

    private FuzzRequest add(String category, String label) {
        FuzzRequest request = new FuzzRequest(category, label);
        cases.add(request);
        return request;
    }

    private FuzzRequest body(Route route, String label) {
        String method = route.method();
        Sender sender = random.nextInt(4) == 0 ? Sender.ANONYMOUS : Sender.ADMIN;
        return add("bodies", label).method(method).target(resolve(route.path())).as(sender);
    }

    private FuzzRequest like(FuzzRequest shape, String label) {
        return add(shape.category, label).method(shape.method).target(shape.target).as(shape.sender);
    }

    private List<Route> bodyRoutes() {
        return routes.stream().filter(Route::takesBody).toList();
    }

    /** Every documented route's path (parameters filled in) and every page. */
    private List<String> targets() {
        List<String> targets = new ArrayList<>(routes.stream().map(r -> resolve(r.path())).distinct().toList());
        targets.addAll(List.of(PAGES_AND_HEALTH.split(" ")));
        return targets;
    }

    private String methodOf(String target) {
        List<String> methods = routes.stream().filter(r -> resolve(r.path()).equals(target)).map(Route::method).toList();
        return methods.isEmpty() ? "GET" : methods.get(random.nextInt(methods.size()));
    }

    private java.util.Optional<String> template(String target, String method) {
        return routes.stream().filter(r -> r.method().equals(method) && resolve(r.path()).equals(target))
                .map(r -> TEMPLATES.get(r.key())).filter(java.util.Objects::nonNull).findFirst();
    }

    static String resolve(String path) {
        return path.replace("{id}", "1").replace("{username}", TARGET);
    }

    private static ObjectNode object(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> fields(String template) {
        List<String> names = new ArrayList<>();
        object(template).fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> stringFields(String template) {
        List<String> names = new ArrayList<>();
        for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = object(template).fields(); it.hasNext(); ) {
            Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> field = it.next();
            if (field.getValue().isTextual()) {
                names.add(field.getKey());
            }
        }
        return names;
    }

    /** {@code template} with {@code field}'s value replaced by the JSON text {@code value}, as it is. */
    private static String with(String template, String field, String value) {
        ObjectNode node = object(template);
        node.put(field, MARK);
        return node.toString().replace("\"" + MARK + "\"", value);
    }

    /** {@code template} with {@code raw} bytes inside {@code field}'s string. */
    private static byte[] withRaw(String template, String field, byte[] raw) {
        ObjectNode node = object(template);
        node.put(field, "a" + MARK + "b");
        String[] parts = node.toString().split(MARK, 2);
        return concat(parts[0].getBytes(StandardCharsets.UTF_8), raw, parts[1].getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON object of exactly {@code size} bytes: a sign-in padded with spaces. */
    private static byte[] padded(int size) {
        String json = "{\"username\":\"fuzz-nobody\",\"password\":\"x\"}";
        return (json + " ".repeat(Math.max(0, size - json.length()))).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] chunks(int count, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = " ".repeat(size).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < count; i++) {
            out.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(chunk);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static byte[] chunked(byte[] body) {
        byte[] data = body == null ? new byte[0] : body;
        return concat((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII), data,
                "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static int length(FuzzRequest r) {
        return r.body == null ? 0 : r.body.length;
    }

    private static void repeat(FuzzRequest r, int times, java.util.function.IntFunction<String> line) {
        for (int i = 0; i < times; i++) {
            r.line(line.apply(i));
        }
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** UTF-8 bytes of {@code text} as one char per byte, for header lines. */
    private static String latin1(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static boolean wellFormedUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.ofDelimiter(" ").formatHex(bytes);
    }

    private static String shown(String text) {
        String oneLine = text.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0");
        return oneLine.length() > 40 ? oneLine.substring(0, 40) + "…(" + text.length() + ")" : oneLine;
    }
}
