package com.seglamater.hivemind.server.ui;

import com.seglamater.hivemind.server.auth.Authentication;
import com.seglamater.hivemind.server.auth.Csrf;
import com.seglamater.hivemind.server.auth.LocalSignIn;
import com.seglamater.hivemind.server.auth.Access;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.FormBody;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /sign-in}: the local password form, which works without JavaScript (it posts here and
 * is answered 303), or with forward auth on the "Sign in with SSO" button (the configured login
 * URL) and no password form; and the sign-out form's {@code POST /sign-out}. Both go through
 * {@link LocalSignIn}, the API's own path: the same rate limits, audit entries and timing-safe
 * check. A failed sign-in comes back to the form with what went wrong.
 */
public final class SignInPages implements HttpService {

    private final Views views;
    private final LocalSignIn local;

    public SignInPages(Views views, LocalSignIn local) {
        this.views = views;
        this.local = local;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/sign-in", this::form)
                .post("/sign-in", this::signIn)
                .post(Csrf.SIGN_OUT_PAGE, this::signOut);
    }

    private void form(ServerRequest req, ServerResponse res) {
        String next = Views.localPath(req.query().first("next").orElse("/")).orElse("/");
        switch (Authentication.of(req)) {
            case Authentication.Authenticated a -> Views.seeOther(res, next);
            case Authentication.Denied d -> throw Access.denied(d);
            case Authentication.Anonymous a -> views.page(req, res, "ui/signIn.jte", Map.of(
                    "forwardAuth", local.methods().forwardAuth(),
                    "loginUrl", local.methods().loginUrl().map(URI::toString),
                    "next", next));
        }
    }

    private void signIn(ServerRequest req, ServerResponse res) {
        FormBody form = FormBody.read(req);
        String next = Views.localPath(form.text("next")).orElse("/");
        String back = next.equals("/") ? "/sign-in" : "/sign-in?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
        String username = form.text("username").strip();
        String password = form.text("password");
        if (local.methods().password() && (username.isEmpty() || password.isEmpty())) {
            views.seeOther(req, res, back, Flash.Message.error("Enter your username and password."));
            return;
        }
        try {
            local.signIn(req, res, username, password);
        } catch (ApiException e) {
            views.seeOther(req, res, back, Flash.Message.error(refusal(e)));
            return;
        }
        Views.seeOther(res, next);
    }

    /** What the sign-in form says about a refusal. */
    private static String refusal(ApiException e) {
        return switch (e.code()) {
            case "invalid_credentials" -> "The username or password is wrong.";
            case "account_disabled" -> "This account is disabled. An administrator can enable it again.";
            case "rate_limited" -> "Too many sign-in attempts. Wait " + e.retryAfter()
                    .map(d -> Math.max(1, (d.toMillis() + 999) / 1000) + " seconds").orElse("a moment")
                    + " and try again.";
            default -> ErrorPages.sentence(e.getMessage());
        };
    }

    private void signOut(ServerRequest req, ServerResponse res) {
        Optional<URI> logout = local.signOut(req, res);
        if (logout.isPresent()) {
            // The proxy's own session is still live: without this, its next request signs the user in again.
            Views.seeOther(res, logout.get().toString());
        } else {
            views.seeOther(req, res, "/sign-in", Flash.Message.success("You have signed out."));
        }
    }
}
