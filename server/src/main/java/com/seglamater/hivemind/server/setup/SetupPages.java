package com.seglamater.hivemind.server.setup;

import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.identity.AccountException;
import com.seglamater.hivemind.server.identity.Accounts;
import com.seglamater.hivemind.server.identity.Actor;
import com.seglamater.hivemind.server.identity.PasswordPolicy;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.identity.User;
import com.seglamater.hivemind.server.ui.Flash;
import com.seglamater.hivemind.server.ui.Views;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.FormBody;
import com.seglamater.hivemind.server.web.RequestInfo;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /setup?token=…}: the first-run page ({@link FirstRun}) that creates the first admin, a
 * local account, through the accounts core (audited as {@code user.created} by the actor
 * {@value #ACTOR}). Then the link stops working, and the new admin signs in. A wrong token or a
 * link used after setup gets a page that says so and where the current link is; nothing else.
 */
public final class SetupPages implements HttpService {

    static final String ACTOR = AuditEvent.SETUP;

    private final Views views;
    private final FirstRun firstRun;
    private final Accounts accounts;

    public SetupPages(Views views, FirstRun firstRun, Accounts accounts) {
        this.views = views;
        this.firstRun = firstRun;
        this.accounts = accounts;
    }

    /** What the setup template shows. */
    public record SetupView(String token, int minPasswordLength) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/setup", this::form).post("/setup", this::create);
    }

    private void form(ServerRequest req, ServerResponse res) {
        String token = req.query().first("token").orElse("");
        refuseUnlessOpen(token);
        views.page(req, res, "setup/setup.jte", Map.of("setup", new SetupView(token, PasswordPolicy.MIN_LENGTH)));
    }

    private void create(ServerRequest req, ServerResponse res) {
        FormBody form = FormBody.read(req);
        String token = form.text("token");
        // One at a time: two forms sent together must not make two first admins.
        synchronized (firstRun) {
            refuseUnlessOpen(token);
            String back = "/setup?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
            String password = form.text("password");
            if (!password.equals(form.text("confirmPassword"))) {
                views.seeOther(req, res, back, Flash.Message.error("The password and its confirmation differ."));
                return;
            }
            User admin;
            try {
                admin = accounts.create(Actor.of(RequestInfo.of(req), ACTOR), new Accounts.NewAccount(
                        form.text("username").strip(), Optional.of(form.text("email").strip()),
                        Optional.of(form.text("displayName").strip()), Optional.of(Role.ADMIN), password));
            } catch (AccountException e) {
                views.seeOther(req, res, back, Flash.Message.error(sentence(e.field().filter(f -> e.reason() == AccountException.Reason.INVALID_FIELD).map(SetupPages::label)
                        .map(label -> label + ": ").orElse("") + e.getMessage())));
                return;
            }
            firstRun.close();
            views.seeOther(req, res, "/sign-in", Flash.Message.success("The admin account " + admin.username()
                    + " is ready, and the setup link no longer works. Sign in."));
        }
    }

    /** A page that says why the link cannot be used: already set up (410), or not this server's link (403). */
    private void refuseUnlessOpen(String token) {
        if (!firstRun.open()) {
            throw new ApiException(Status.GONE_410, "setup_complete",
                    "this server is set up already: an admin account exists, so the setup link no longer works; sign in");
        }
        if (!firstRun.matches(token)) {
            throw ApiException.forbidden("setup_token_invalid", "this setup link is not valid; the current one is in "
                    + "the server's log and in the file " + FirstRun.FILE + " in its data directory (HIVEMIND_DATA_DIR)");
        }
    }

    private static String label(String field) {
        return switch (field) {
            case "username" -> "Username";
            case "email" -> "Email";
            case "displayName" -> "Name";
            case "password" -> "Password";
            default -> field;
        };
    }

    private static String sentence(String message) {
        String text = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return text.endsWith(".") ? text : text + ".";
    }
}
