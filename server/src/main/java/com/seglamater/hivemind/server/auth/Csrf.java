package com.seglamater.hivemind.server.auth;

import com.seglamater.hivemind.server.identity.Secrets;
import com.seglamater.hivemind.server.origin.PublicOrigins;
import com.seglamater.hivemind.server.web.FormBody;
import com.seglamater.hivemind.server.web.RequestInfo;
import com.seglamater.hivemind.model.text.Printable;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;

import java.util.Optional;
import java.util.Set;

/**
 * Cross-site request forgery defence for state-changing requests (anything but GET, HEAD and
 * OPTIONS), in layers (OWASP CSRF Prevention Cheat Sheet):
 * <ol>
 * <li>a browser that says the request is cross-site ({@code Sec-Fetch-Site: cross-site}) or
 *     sends an {@code Origin} that is not one of {@code HIVEMIND_PUBLIC_URL}'s origins (scheme
 *     included), or, without that variable, not the host it talks to, is refused, signed in
 *     or not (this also stops login CSRF);</li>
 * <li>a request authenticated by the session cookie must carry the session's CSRF token (the
 *     synchronizer-token pattern): an API request in {@value #HEADER} (the token comes with
 *     sign-in, from {@code GET /api/v1/me} and in the {@code hivemind_csrf} cookie), a page's form
 *     in its hidden field {@value #FORM_FIELD} (the pages put it in every form they draw);</li>
 * <li>a request authenticated by the forward-auth proxy's headers alone (no session) is
 *     refused: those headers are as ambient as a cookie.</li>
 * </ol>
 * Bearer credentials are not sent by browsers on their own, so they need neither.
 */
public final class Csrf {

    public static final String HEADER = "X-CSRF-Token";
    /** The hidden field of a page's form that carries the session's CSRF token. */
    public static final String FORM_FIELD = "csrf";
    private static final HeaderName CSRF_HEADER = HeaderNames.create(HEADER);
    private static final HeaderName SEC_FETCH_SITE = HeaderNames.create("Sec-Fetch-Site");
    private static final Set<Method> SAFE = Set.of(Method.GET, Method.HEAD, Method.OPTIONS);

    private Csrf() {
    }

    /** Anything but GET, HEAD and OPTIONS. */
    public static boolean stateChanging(ServerRequest req) {
        return !SAFE.contains(req.prologue().method());
    }

    /**
     * The reason to refuse, or empty when the request may go on. {@code origins}: the public
     * origins, which an {@code Origin} must match (see {@link PublicOrigins#originAllowed}).
     */
    static Optional<String> problem(ServerRequest req, Authentication authentication, PublicOrigins origins) {
        if (!stateChanging(req) || bearer(authentication)) {
            return Optional.empty();
        }
        if (req.headers().first(SEC_FETCH_SITE).map(v -> v.equalsIgnoreCase("cross-site")).orElse(false)) {
            return Optional.of("cross-site request refused");
        }
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isPresent() && !origins.originAllowed(origin.get(), req.authority(), RequestInfo.of(req).https())) {
            // Both values say what went wrong; the usual causes are a proxy that rewrites Host and
            // an origin missing from HIVEMIND_PUBLIC_URL (or listed with the wrong scheme).
            return Optional.of("cross-origin request refused: Origin '" + printable(origin.get()) + "' is not "
                    + (origins.configured() ? "one of HIVEMIND_PUBLIC_URL's origins (" + origins + ")"
                    : "the origin of Host '" + printable(String.valueOf(req.authority()))
                    + "' (a reverse proxy must pass the Host header on)"));
        }
        if (authentication instanceof Authentication.Authenticated a
                && a.principal() instanceof Principal.Account account
                && account.credential() instanceof Principal.ForwardAuth && !signOut(req)) {
            // The proxy adds its identity to whatever the browser sends, cross-site forms included.
            return Optional.of("a state-changing request through the forward-auth proxy needs a Hivemind session and its "
                    + HEADER + " header: a client that keeps cookies gets the session on its first request "
                    + "(GET /api/v1/me); scripts should use an API token");
        }
        if (authentication instanceof Authentication.Authenticated a
                && a.principal() instanceof Principal.Account account
                && account.credential() instanceof Principal.Session session) {
            if (!api(req)) {
                // A page's form: the token is in the body, which FormBody reads (bounded) and keeps for the handler.
                Optional<String> field = FormBody.read(req).first(FORM_FIELD);
                if (field.isEmpty() || !Secrets.equal(field.get(), session.csrfToken())) {
                    return Optional.of("the form does not carry this session's token: it was opened before you "
                            + "signed in again, or came from another site; open the page again and resend it");
                }
                return Optional.empty();
            }
            Optional<String> presented = req.headers().first(CSRF_HEADER);
            if (presented.isEmpty()) {
                return Optional.of("the " + HEADER + " header is missing (its value comes with sign-in and from GET /api/v1/me)");
            }
            if (!Secrets.equal(presented.get(), session.csrfToken())) {
                return Optional.of("the " + HEADER + " header does not match this session");
            }
        }
        return Optional.empty();
    }

    /**
     * Sign-out without a session (it had ended already) has nothing to end: it only clears
     * cookies and names the logout URL, so it needs no token, and the browser can move on.
     */
    private static boolean signOut(ServerRequest req) {
        String path = req.path().path();
        return req.prologue().method() == Method.DELETE && path.equals("/api/v1/session")
                || req.prologue().method() == Method.POST && path.equals(SIGN_OUT_PAGE);
    }

    /** The sign-out form's route. */
    public static final String SIGN_OUT_PAGE = "/sign-out";

    private static boolean api(ServerRequest req) {
        return req.path().path().startsWith(ApiGate.PREFIX);
    }

    /** A token or the API key: a bad bearer never gets this far (the gate refuses it first). */
    private static boolean bearer(Authentication authentication) {
        return authentication instanceof Authentication.Authenticated a
                && (a.principal() instanceof Principal.ApiKey
                || a.principal() instanceof Principal.Account account && account.credential() instanceof Principal.Token);
    }

    private static String printable(String text) {
        return Printable.of(text, 200);
    }
}
