package com.seglamater.hivemind.server.users;

import com.seglamater.hivemind.server.identity.AccountException;
import com.seglamater.hivemind.server.identity.Accounts;
import com.seglamater.hivemind.server.identity.Actor;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.identity.SessionStore;
import com.seglamater.hivemind.server.identity.User;
import com.seglamater.hivemind.server.identity.UserStore;
import com.seglamater.hivemind.server.ui.Confirmation;
import com.seglamater.hivemind.server.ui.Flash;
import com.seglamater.hivemind.server.ui.Views;
import com.seglamater.hivemind.server.web.FormBody;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

import static com.seglamater.hivemind.server.users.UsersPages.admin;
import static com.seglamater.hivemind.server.users.UsersPages.path;

/**
 * One account's page, for admins ({@code /users/{username}}): its facts, and the forms for its
 * profile, role and password, disabling and enabling it, and ending its sessions, each answered
 * with a message on the page (post/redirect/get). Every change goes through the accounts core
 * ({@link Accounts}), whose refusals come back as sentences ({@link UserMessages}); disabling and
 * ending the sessions are confirmed first ({@link Confirmation}). What the identity provider owns
 * of an SSO account is read-only here ({@link UserPanel}).
 */
public final class UserPages implements HttpService {

    private final Views views;
    private final Accounts accounts;
    private final UserStore users;
    private final SessionStore sessions;
    private final Clock clock;

    public UserPages(Views views, Accounts accounts, UserStore users, SessionStore sessions, Clock clock) {
        this.views = views;
        this.accounts = accounts;
        this.users = users;
        this.sessions = sessions;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/users/{username}", this::account)
                .post("/users/{username}/profile", this::profile)
                .post("/users/{username}/role", this::role)
                .post("/users/{username}/disable", this::disable)
                .post("/users/{username}/enable", this::enable)
                .post("/users/{username}/password", this::resetPassword)
                .post("/users/{username}/sessions", this::endSessions);
    }

    private void account(ServerRequest req, ServerResponse res) {
        Actor admin = admin(req);
        User user = find(req);
        views.page(req, res, "users/account.jte", Map.of("account", new UserPanel(user, views.methods().forwardAuth(),
                user.username().equals(admin.name()), sessions.list(user.id(), clock.instant()).size()),
                "roles", List.of(Role.values())));
    }

    private void profile(ServerRequest req, ServerResponse res) {
        Actor admin = admin(req);
        User user = find(req);
        FormBody form = FormBody.read(req);
        if (user.source() == User.Source.SSO) {
            back(req, res, user, Flash.Message.error("The identity provider manages the email and display name of "
                    + user.username() + "."));
            return;
        }
        change(req, res, admin, user, new Accounts.Changes(Optional.empty(), Optional.empty(),
                Optional.of(Optional.of(form.text("email").strip()).filter(e -> !e.isEmpty())),
                Optional.of(Optional.of(form.text("displayName").strip()).filter(d -> !d.isEmpty()))),
                changed -> "Profile of " + changed.username() + " saved.");
    }

    private void role(ServerRequest req, ServerResponse res) {
        Actor admin = admin(req);
        User user = find(req);
        FormBody form = FormBody.read(req);
        Optional<Role> role = Role.parse(form.text("role"));
        if (role.isEmpty()) {
            back(req, res, user, Flash.Message.error("Choose a role: admin, user or viewer."));
            return;
        }
        change(req, res, admin, user, new Accounts.Changes(role, Optional.empty(), Optional.empty(), Optional.empty()),
                changed -> changed.role() == user.role()
                        ? changed.username() + " already has the role " + changed.role().text() + "."
                        : changed.username() + " is now " + changed.role().text() + ".");
    }

    private void disable(ServerRequest req, ServerResponse res) {
        Actor admin = admin(req);
        User user = find(req);
        FormBody form = FormBody.read(req);
        if (!Confirmation.given(form)) {
            new Confirmation("Disable " + user.username() + "?", disableQuestion(user, admin), path(user.username())
                    + "/disable", List.of(), "Disable", true, path(user.username())).show(views, req, res);
            return;
        }
        change(req, res, admin, user, new Accounts.Changes(Optional.empty(), Optional.of(true), Optional.empty(),
                Optional.empty()), changed -> changed.username() + " is disabled: its sessions ended and its API tokens"
                + " are revoked.");
    }

    private static String disableQuestion(User user, Actor admin) {
        return user.username() + " can no longer sign in; its sessions end and its API tokens are revoked for good"
                + " (enabling it again does not bring them back)."
                + (user.username().equals(admin.name()) ? " This is your own account: you are signed out." : "");
    }

    private void enable(ServerRequest req, ServerResponse res) {
        Actor admin = admin(req);
        User user = find(req);
        FormBody.read(req);
        change(req, res, admin, user, new Accounts.Changes(Optional.empty(), Optional.of(false), Optional.empty(),
                Optional.empty()), changed -> changed.username() + " is enabled again.");
    }

    private void change(ServerRequest req, ServerResponse res, Actor admin, User user, Accounts.Changes changes,
                        Function<User, String> success) {
        act(req, res, user, () -> success.apply(accounts.change(admin, user.username(), changes)));
    }

    /**
     * Makes a change through the accounts core and goes back to the account's page, which says what
     * {@code change} returned, or why the core refused.
     */
    private void act(ServerRequest req, ServerResponse res, User user, Supplier<String> change) {
        Flash.Message message;
        try {
            message = Flash.Message.success(change.get());
        } catch (AccountException e) {
            message = Flash.Message.error(UserMessages.of(e));
        }
        back(req, res, user, message);
    }

    private void resetPassword(ServerRequest req, ServerResponse res) {
        Actor admin = admin(req);
        User user = find(req);
        FormBody form = FormBody.read(req);
        if (!form.text("newPassword").equals(form.text("repeatPassword"))) {
            back(req, res, user, Flash.Message.error("The two passwords differ; the password was not changed."));
            return;
        }
        act(req, res, user, () -> {
            Accounts.Reset reset = accounts.resetPassword(admin, user.username(), form.text("newPassword"));
            return "Password of " + user.username() + " reset: " + count(reset.sessionsEnded(), "session")
                    + " ended, " + count(reset.tokensRevoked(), "API token") + " revoked."
                    + (user.source() == User.Source.SSO ? " " + user.username() + " is a local account now." : "");
        });
    }

    private void endSessions(ServerRequest req, ServerResponse res) {
        Actor admin = admin(req);
        User user = find(req);
        FormBody form = FormBody.read(req);
        if (!Confirmation.given(form)) {
            new Confirmation("End the sessions of " + user.username() + "?", "Every browser signed in as "
                    + user.username() + " is signed out; its API tokens keep working."
                    + (user.username().equals(admin.name()) ? " This is your own account: you are signed out too." : ""),
                    path(user.username()) + "/sessions", List.of(), "End sessions", true, path(user.username()))
                    .show(views, req, res);
            return;
        }
        act(req, res, user, () -> count(accounts.endSessions(admin, user.username()), "session") + " of "
                + user.username() + " ended.");
    }

    private void back(ServerRequest req, ServerResponse res, User user, Flash.Message message) {
        views.seeOther(req, res, path(user.username()), message);
    }

    static String count(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** The account the path names (as the API reads it: a segment that could not be a username names none, 404). */
    private User find(ServerRequest req) {
        String username = UsersService.username(req);
        return users.find(username).orElseThrow(() -> UsersService.noSuchUser(username));
    }
}
