package com.seglamater.hivemind.server.users;

import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.server.auth.Access;
import com.seglamater.hivemind.server.auth.AccountErrors;
import com.seglamater.hivemind.server.identity.Accounts;
import com.seglamater.hivemind.server.identity.Actor;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.identity.User;
import com.seglamater.hivemind.server.identity.UserFields;
import com.seglamater.hivemind.server.identity.UserStore;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.Json;
import com.seglamater.hivemind.server.web.JsonBody;
import com.seglamater.hivemind.server.web.Params;
import com.seglamater.hivemind.server.web.RequestInfo;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/users}, for admins: list and search, create, read, change (role, disabled,
 * email, display name), reset a password, end someone's sessions. Disabling an account or
 * resetting its password ends its sessions and revokes its API tokens: both are what an
 * admin does when an account may be in the wrong hands, and re-enabling it later must not
 * bring an old token back to life. The last enabled admin can be neither demoted
 * nor disabled, so the server cannot be left without an administrator by mistake. The rules
 * are the accounts core's ({@link Accounts}); this class reads the requests and answers them.
 */
public final class UsersService implements HttpService {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    static final int MAX_OFFSET = 1_000_000;
    private static final Set<String> PATCHABLE = Set.of("role", "disabled", "email", "displayName");

    private final Accounts accounts;
    private final UserStore users;

    public UsersService(Accounts accounts, UserStore users) {
        this.accounts = accounts;
        this.users = users;
    }

    /** {@code POST /api/v1/users}. */
    record NewUserRequest(String username, String email, String displayName, String role, String password) {
        @Override
        public String toString() {
            return "NewUserRequest[username=" + username + "]";
        }
    }

    record PasswordReset(String newPassword) {
        @Override
        public String toString() {
            return "PasswordReset[(hidden)]";
        }
    }

    public record Page(List<UserView> items, long total, int limit, int offset) {
    }

    /** {@code DELETE /api/v1/users/{username}/sessions}. */
    public record Ended(long sessionsEnded) {
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .post("/", this::create)
                .get("/{username}", this::get)
                .patch("/{username}", this::change)
                .post("/{username}/password", this::resetPassword)
                .delete("/{username}/sessions", this::endSessions);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Access.require(req, Role.ADMIN);
        Optional<String> query = Params.text(req, "q");
        Optional<Role> role = Params.text(req, "role").map(text -> Role.parse(text).orElseThrow(() ->
                ApiException.badRequest("invalid_parameter", "role must be admin, user or viewer")));
        Optional<Boolean> disabled = Params.bool(req, "disabled");
        int limit = Params.integer(req, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        int offset = Params.integer(req, "offset", 0, 0, MAX_OFFSET);
        UserStore.Page page = users.search(query, role, disabled, limit, offset);
        Json.ok(res, new Page(page.users().stream().map(UserView::of).toList(), page.total(), limit, offset));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Actor admin = admin(req);
        NewUserRequest body = JsonBody.read(req, NewUserRequest.class);
        Optional<Role> role = Optional.ofNullable(body.role()).map(text -> Role.parse(text)
                .orElseThrow(() -> ApiException.invalidField("role", "must be admin, user or viewer")));
        User created = AccountErrors.call(() -> accounts.create(admin, new Accounts.NewAccount(body.username(),
                Optional.ofNullable(body.email()), Optional.ofNullable(body.displayName()), role, body.password())));
        Json.send(res, Status.CREATED_201, UserView.of(created));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Access.require(req, Role.ADMIN);
        String username = username(req);
        Json.ok(res, UserView.of(users.find(username).orElseThrow(() -> noSuchUser(username))));
    }

    /** {@code PATCH}: only the fields present change; {@code null} clears email or display name. */
    private void change(ServerRequest req, ServerResponse res) {
        Actor admin = admin(req);
        String username = username(req);
        JsonNode body = JsonBody.tree(req);
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!PATCHABLE.contains(name)) {
                throw ApiException.invalidField(name, "is not a field that can be changed (role, disabled, email, displayName)");
            }
        }
        Accounts.Changes changes = new Accounts.Changes(
                Optional.ofNullable(body.get("role")).map(value -> (value.isTextual() ? Role.parse(value.asText())
                        : Optional.<Role>empty()).orElseThrow(() -> ApiException.invalidField("role",
                        "must be admin, user or viewer"))),
                Optional.ofNullable(body.get("disabled")).map(value -> {
                    if (!value.isBoolean()) {
                        throw ApiException.invalidField("disabled", "must be true or false");
                    }
                    return value.booleanValue();
                }),
                optionalText(body, "email"), optionalText(body, "displayName"));
        Json.ok(res, UserView.of(AccountErrors.call(() -> accounts.change(admin, username, changes))));
    }

    /** Absent: no change; {@code null} or empty: cleared. */
    private static Optional<Optional<String>> optionalText(JsonNode body, String field) {
        if (!body.has(field)) {
            return Optional.empty();
        }
        JsonNode value = body.get(field);
        if (value.isNull()) {
            return Optional.of(Optional.empty());
        }
        if (!value.isTextual()) {
            throw ApiException.invalidField(field, "must be a string or null");
        }
        return Optional.of(Optional.of(value.asText()).filter(v -> !v.isEmpty()));
    }

    /** Sets a new password for someone who lost theirs; all their sessions end and their tokens are revoked. */
    private void resetPassword(ServerRequest req, ServerResponse res) {
        Actor admin = admin(req);
        String username = username(req);
        PasswordReset body = JsonBody.read(req, PasswordReset.class);
        AccountErrors.call(() -> accounts.resetPassword(admin, username, body.newPassword()));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void endSessions(ServerRequest req, ServerResponse res) {
        Actor admin = admin(req);
        String username = username(req);
        Json.ok(res, new Ended(AccountErrors.call(() -> accounts.endSessions(admin, username))));
    }

    private static Actor admin(ServerRequest req) {
        return Actor.of(RequestInfo.of(req), Access.require(req, Role.ADMIN).name());
    }

    /** A path segment that could not be a username names no user (and never reaches SQL). */
    static String username(ServerRequest req) {
        String username = req.path().pathParameters().get("username");
        if (UserFields.usernameProblem(username).isPresent()) {
            throw ApiException.notFound("no such user");
        }
        return username;
    }

    static ApiException noSuchUser(String username) {
        return ApiException.notFound("no such user: " + username);
    }
}
