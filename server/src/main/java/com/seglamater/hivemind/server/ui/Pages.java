package com.seglamater.hivemind.server.ui;

import com.seglamater.hivemind.server.auth.Authentication;
import com.seglamater.hivemind.server.auth.Principal;
import com.seglamater.hivemind.server.auth.SignInMethods;
import com.seglamater.hivemind.server.web.HeadRequests;
import com.seglamater.hivemind.server.web.Json;
import com.seglamater.hivemind.server.web.NotFound;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The browser's pages: {@code /} (who is signed in, sign-out) and {@code /sign-in} (the local
 * password form, or with forward auth on the "Sign in with SSO" entry point and word that local
 * sign-in is off), plus the page a forward-auth user with no role gets, naming the groups that
 * grant access. Pages only render; signing in and out go through the JSON API from two small
 * scripts under {@code /assets/}. Every page is sent with a strict Content-Security-Policy (no
 * inline script or style) and is never cached.
 */
public final class Pages implements HttpService {

    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static final Map<String, Asset> ASSETS = Map.of(
            "hivemind.css", Asset.load("hivemind.css", "text/css; charset=utf-8"),
            "sign-in.js", Asset.load("sign-in.js", "text/javascript; charset=utf-8"),
            "sign-out.js", Asset.load("sign-out.js", "text/javascript; charset=utf-8"));

    private final SignInMethods methods;

    public Pages(SignInMethods methods) {
        this.methods = methods;
    }

    /** The paths whose handlers need to know who is asking (the gate authenticates them). */
    public static boolean isPage(String path) {
        return path.equals("/") || path.equals("/sign-in");
    }

    private record Asset(byte[] bytes, String contentType) {
        static Asset load(String name, String contentType) {
            try (InputStream in = Pages.class.getResourceAsStream("/ui/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource /ui/" + name);
                }
                return new Asset(in.readAllBytes(), contentType);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::home)
                .get("/sign-in", this::signIn)
                .get("/assets/{name}", this::asset);
    }

    private void home(ServerRequest req, ServerResponse res) {
        switch (Authentication.of(req)) {
            case Authentication.Authenticated a -> send(res, Status.OK_200, "Hivemind", homeBody(a.principal()), true);
            case Authentication.Denied d -> denied(res, d);
            case Authentication.Anonymous a -> redirect(res, "/sign-in");
        }
    }

    private String homeBody(Principal principal) {
        StringBuilder body = new StringBuilder();
        body.append("<h1>Hivemind</h1>\n<p>Signed in as <strong>").append(Html.escape(shownName(principal)))
                .append("</strong> (").append(Html.escape(principal.role().text())).append(").</p>\n");
        if (principal instanceof Principal.Account account && account.credential() instanceof Principal.Session session) {
            String next = methods.forwardAuth() ? methods.logoutUrl().map(URI::toString).orElse("/sign-in") : "/sign-in";
            body.append("<p><button type=\"button\" id=\"sign-out\" data-csrf=\"").append(Html.escape(session.csrfToken()))
                    .append("\" data-next=\"").append(Html.escape(next))
                    .append("\">Sign out</button></p>\n<p id=\"error\" class=\"error\" role=\"alert\"></p>\n");
        }
        body.append("<p>The JSON API is under <code>/api/v1</code>.</p>\n");
        return body.toString();
    }

    private static String shownName(Principal principal) {
        if (principal instanceof Principal.Account account && account.user().displayName().isPresent()) {
            return account.user().displayName().get() + " (" + account.user().username() + ")";
        }
        return principal.name();
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        switch (Authentication.of(req)) {
            case Authentication.Authenticated a -> redirect(res, "/");
            case Authentication.Denied d -> denied(res, d);
            case Authentication.Anonymous a -> send(res, Status.OK_200, "Sign in · Hivemind",
                    methods.forwardAuth() ? ssoSignIn() : passwordSignIn(), false);
        }
    }

    private String ssoSignIn() {
        String target = methods.loginUrl().map(URI::toString).orElse("/");
        return "<h1>Sign in to Hivemind</h1>\n"
                + "<p>This server uses single sign-on through its reverse proxy.</p>\n"
                + "<p><a class=\"button\" id=\"sso\" href=\"" + Html.escape(target) + "\">Sign in with SSO</a></p>\n"
                + "<p class=\"note\">Local password sign-in is disabled.</p>\n";
    }

    private static String passwordSignIn() {
        return "<h1>Sign in to Hivemind</h1>\n"
                + "<form id=\"sign-in\" method=\"post\" action=\"/sign-in\">\n"
                + "<p><label>Username <input name=\"username\" autocomplete=\"username\" required></label></p>\n"
                + "<p><label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" "
                + "required></label></p>\n"
                + "<p><button type=\"submit\">Sign in</button></p>\n"
                + "<p id=\"error\" class=\"error\" role=\"alert\"></p>\n"
                + "</form>\n";
    }

    /** The page of a user the proxy vouches for but who may not use Hivemind; 403. */
    private void denied(ServerResponse res, Authentication.Denied denied) {
        StringBuilder body = new StringBuilder("<h1>Access denied</h1>\n<p>")
                .append(Html.escape(denied.message())).append("</p>\n");
        List<String> groups = denied.grantingGroups();
        if (groups.size() == 2) {
            body.append("<p>These groups grant access:</p>\n<ul>\n<li><code>").append(Html.escape(groups.get(0)))
                    .append("</code>: admin</li>\n<li><code>").append(Html.escape(groups.get(1)))
                    .append("</code>: user</li>\n</ul>\n");
        }
        Optional<URI> logout = methods.logoutUrl();
        logout.ifPresent(url -> body.append("<p><a href=\"").append(Html.escape(url.toString()))
                .append("\">Sign out of single sign-on</a> to use another account.</p>\n"));
        send(res, Status.FORBIDDEN_403, "Access denied · Hivemind", body.toString(), false);
    }

    private static void redirect(ServerResponse res, String location) {
        res.status(Status.SEE_OTHER_303);
        res.header(HeaderNames.LOCATION, location);
        res.header(Json.NO_STORE);
        res.send();
    }

    private static void send(ServerResponse res, Status status, String title, String body, boolean signOutScript) {
        String script = signOutScript ? "sign-out.js" : "sign-in.js";
        String html = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + Html.escape(title) + "</title>\n"
                + "<link rel=\"stylesheet\" href=\"/assets/hivemind.css\">\n"
                + "<script src=\"/assets/" + script + "\" defer></script>\n"
                + "</head>\n<body>\n<main>\n" + body + "</main>\n</body>\n</html>\n";
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        security(res);
        HeadRequests.send(res, html.getBytes(StandardCharsets.UTF_8));
    }

    private void asset(ServerRequest req, ServerResponse res) {
        Asset asset = ASSETS.get(req.path().pathParameters().get("name"));
        if (asset == null) {
            // Like every other error: JSON (issue 12). No page links to a missing asset.
            new NotFound().handle(req, res);
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, asset.contentType());
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        HeadRequests.send(res, asset.bytes());
    }

    private static void security(ServerResponse res) {
        res.header(HeaderNames.create("Content-Security-Policy"), CSP);
        res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        res.header(HeaderNames.create("Referrer-Policy"), "same-origin");
        res.header(Json.NO_STORE);
    }
}
