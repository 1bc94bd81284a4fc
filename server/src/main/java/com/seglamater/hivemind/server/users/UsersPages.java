package com.seglamater.hivemind.server.users;

import com.seglamater.hivemind.server.auth.Access;
import com.seglamater.hivemind.server.identity.AccountException;
import com.seglamater.hivemind.server.identity.Accounts;
import com.seglamater.hivemind.server.identity.Actor;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.identity.SessionStore;
import com.seglamater.hivemind.server.identity.User;
import com.seglamater.hivemind.server.identity.UserFields;
import com.seglamater.hivemind.server.identity.UserStore;
import com.seglamater.hivemind.server.ui.Confirmation;
import com.seglamater.hivemind.server.ui.Flash;
import com.seglamater.hivemind.server.ui.Links;
import com.seglamater.hivemind.server.ui.Views;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.FormBody;
import com.seglamater.hivemind.server.web.Params;
import com.seglamater.hivemind.server.web.RequestInfo;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The users pages, for admins: {@code /users} (search, filters, paging, and a form for a new
 * local account) and {@code /users/{username}} (the account, its profile, role, password, access
 * and sessions). Every change goes through the accounts core ({@link Accounts}), which keeps its
 * rules (the last enabled admin stays, an SSO account's role follows its groups while forward auth
 * is on) and audits it; its refusals come back as a message on the page ({@link UserMessages}).
 * Disabling an account and ending its sessions are confirmed first ({@link Confirmation}).
 */
public final class UsersPages implements HttpService {

    static final int PAGE_SIZE = 25;

    private final Views views;
    private final Accounts accounts;
    private final UserStore users;
    private final SessionStore sessions;
    private final Optional<Role> defaultRole;
    private final Clock clock;

    /** {@code defaultRole}: what a new account's form proposes ({@code HIVEMIND_DEFAULT_ROLE}; empty: none). */
    public UsersPages(Views views, Accounts accounts, UserStore users, SessionStore sessions, Optional<Role> defaultRole,
                      Clock clock) {
        this.views = views;
        this.accounts = accounts;
        this.users = users;
        this.sessions = sessions;
        this.defaultRole = defaultRole;
        this.clock = clock;
    }

    /** The list's search and filters, as the form sent them; {@link #query} keeps them across pages. */
    public record Filters(String q, String role, String status) {

        public String query(int offset) {
            Map<String, String> values = new LinkedHashMap<>();
            values.put("q", q);
            values.put("role", role);
            values.put("status", status);
            values.put("offset", offset > 0 ? Integer.toString(offset) : "");
            return Links.query(values);
        }
    }

    /** One page of the list; {@code from} and {@code to} count from 1 for "11–20 of 40". */
    public record Listing(List<User> users, long total, int offset, Filters filters) {

        public int from() {
            return users.isEmpty() ? 0 : offset + 1;
        }

        public int to() {
            return offset + users.size();
        }

        public Optional<String> previous() {
            return offset == 0 ? Optional.empty() : Optional.of("/users" + filters.query(Math.max(0, offset - PAGE_SIZE)));
        }

        public Optional<String> next() {
            return offset + users.size() >= total ? Optional.empty()
                    : Optional.of("/users" + filters.query(offset + PAGE_SIZE));
        }
    }

