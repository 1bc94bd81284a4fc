package com.seglamater.hivemind.server.account;

import com.seglamater.hivemind.server.auth.Access;
import com.seglamater.hivemind.server.auth.LocalSignIn;
import com.seglamater.hivemind.server.auth.Principal;
import com.seglamater.hivemind.server.identity.PasswordPolicy;
import com.seglamater.hivemind.server.identity.User;
import com.seglamater.hivemind.server.ui.Flash;
import com.seglamater.hivemind.server.ui.Views;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.FormBody;
import com.seglamater.hivemind.server.web.Params;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /account}: the signed-in person's profile, password change (local accounts), sessions
 * (end one, sign out everywhere) and personal API tokens (create, shown once; revoke). Every
 * form posts to a route here and is answered 303 back to the page with a message; the rules are
 * those of the API ({@link SelfService}, {@link LocalSignIn}).
 */
public final class AccountPages implements HttpService {

    static final String PATH = "/account";
    /** Lifetimes offered for a new token, in days; 0 is "never expires". */
    static final List<Integer> TOKEN_DAYS = List.of(30, 90, 365, 0);

    private final Views views;
    private final SelfService self;
    private final LocalSignIn local;
    private final NewTokens created = new NewTokens();

    public AccountPages(Views views, SelfService self, LocalSignIn local) {
        this.views = views;
        this.self = self;
        this.local = local;
    }

    /** What the account page shows. {@code password}: the account can change its password here. */
    public record AccountView(User user, boolean password, int minPasswordLength, List<SelfService.SessionView> sessions,
                              List<SelfService.TokenView> tokens, Optional<SelfService.CreatedToken> created,
                              List<Integer> tokenDays) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(PATH, this::page)
                .post(PATH + "/password", this::changePassword)
                .post(PATH + "/tokens", this::createToken)
                .post(PATH + "/tokens/{id}/revoke", this::revokeToken)
                .post(PATH + "/sessions/{id}/end", this::endSession)
                .post(PATH + "/sessions/end-all", this::endAllSessions);
    }

    private void page(ServerRequest req, ServerResponse res) {
        Principal.Account account = Access.account(req);
        Optional<SelfService.CreatedToken> token = SelfService.currentSession(account).flatMap(created::take);
        boolean password = local.methods().password() && account.user().source() == User.Source.LOCAL;
        views.page(req, res, "account/account.jte", Map.of("account", new AccountView(account.user(), password,
                PasswordPolicy.MIN_LENGTH, self.sessions(account), self.tokens(account), token, TOKEN_DAYS)));
    }

    private void changePassword(ServerRequest req, ServerResponse res) {
        Access.account(req);
        FormBody form = FormBody.read(req);
        String current = form.text("currentPassword");
        String next = form.text("newPassword");
        if (current.isEmpty() || next.isEmpty()) {
            back(req, res, Flash.Message.error("Enter your current password and a new one."));
            return;
        }
        if (!next.equals(form.text("confirmPassword"))) {
            back(req, res, Flash.Message.error("The new password and its confirmation differ."));
            return;
        }
        try {
            local.changePassword(req, current, next);
        } catch (ApiException e) {
            if (e.status().code() == 401) {
                throw e;
            }
            back(req, res, Flash.Message.error(message(e)));
            return;
        }
        back(req, res, Flash.Message.success("Your password has been changed. Your other sessions have ended."));
    }

    private void createToken(ServerRequest req, ServerResponse res) {
        Principal.Account account = Access.account(req);
        FormBody form = FormBody.read(req);
        Optional<Integer> days;
        try {
            int chosen = Integer.parseInt(form.text("expiresInDays"));
            days = chosen == 0 ? Optional.empty() : Optional.of(chosen);
        } catch (NumberFormatException e) {
            back(req, res, Flash.Message.error("Choose when the token expires."));
            return;
        }
        SelfService.CreatedToken token;
        try {
            token = self.createToken(req, form.text("name"), days);
        } catch (ApiException e) {
            if (e.status().code() == 401) {
                throw e;
            }
            back(req, res, Flash.Message.error(message(e)));
            return;
        }
        SelfService.currentSession(account).ifPresent(session -> created.keep(session, token));
        back(req, res, Flash.Message.success("Token " + token.info().name() + " created. Copy it now: it is shown only once."));
    }

    private void revokeToken(ServerRequest req, ServerResponse res) {
        String name = self.revokeToken(req, Params.pathId(req, "id", "token"));
        back(req, res, Flash.Message.success("Token " + name + " revoked."));
    }

    private void endSession(ServerRequest req, ServerResponse res) {
        if (self.endSession(req, res, Params.pathId(req, "id", "session"))) {
            views.seeOther(req, res, "/sign-in", Flash.Message.success("This session has ended: you have signed out."));
            return;
        }
        back(req, res, Flash.Message.success("The session has ended."));
    }

    private void endAllSessions(ServerRequest req, ServerResponse res) {
        long ended = self.endAllSessions(req, res);
        views.seeOther(req, res, "/sign-in", Flash.Message.success("You have signed out everywhere ("
                + ended + (ended == 1 ? " session" : " sessions") + " ended)."));
    }

    private void back(ServerRequest req, ServerResponse res, Flash.Message message) {
        views.seeOther(req, res, PATH, message);
    }

    /** An API refusal as a sentence for the page: "name: is required" → "Name: is required." */
    private static String message(ApiException e) {
        String text = e.getMessage().replace("currentPassword: ", "Current password: ")
                .replace("newPassword: ", "New password: ").replace("expiresInDays", "Expiry");
        text = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        return text.endsWith(".") ? text : text + ".";
    }
}
