package com.seglamater.hivemind.server.sso;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for an Authentik proxy outpost in forward-auth mode, with the endpoints the docs'
 * Caddyfile uses. Its auth endpoint answers 200 with the {@code X-Authentik-*} identity of the
 * browser's outpost cookie, else 302 to its sign-in start; the start path signs in whoever the
 * test chose, sets the cookie and redirects back; sign-out forgets the cookie. The directory of
 * people (their email, name and groups) can change between requests, as at a real IdP.
 */
final class OutpostStandIn implements AutoCloseable {

    static final String COOKIE = "authentik_proxy_standin";
    static final String AUTH_PATH = "/outpost.goauthentik.io/auth/caddy";
    static final String START_PATH = "/outpost.goauthentik.io/start";
    static final String SIGN_OUT_PATH = "/outpost.goauthentik.io/sign_out";

    /**
     * Someone at the IdP.
     *
     * @param sendGroups false to leave the groups header out of the answer altogether, as auth
     *                   services do for requests they let through without identity
     */
    record Person(String username, String email, String name, List<String> groups, boolean sendGroups) {
        Person withGroups(List<String> newGroups) {
            return new Person(username, email, name, newGroups, true);
        }

        Person withoutGroupsHeader() {
            return new Person(username, email, name, groups, false);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Person> directory = new ConcurrentHashMap<>();
    private final Map<String, String> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger signIns = new AtomicInteger();
    private volatile String nextSignIn;

    private OutpostStandIn(HttpServer server) {
        this.server = server;
    }

    static OutpostStandIn start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        OutpostStandIn outpost = new OutpostStandIn(server);
        server.createContext("/", outpost::handle);
        server.setExecutor(outpost.executor);
        server.start();
        return outpost;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Adds or replaces a person, as an IdP admin editing the directory. */
    void put(Person person) {
        directory.put(person.username(), person);
    }

    Person person(String username) {
        return directory.get(username);
    }

    /** The person the next visit to the sign-in start signs in (the stand-in's login form). */
    void signInNext(String username) {
        nextSignIn = username;
    }

    int signIns() {
        return signIns.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case AUTH_PATH -> auth(exchange);
                case START_PATH -> start(exchange);
                case SIGN_OUT_PATH -> signOut(exchange);
                default -> exchange.sendResponseHeaders(404, -1);
            }
        }
    }

    private void auth(HttpExchange exchange) throws IOException {
        Optional<Person> person = session(exchange).map(sessions::get).map(directory::get);
        if (person.isEmpty()) {
            // Caddy's forward_auth says where the browser was going in X-Forwarded-*.
            String back = exchange.getRequestHeaders().getFirst("X-Forwarded-Proto") + "://"
                    + exchange.getRequestHeaders().getFirst("X-Forwarded-Host")
                    + exchange.getRequestHeaders().getFirst("X-Forwarded-Uri");
            redirect(exchange, START_PATH + "?rd=" + URLEncoder.encode(back, StandardCharsets.UTF_8));
            return;
        }
        Person p = person.get();
        var headers = exchange.getResponseHeaders();
        // The outpost sends its headers in this spelling; header names are case-insensitive.
        headers.set("X-authentik-username", p.username());
        headers.set("X-authentik-email", p.email());
        headers.set("X-authentik-name", p.name());
        if (p.sendGroups()) {
            headers.set("X-authentik-groups", String.join("|", p.groups()));
        }
        exchange.sendResponseHeaders(200, -1);
    }

    private void start(HttpExchange exchange) throws IOException {
        String rd = query(exchange, "rd").orElse("/");
        String username = nextSignIn;
        if (username == null || !directory.containsKey(username) || !rd.startsWith("http://127.0.0.1:")) {
            exchange.sendResponseHeaders(400, -1);
            return;
        }
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        sessions.put(token, username);
        signIns.incrementAndGet();
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + token + "; Path=/; HttpOnly");
        redirect(exchange, rd);
    }

    private void signOut(HttpExchange exchange) throws IOException {
        session(exchange).ifPresent(sessions::remove);
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0");
        redirect(exchange, "/");
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    private static Optional<String> session(HttpExchange exchange) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String pair : header.split(";")) {
                String[] kv = pair.strip().split("=", 2);
                if (kv.length == 2 && kv[0].equals(COOKIE) && !kv[1].isEmpty()) {
                    return Optional.of(kv[1]);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> query(HttpExchange exchange, String name) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return Optional.empty();
        }
        for (String pair : raw.split("&")) {
            String[] kv = pair.split("=", 2);
            if (kv.length == 2 && kv[0].equals(name)) {
                return Optional.of(URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
