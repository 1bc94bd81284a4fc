package com.seglamater.hivemind.server.users;

import com.seglamater.hivemind.server.auth.Access;
import com.seglamater.hivemind.server.identity.AccountException;
import com.seglamater.hivemind.server.identity.Accounts;
import com.seglamater.hivemind.server.identity.Actor;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.identity.User;
import com.seglamater.hivemind.server.identity.UserStore;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The users list, for admins ({@code /users}): search by text, role and status, 25 a page, and
 * the form for a new local account, made by the accounts core ({@link Accounts}); a refusal draws
 * the list again with the form open, its values kept and the field at fault marked. One account's
 * page is {@link UserPages}.
 */
public final class UsersPages implements HttpService {

    static final int PAGE_SIZE = 25;

    private final Views views;
    private final Accounts accounts;
    private final UserStore users;
    private final Optional<Role> defaultRole;

    /** {@code defaultRole}: what a new account's form proposes ({@code HIVEMIND_DEFAULT_ROLE}; empty: none). */
    public UsersPages(Views views, Accounts accounts, UserStore users, Optional<Role> defaultRole) {
        this.views = views;
        this.accounts = accounts;
        this.users = users;
        this.defaultRole = defaultRole;
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
                .post("/users", this::create);
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

    /** The path of the account's page. */
    public static String path(String username) {
        return "/users/" + URLEncoder.encode(username, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static Actor admin(ServerRequest req) {
        return Actor.of(RequestInfo.of(req), Access.require(req, Role.ADMIN).name());
    }
}
