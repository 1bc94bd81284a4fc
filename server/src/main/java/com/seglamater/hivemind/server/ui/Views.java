package com.seglamater.hivemind.server.ui;

import com.seglamater.hivemind.server.auth.ApiGate;
import com.seglamater.hivemind.server.auth.Authentication;
import com.seglamater.hivemind.server.auth.Principal;
import com.seglamater.hivemind.server.auth.SignInMethods;
import com.seglamater.hivemind.server.web.HeadRequests;
import com.seglamater.hivemind.server.web.Json;
import com.seglamater.hivemind.server.web.RequestInfo;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Draws the pages: the one place that renders a template, sends a page with its headers, and
 * answers a form with 303 See Other and a flash message (post/redirect/get). Templates live in
 * {@code src/main/jte} and are compiled into classes at build time (jte-maven-plugin); the engine
 * only loads them, and escapes every {@code ${…}} for HTML. Each template gets the request's
 * {@link PageContext} as {@code page}, besides its own parameters.
 * <p>
 * Every page goes out with a strict Content-Security-Policy (scripts, styles, images and
 * connections from this origin only, no inline script or style, forms to this origin, no
 * framing), {@code Cache-Control: no-store} (pages show personal data and tokens), and the other
 * headers of {@link #secure}. docs/ui.md says how to add a page.
 */
public final class Views {

    /** What every page may load. {@code form-action} gains the SSO logout URL's origin (sign-out redirects there). */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final TemplateEngine engine = TemplateEngine.createPrecompiled(ContentType.Html);
    private final Assets assets;
    private final Flash flash;
    private final SignInMethods methods;
    private final String version;
    private final String csp;

    public Views(Assets assets, SignInMethods methods, String version) {
        this.assets = assets;
        this.flash = new Flash(new SecureRandom());
        this.methods = methods;
        this.version = version;
        this.csp = methods.logoutUrl().filter(url -> methods.forwardAuth())
                .map(url -> CSP.replace("form-action 'self'", "form-action 'self' " + origin(url)))
                .orElse(CSP);
    }

    /**
     * The paths the gate authenticates as pages: everything outside the API but the assets, the
     * icon and {@code /health}, so that every page (an error page too) knows who is asking.
     */
    public static boolean isPage(String path) {
        return !path.startsWith(ApiGate.PREFIX) && !path.startsWith("/assets/") && !path.equals("/favicon.ico")
                && !path.equals("/health");
    }

    public Assets assets() {
        return assets;
    }

    public SignInMethods methods() {
        return methods;
    }

    /** The request's page context: who is signed in, the CSRF token, the flash message. */
    public PageContext context(ServerRequest req) {
        Authentication authentication = req.context().get(Authentication.class).orElse(new Authentication.Anonymous(false));
        String csrf = authentication instanceof Authentication.Authenticated a
                && a.principal() instanceof Principal.Account account
                && account.credential() instanceof Principal.Session session ? session.csrfToken() : "";
        return new PageContext(PageContext.Viewer.of(authentication), csrf, flash.read(req),
                req.prologue().uriPath().path(), assets, methods.forwardAuth(), version);
    }

    /** Renders {@code template} (a path under src/main/jte, such as {@code "account/account.jte"}) as a 200 page. */
    public void page(ServerRequest req, ServerResponse res, String template, Map<String, Object> params) {
        page(req, res, Status.OK_200, template, params);
    }

    public void page(ServerRequest req, ServerResponse res, Status status, String template, Map<String, Object> params) {
        PageContext context = context(req);
        String html = render(template, context, params);
        if (flash.present(req)) {
            // Shown now, so gone: a reload must not show it again.
            flash.clear(res, RequestInfo.of(req).https());
        }
        send(res, status, html);
    }

    /**
     * A piece of a page without the layout (what a live region fetches to replace its content),
     * with the same headers as a page.
     */
    public void fragment(ServerRequest req, ServerResponse res, String template, Map<String, Object> params) {
        send(res, Status.OK_200, render(template, context(req), params));
    }

    /** The template as text, with {@code page} added to {@code params}. */
    String render(String template, PageContext context, Map<String, Object> params) {
        Map<String, Object> all = new HashMap<>(params);
        all.put("page", context);
        StringOutput out = new StringOutput(8192);
        engine.render(template, all, out);
        return out.toString();
    }

    /**
     * The answer to a form (post/redirect/get): 303 See Other to {@code location}, a path on this
     * server, with {@code message} shown once by the page opened there.
     */
    public void seeOther(ServerRequest req, ServerResponse res, String location, Flash.Message message) {
        flash.set(res, message, RequestInfo.of(req).https());
        seeOther(res, location);
    }

    /** 303 See Other without a message. */
    public static void seeOther(ServerResponse res, String location) {
        res.status(Status.SEE_OTHER_303);
        res.header(HeaderNames.LOCATION, location);
        res.header(Json.NO_STORE);
        res.send();
    }

    private void send(ServerResponse res, Status status, String html) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        secure(res);
        HeadRequests.send(res, html.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The headers of every page: the CSP, no caching, no MIME sniffing, no referrer to other
     * sites, no framing (also for browsers without CSP level 2), its own browsing context group,
     * and none of the powerful browser features.
     */
    void secure(ServerResponse res) {
        res.header(HeaderNames.create("Content-Security-Policy"), csp);
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(HeaderNames.create("Referrer-Policy"), "same-origin");
        res.header(HeaderNames.create("X-Frame-Options"), "DENY");
        res.header(HeaderNames.create("Cross-Origin-Opener-Policy"), "same-origin");
        res.header(HeaderNames.create("Permissions-Policy"), "camera=(), microphone=(), geolocation=(), payment=()");
        res.header(Json.NO_STORE);
    }

    /** A local path to go back to after signing in: only {@code /…} on this server, never {@code //host}. */
    public static Optional<String> localPath(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")
                || next.length() > 512 || next.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            return Optional.empty();
        }
        return Optional.of(next);
    }

    private static String origin(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority();
    }
}
