package com.seglamater.hivemind.server.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy configuration in docs/sso.md is valid for the real Caddy and nginx, and every snippet
 * keeps a client from supplying identity headers: the header names Hivemind reads (from
 * {@link Preset}, so the docs cannot drift from the code) are removed before the auth service's
 * answer sets them (Caddy) or are set from that answer, replacing the client's (nginx).
 */
class SsoDocsSnippetsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PUBLIC_HOST = "hivemind.example.org";
    private static final String HIVEMIND = "127.0.0.1:8585";

    // ---- Caddy ----

    @Test
    void everyCaddyfileInTheDocsPassesCaddyValidate(@TempDir Path dir) throws Exception {
        Path caddy = Programs.require("caddy", "caddy");
        List<SsoDoc.Block> blocks = withShipped("caddyfile");
        assertThat(blocks).extracting(SsoDoc.Block::heading)
                .contains("Authentik (Caddy)", "oauth2-proxy (Caddy)", "Authelia (Caddy)", "Pomerium (Caddy)", "plain (Caddy)");
        for (SsoDoc.Block block : blocks) {
            Path file = Files.createTempFile(dir, "Caddyfile-", "");
            Files.writeString(file, block.text());
            // Verbatim: validate resolves no upstream and obtains no certificate.
            Programs.Result result = Programs.run(dir, Programs.caddyEnvironment(dir),
                    List.of(caddy.toString(), "validate", "--adapter", "caddyfile", "--config", file.toString()));
            assertThat(result.exitCode()).as(block + ": " + result.output()).isZero();
            assertThat(result.output()).as(block.toString()).contains("Valid configuration");
        }
    }

    @Test
    void everyCaddyfileRemovesTheClientsIdentityHeadersBeforeAnyAreSet(@TempDir Path dir) throws Exception {
        Path caddy = Programs.require("caddy", "caddy");
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (SsoDoc.Block block : forwardAuth(withShipped("caddyfile"))) {
            Preset preset = presetOf(block);
            List<Step> chain = chain(adapt(caddy, dir, block.text()));
            List<String> found = new ArrayList<>(problems(chain, preset));
            if (preset != Preset.POMERIUM && chain.stream().noneMatch(s -> s.kind() == Kind.FORWARD_AUTH)) {
                found.add("no forward_auth");
            }
            if (!found.isEmpty()) {
                problems.put(block + " handles " + chain, found);
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * Why the docs wrap the Caddyfiles in {@code route}: without it Caddy orders the directives
     * itself and the removal runs after forward_auth, deleting the identity it just copied. The
     * check above must see that.
     */
    @Test
    void aRemovalOutsideRouteRunsAfterForwardAuthAndTheCheckSaysSo(@TempDir Path dir) throws Exception {
        Path caddy = Programs.require("caddy", "caddy");
        String unordered = PUBLIC_HOST + " {\n"
                + "\trequest_header -X-Authentik-*\n"
                + "\tforward_auth http://authentik-outpost:9000 {\n"
                + "\t\turi /outpost.goauthentik.io/auth/caddy\n"
                + "\t\tcopy_headers X-Authentik-Username X-Authentik-Email X-Authentik-Groups X-Authentik-Name\n"
                + "\t}\n"
                + "\treverse_proxy " + HIVEMIND + "\n"
                + "}\n";
        List<Step> chain = chain(adapt(caddy, dir, unordered));
        assertThat(chain).extracting(Step::kind).containsExactly(Kind.FORWARD_AUTH, Kind.DELETE, Kind.PASS_ON);
        assertThat(problems(chain, Preset.AUTHENTIK)).isNotEmpty();
    }

    /** The docs' blocks of {@code language} and the shipped files in compose/proxy. */
    private static List<SsoDoc.Block> withShipped(String language) {
        List<SsoDoc.Block> all = new ArrayList<>(SsoDoc.blocks(language));
        all.addAll(SsoDoc.shipped(language));
        return all;
    }

    /** Those of {@code blocks} that configure forward auth (the shipped plain files do not). */
    private static List<SsoDoc.Block> forwardAuth(List<SsoDoc.Block> blocks) {
        return blocks.stream().filter(b -> !b.heading().startsWith("plain ")).toList();
    }

    @Test
    void theShippedProxiesHoldRequestsWhileTheServerRestartsAndPassTheHostOn() {
        // Caddy sends nothing while /health is not 200 (from the drain on) and holds every request,
        // writes too, while the updater restarts the server: an update is a pause, not a 502 or 503.
        for (SsoDoc.Block block : withShipped("caddyfile")) {
            if (block.text().contains("reverse_proxy " + HIVEMIND + " {")) {
                assertThat(block.text()).as(block.toString()).contains("health_uri /health").contains("health_interval 250ms")
                        .contains("lb_try_duration 30s").contains("method GET HEAD POST PUT PATCH DELETE");
            }
        }
        for (SsoDoc.Block block : SsoDoc.shipped("caddyfile")) {
            assertThat(block.text()).as(block.toString()).contains("reverse_proxy " + HIVEMIND + " {");
        }
        for (SsoDoc.Block block : SsoDoc.shipped("nginx")) {
            assertThat(locationProxyingToHivemind(block)).as(block + " passes the browser's Host on (CSRF check)")
                    .contains("proxy_set_header Host $host;").contains("X-Forwarded-Proto $scheme");
        }
    }

    private static Preset presetOf(SsoDoc.Block block) {
        String name = block.heading().replaceFirst(" \\((Caddy|nginx)\\)$", "").toLowerCase(Locale.ROOT);
        return Preset.parse(name).orElseThrow(() -> new AssertionError(block + ": heading names no preset"));
    }

    private static Set<String> identityHeaders(Preset preset) {
        Set<String> headers = new LinkedHashSet<>(List.of(preset.userHeader(), preset.emailHeader(), preset.groupsHeader()));
        preset.nameHeader().ifPresent(headers::add);
        return headers;
    }

    private static JsonNode adapt(Path caddy, Path dir, String caddyfile) throws Exception {
        Path file = Files.createTempFile(dir, "Caddyfile-", "");
        Files.writeString(file, caddyfile);
        Programs.Result result = Programs.run(dir, Programs.caddyEnvironment(dir), List.of(caddy.toString(), "adapt",
                "--adapter", "caddyfile", "--config", file.toString()));
        assertThat(result.exitCode()).as(result.output()).isZero();
        // The JSON is the output's first line that is an object; warnings, if any, are log lines around it.
        String adapted = result.output().lines().filter(l -> l.startsWith("{\"apps\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no adapted config in: " + result.output()));
        return JSON.readTree(adapted);
    }

    enum Kind { DELETE, FORWARD_AUTH, PASS_ON }

    /** One handler on the way to the backend: headers deleted, headers copied from forward_auth, or the proxying. */
    record Step(Kind kind, Set<String> headers) {
    }

    /** The handlers that run, in order, for a request to the public host (outside any path matcher). */
    private static List<Step> chain(JsonNode config) {
        List<Step> steps = new ArrayList<>();
        for (JsonNode server : config.path("apps").path("http").path("servers")) {
            for (JsonNode route : server.path("routes")) {
                if (route.path("match").toString().contains("\"" + PUBLIC_HOST + "\"")) {
                    walk(route, steps);
                }
            }
        }
        return steps;
    }

    private static void walk(JsonNode route, List<Step> steps) {
        if (route.path("match").toString().contains("\"path\"")) {
            return; // only for some paths, such as the auth service's own
        }
        for (JsonNode handler : route.path("handle")) {
            switch (handler.path("handler").asText()) {
                case "subroute" -> handler.path("routes").forEach(r -> walk(r, steps));
                case "headers" -> {
                    Set<String> deleted = new LinkedHashSet<>();
                    handler.path("request").path("delete").forEach(n -> deleted.add(n.asText()));
                    if (!deleted.isEmpty()) {
                        steps.add(new Step(Kind.DELETE, deleted));
                    }
                }
                case "reverse_proxy" -> {
                    if (handler.has("rewrite") && handler.has("handle_response")) {
                        Set<String> copied = new LinkedHashSet<>();
                        handler.path("handle_response").findValues("set").forEach(set -> set.fieldNames().forEachRemaining(copied::add));
                        steps.add(new Step(Kind.FORWARD_AUTH, copied));
                    } else {
                        steps.add(new Step(Kind.PASS_ON, Set.of()));
                    }
                }
                default -> { }
            }
        }
    }

    /** What lets a client's own identity header through, or the proxy's copy get lost; empty when none. */
    private static List<String> problems(List<Step> chain, Preset preset) {
        List<String> problems = new ArrayList<>();
        int forwardAuth = indexOf(chain, Kind.FORWARD_AUTH);
        int passOn = indexOf(chain, Kind.PASS_ON);
        if (passOn < 0) {
            problems.add("nothing passes requests on");
            return problems;
        }
        int setBy = forwardAuth >= 0 ? forwardAuth : passOn;
        for (String header : identityHeaders(preset)) {
            int removed = -1;
            for (int i = 0; i < chain.size() && removed < 0; i++) {
                if (chain.get(i).kind() == Kind.DELETE && chain.get(i).headers().stream().anyMatch(p -> matches(p, header))) {
                    removed = i;
                }
            }
            if (removed < 0 || removed > setBy) {
                problems.add(header + " is not removed before " + (forwardAuth >= 0 ? "forward_auth" : "passing on"));
            }
            for (int i = Math.max(removed, 0) + 1; i < chain.size(); i++) {
                if (i > setBy && chain.get(i).kind() == Kind.DELETE
                        && chain.get(i).headers().stream().anyMatch(p -> matches(p, header))) {
                    problems.add(header + " is removed again after forward_auth set it");
                }
            }
            if (forwardAuth >= 0 && chain.get(forwardAuth).headers().stream().noneMatch(header::equalsIgnoreCase)) {
                problems.add(header + " is not copied from the auth service's answer");
            }
        }
        if (forwardAuth > passOn) {
            problems.add("forward_auth runs after the request was passed on");
        }
        return problems;
    }

    private static int indexOf(List<Step> chain, Kind kind) {
        for (int i = 0; i < chain.size(); i++) {
            if (chain.get(i).kind() == kind) {
                return i;
            }
        }
        return -1;
    }

    /** Caddy's header deletion: an exact name, or a prefix ending in {@code *}; case-insensitive. */
    private static boolean matches(String pattern, String header) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String h = header.toLowerCase(Locale.ROOT);
        return p.endsWith("*") ? h.startsWith(p.substring(0, p.length() - 1)) : p.equals(h);
    }

    // ---- nginx ----

    private static final Pattern UPSTREAM_HOST = Pattern.compile("(proxy_pass\\s+https?://)([A-Za-z][A-Za-z0-9.-]*)(:\\d+)");

    @Test
    void everyNginxServerInTheDocsPassesNginxT(@TempDir Path dir) throws Exception {
        Path nginx = Programs.require("nginx", "nginx-light");
        List<SsoDoc.Block> blocks = withShipped("nginx");
        assertThat(blocks).extracting(SsoDoc.Block::heading).contains("Authentik (nginx)", "oauth2-proxy (nginx)",
                "plain (nginx)");
        Path[] tls = selfSignedCertificate(dir);
        Files.createDirectories(dir.resolve("tmp"));
        for (SsoDoc.Block block : blocks) {
            // nginx resolves upstream names and loads the certificate at start: point both at this machine.
            String server = UPSTREAM_HOST.matcher(block.text()).replaceAll("$1127.0.0.1$3")
                    .replaceAll("ssl_certificate\\s+\\S+;", Matcher.quoteReplacement("ssl_certificate " + tls[0] + ";"))
                    .replaceAll("ssl_certificate_key\\s+\\S+;", Matcher.quoteReplacement("ssl_certificate_key " + tls[1] + ";"));
            Path tmp = dir.resolve("tmp");
            String conf = "pid " + dir.resolve("nginx.pid") + ";\n"
                    + "error_log stderr;\n"
                    + "events {}\n"
                    + "http {\n"
                    + "    access_log off;\n"
                    + Stream.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
                            .map(t -> "    " + t + "_temp_path " + tmp + ";\n").reduce("", String::concat)
                    + server
                    + "}\n";
            Path file = Files.createTempFile(dir, "nginx-", ".conf");
            Files.writeString(file, conf);
            Programs.Result result = Programs.run(dir, Map.of(), List.of(nginx.toString(), "-t", "-q",
                    "-p", dir + "/", "-e", "stderr", "-c", file.toString()));
            assertThat(result.exitCode()).as(block + ": " + result.output()).isZero();
        }
    }

    @Test
    void everyNginxServerSetsEachIdentityHeaderWhereItProxiesToHivemind() {
        for (SsoDoc.Block block : forwardAuth(withShipped("nginx"))) {
            String location = locationProxyingToHivemind(block);
            Set<String> set = new LinkedHashSet<>();
            Matcher m = Pattern.compile("proxy_set_header\\s+(\\S+)").matcher(location);
            while (m.find()) {
                set.add(m.group(1).toLowerCase(Locale.ROOT));
            }
            for (String header : identityHeaders(presetOf(block))) {
                // proxy_set_header replaces what the client sent under that name (and sends nothing when empty).
                assertThat(set).as(block + " sets " + header).contains(header.toLowerCase(Locale.ROOT));
            }
            assertThat(set).as(block + " passes the browser's Host on (CSRF check)").contains("host");
        }
    }

    /** The body of the {@code location} block that contains {@code proxy_pass http://127.0.0.1:8585}. */
    private static String locationProxyingToHivemind(SsoDoc.Block block) {
        String text = block.text();
        int pass = text.indexOf("proxy_pass http://" + HIVEMIND + ";");
        assertThat(pass).as(block + " proxies to " + HIVEMIND).isNotNegative();
        int start = text.lastIndexOf("location ", pass);
        int depth = 0;
        for (int i = text.indexOf('{', start); i < text.length(); i++) {
            if (text.charAt(i) == '{') {
                depth++;
            } else if (text.charAt(i) == '}' && --depth == 0) {
                return text.substring(start, i + 1);
            }
        }
        throw new AssertionError(block + ": unbalanced braces");
    }

    /** A throw-away certificate and key in PEM, made with the JDK's keytool (no openssl needed). */
    private static Path[] selfSignedCertificate(Path dir) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path store = dir.resolve("tls.p12");
        String password = "test-only";
        Programs.Result made = Programs.run(dir, Map.of(), List.of(keytool.toString(), "-genkeypair",
                "-alias", "tls", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + PUBLIC_HOST,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", password, "-keypass", password));
        assertThat(made.exitCode()).as(made.output()).isZero();
        Path cert = dir.resolve("tls.crt");
        Programs.Result exported = Programs.run(dir, Map.of(), List.of(keytool.toString(), "-exportcert", "-rfc",
                "-alias", "tls", "-keystore", store.toString(), "-storepass", password, "-file", cert.toString()));
        assertThat(exported.exitCode()).as(exported.output()).isZero();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            keyStore.load(in, password.toCharArray());
        }
        Key key = keyStore.getKey("tls", password.toCharArray());
        Path keyFile = dir.resolve("tls.key");
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return new Path[] {cert, keyFile};
    }
}
