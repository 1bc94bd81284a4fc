package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.identity.SessionStore;
import io.helidon.http.HeaderNames;
import io.helidon.http.SetCookie;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The two cookies of a browser session. {@value #SESSION} holds the session token: HttpOnly
 * (no script reads it), SameSite=Lax (not sent on cross-site subrequests or form posts), and
 * Secure when the client reached us over HTTPS (directly or, per a trusted proxy,
 * {@code X-Forwarded-Proto: https}). {@value #CSRF} holds the CSRF token for pages to echo
 * in {@code X-CSRF-Token}: readable by script, SameSite=Strict.
 */
public final class SessionCookies {

    public static final String SESSION = "hivemind_session";
    public static final String CSRF = "hivemind_csrf";

    private SessionCookies() {
    }

    public static Optional<String> sessionToken(ServerRequest req) {
        if (!req.headers().contains(HeaderNames.COOKIE)) {
            return Optional.empty();
        }
        for (String line : req.headers().all(HeaderNames.COOKIE, List::of)) {
            String value = cookie(line, SESSION);
            if (value != null) {
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /**
     * The value of the first cookie called {@code name} in one {@code Cookie} header line, without
     * the double quotes RFC 6265 allows around it; null when the line has none. Read by hand on
     * every request instead of through the HTTP layer's parse of all cookies into a map (a tenth
     * of a forward-auth request's time, measured with JFR): a browser behind a proxy carries the
     * proxy's cookies too. Pairs are separated by ';' (and ',' as older clients do, which no
     * cookie value may contain).
     */
    static String cookie(String line, String name) {
        int length = line.length();
        int start = 0;
        while (start < length) {
            int end = start;
            while (end < length && line.charAt(end) != ';' && line.charAt(end) != ',') {
                end++;
            }
            int from = start;
            while (from < end && (line.charAt(from) == ' ' || line.charAt(from) == '\t')) {
                from++;
            }
            if (end - from > name.length() && line.startsWith(name, from) && line.charAt(from + name.length()) == '=') {
                String value = line.substring(from + name.length() + 1, end).strip();
                if (value.length() >= 2 && value.charAt(0) == '"' && value.charAt(value.length() - 1) == '"') {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
            start = end + 1;
        }
        return null;
    }

    /** The cookies of a session just made, living as long as it may. */
    public static void set(ServerResponse res, SessionStore.NewSession created, boolean secure) {
        SessionStore.StoredSession session = created.session();
        set(res, created.token(), session.csrfToken(), Duration.between(session.createdAt(), session.expiresAt()), secure);
    }

    static void set(ServerResponse res, String token, String csrf, Duration maxAge, boolean secure) {
        // A stale cookie's clearing, added by the gate, would only precede these: drop it.
        res.headers().remove(HeaderNames.SET_COOKIE);
        res.headers().addCookie(SetCookie.builder(SESSION, token).path("/").httpOnly(true)
                .sameSite(SetCookie.SameSite.LAX).secure(secure).maxAge(maxAge).build());
        res.headers().addCookie(SetCookie.builder(CSRF, csrf).path("/").httpOnly(false)
                .sameSite(SetCookie.SameSite.STRICT).secure(secure).maxAge(maxAge).build());
    }

    /**
     * Removes both cookies with an expiry in the past. (Helidon's {@code SetCookie} writes no
     * {@code Max-Age} at all for zero, which would leave an empty cookie until the browser closes.)
     */
    public static void clear(ServerResponse res, boolean secure) {
        res.headers().addCookie(SetCookie.builder(SESSION, "").path("/").httpOnly(true)
                .sameSite(SetCookie.SameSite.LAX).secure(secure).expires(Instant.EPOCH).build());
        res.headers().addCookie(SetCookie.builder(CSRF, "").path("/").httpOnly(false)
                .sameSite(SetCookie.SameSite.STRICT).secure(secure).expires(Instant.EPOCH).build());
    }
}