    /**
     * The new-account form as sent, to draw it again after a refusal (never the password);
     * {@code field} names the field at fault.
     */
    public record NewUserForm(String username, String displayName, String email, String role, Optional<String> error,
                              Optional<String> field) {

        static NewUserForm empty(Optional<Role> role) {
            return new NewUserForm("", "", "", role.map(Role::text).orElse(""), Optional.empty(), Optional.empty());
        }

        /** {@code "true"} on the field at fault, for {@code aria-invalid}; null drops the attribute. */
        public String invalid(String name) {
            return field.filter(name::equals).map(f -> "true").orElse(null);
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/users", this::list)
                .post("/users", this::create)
                .get("/users/{username}", this::account)
                .post("/users/{username}/profile", this::profile)
                .post("/users/{username}/role", this::role)
                .post("/users/{username}/disable", this::disable)
                .post("/users/{username}/enable", this::enable)
                .post("/users/{username}/password", this::resetPassword)
                .post("/users/{username}/sessions", this::endSessions);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Access.require(req, Role.ADMIN);
        listPage(req, res, Status.OK_200, NewUserForm.empty(defaultRole), false);
    }

    private void listPage(ServerRequest req, ServerResponse res, Status status, NewUserForm form, boolean formOpen) {
        Filters filters = new Filters(Params.text(req, "q").orElse(""), Params.text(req, "role").orElse(""),
                Params.text(req, "status").orElse(""));
        Optional<Role> role = filters.role().isEmpty() ? Optional.empty() : Optional.of(Role.parse(filters.role())
                .orElseThrow(() -> ApiException.badRequest("invalid_parameter", "role must be admin, user or viewer")));
        Optional<Boolean> disabled = switch (filters.status()) {
            case "" -> Optional.empty();
            case "enabled" -> Optional.of(false);
            case "disabled" -> Optional.of(true);
            default -> throw ApiException.badRequest("invalid_parameter", "status must be enabled or disabled");
        };
        int offset = Params.integer(req, "offset", 0, 0, UsersService.MAX_OFFSET);
        UserStore.Page page = users.search(Optional.of(filters.q()).filter(q -> !q.isEmpty()), role, disabled,
                PAGE_SIZE, offset);
        views.page(req, res, status, "users/list.jte", Map.of("listing", new Listing(page.users(), page.total(), offset,
                filters), "form", form, "formOpen", formOpen, "forwardAuth", views.methods().forwardAuth()));
    }

    /**
     * A new local account. A refusal draws the list again with the form open, its values kept (the
     * password is typed again) and the field at fault marked.
     */
    private void create(ServerRequest req, ServerResponse res) {
        Actor admin = admin(req);
        FormBody form = FormBody.read(req);
        NewUserForm sent = new NewUserForm(form.text("username").strip(), form.text("displayName").strip(),
                form.text("email").strip(), form.text("role"), Optional.empty(), Optional.empty());
        if (!form.text("password").equals(form.text("repeatPassword"))) {
            listPage(req, res, Status.BAD_REQUEST_400, failed(sent, "The two passwords differ.", "repeatPassword"), true);
            return;
        }
        try {
            User created = accounts.create(admin, new Accounts.NewAccount(sent.username(), Optional.of(sent.email()),
                    Optional.of(sent.displayName()), Role.parse(sent.role()), form.text("password")));
            views.seeOther(req, res, path(created.username()), Flash.Message.success("User " + created.username()
                    + " created."));
        } catch (AccountException e) {
            Status status = e.reason() == AccountException.Reason.USERNAME_TAKEN ? Status.CONFLICT_409
                    : Status.BAD_REQUEST_400;
            listPage(req, res, status, failed(sent, UserMessages.of(e), e.field().orElse(
                    e.reason() == AccountException.Reason.USERNAME_TAKEN ? "username" : "")), true);
        }
    }

    private static NewUserForm failed(NewUserForm sent, String message, String field) {
        return new NewUserForm(sent.username(), sent.displayName(), sent.email(), sent.role(), Optional.of(message),
                Optional.of(field).filter(f -> !f.isEmpty()));
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

    static String disableQuestion(User user, Actor admin) {
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
        Flash.Message message;
        try {
            message = Flash.Message.success(success.apply(accounts.change(admin, user.username(), changes)));
        } catch (AccountException e) {
            message = Flash.Message.error(UserMessages.of(e));
        }
        back(req, res, user, message);
    }

    private void resetPassword(ServerRequest req, ServerResponse res) {
        Actor admin = admin(req);
        User user = find(req);
        FormBody form = FormBody.read(req);
        Flash.Message message;
        if (!form.text("newPassword").equals(form.text("repeatPassword"))) {
            message = Flash.Message.error("The two passwords differ; the password was not changed.");
        } else {
            try {
                Accounts.Reset reset = accounts.resetPassword(admin, user.username(), form.text("newPassword"));
                message = Flash.Message.success("Password of " + user.username() + " reset: " + count(reset.sessionsEnded(),
                        "session") + " ended, " + count(reset.tokensRevoked(), "API token") + " revoked."
                        + (user.source() == User.Source.SSO ? " " + user.username() + " is a local account now." : ""));
            } catch (AccountException e) {
                message = Flash.Message.error(UserMessages.of(e));
            }
        }
        back(req, res, user, message);
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
        Flash.Message message;
        try {
            message = Flash.Message.success(count(accounts.endSessions(admin, user.username()), "session") + " of "
                    + user.username() + " ended.");
        } catch (AccountException e) {
            message = Flash.Message.error(UserMessages.of(e));
        }
        back(req, res, user, message);
    }

    private void back(ServerRequest req, ServerResponse res, User user, Flash.Message message) {
        views.seeOther(req, res, path(user.username()), message);
    }

    static String count(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** The path of the account's page. */
    public static String path(String username) {
        return "/users/" + URLEncoder.encode(username, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Actor admin(ServerRequest req) {
        return Actor.of(RequestInfo.of(req), Access.require(req, Role.ADMIN).name());
    }

    /** The account the path names; a segment that could not be a username names none (404). */
    private User find(ServerRequest req) {
        String username = req.path().pathParameters().get("username");
        if (UserFields.usernameProblem(username).isPresent()) {
            throw ApiException.notFound("no such user");
        }
        return users.find(username).orElseThrow(() -> ApiException.notFound("no such user: " + username));
    }
}
