package com.seglamater.hivemind.server.users;

import com.seglamater.hivemind.server.identity.User;
import com.seglamater.hivemind.server.identity.UserFields;
import com.seglamater.hivemind.server.identity.UserStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.auth.Access;
import com.seglamater.hivemind.server.account.AccountService;
import com.seglamater.hivemind.server.identity.PasswordHasher;
import com.seglamater.hivemind.server.identity.PasswordPolicy;
import com.seglamater.hivemind.server.auth.Principal;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.identity.SessionStore;
import com.seglamater.hivemind.server.identity.TokenStore;
import com.seglamater.hivemind.server.db.Sql;
import com.seglamater.hivemind.server.identity.RoleMapping;
import com.seglamater.hivemind.server.web.ApiException;
import com.seglamater.hivemind.server.web.Json;
import com.seglamater.hivemind.server.web.JsonBody;
import com.seglamater.hivemind.server.web.Params;
import com.seglamater.hivemind.server.web.RequestInfo;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Instant;
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
 * nor disabled, so the server cannot be left without an administrator by mistake.
 */
public final class UsersService implements HttpService {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    static final int MAX_OFFSET = 1_000_000;
    private static final Set<String> PATCHABLE = Set.of("role", "disabled", "email", "displayName");

    private final DbClient db;
    private final UserStore users;
    private final SessionStore sessions;
    private final TokenStore tokens;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Optional<Role> defaultRole;
    private final Clock clock;
    private final Optional<RoleMapping> groupRoles;

    /**
     * {@code defaultRole}: the role of a new account whose request names none (HIVEMIND_DEFAULT_ROLE); empty: required.
     * {@code groupRoles}: with forward auth on, the rules that give SSO accounts their role from
     * their groups, which an admin's change would only fight.
     */
    public UsersService(DbClient db, UserStore users, SessionStore sessions, TokenStore tokens, PasswordHasher hasher,
                        AuditLog audit, Optional<Role> defaultRole, Clock clock, Optional<RoleMapping> groupRoles) {
        this.db = db;
        this.users = users;
        this.sessions = sessions;
        this.tokens = tokens;
        this.hasher = hasher;
        this.audit = audit;
        this.defaultRole = defaultRole;
        this.clock = clock;
        this.groupRoles = groupRoles;
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
        Principal admin = Access.require(req, Role.ADMIN);
        NewUserRequest body = JsonBody.read(req, NewUserRequest.class);
        UserStore.NewUser user = validate(body);
        Instant now = clock.instant();
        RequestInfo info = RequestInfo.of(req);
        User created;
        try {
            created = Sql.inTransaction(db, tx -> {
                User u = users.create(tx, user, now);
                audit.record(tx, AuditEvent.of(info, admin.name(), "user.created", AuditEvent.Outcome.SUCCESS)
                        .target(u.username()).detail("role", u.role().text()));
                return u;
            });
        } catch (UserStore.UsernameTakenException e) {
            throw ApiException.conflict("username_taken", "the username '" + body.username() + "' is taken");
        }
        Json.send(res, Status.CREATED_201, UserView.of(created));
    }

    private UserStore.NewUser validate(NewUserRequest body) {
        Optional<String> email = Optional.ofNullable(body.email()).filter(e -> !e.isEmpty());
        Optional<String> displayName = Optional.ofNullable(body.displayName()).filter(d -> !d.isEmpty());
        UserFields.newAccountProblem(body.username(), email, displayName).ifPresent(p -> {
            throw ApiException.invalidField(p.field(), p.message());
        });
        Role role = body.role() == null
                ? defaultRole.orElseThrow(() -> ApiException.invalidField("role",
                        "is required (admin, user or viewer): HIVEMIND_DEFAULT_ROLE is none"))
                : Role.parse(body.role()).orElseThrow(() -> ApiException.invalidField("role", "must be admin, user or viewer"));
        if (body.password() == null) {
            throw ApiException.invalidField("password", "is required");
        }
        PasswordPolicy.problem(body.password()).ifPresent(p -> {
            throw ApiException.badRequest("weak_password", "password: " + p);
        });
        return new UserStore.NewUser(body.username(), email, displayName, role, User.Source.LOCAL,
                Optional.of(hasher.hash(body.password())));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Access.require(req, Role.ADMIN);
        String username = username(req);
        Json.ok(res, UserView.of(users.find(username).orElseThrow(() -> noSuchUser(username))));
    }

    /**
     * {@code PATCH}: only the fields present change; {@code null} clears email or display
     * name. Each change is audited on its own ({@code user.role_changed}, {@code user.disabled},
     * {@code user.enabled}, {@code user.updated}).
     */
    private void change(ServerRequest req, ServerResponse res) {
        Principal admin = Access.require(req, Role.ADMIN);
        String username = username(req);
        JsonNode body = JsonBody.tree(req);
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!PATCHABLE.contains(name)) {
                throw ApiException.invalidField(name, "is not a field that can be changed (role, disabled, email, displayName)");
            }
        }
        RequestInfo info = RequestInfo.of(req);
        Instant now = clock.instant();
        boolean mayDemote = body.has("role") || body.has("disabled");
        User updated = Sql.inTransaction(db, tx -> {
            // Locks in one order for every change that could remove an admin: all enabled
            // admins first, then the account. Two concurrent demotions then queue instead of
            // deadlocking, and the second sees what the first left.
            List<Long> admins = mayDemote ? users.lockEnabledAdmins(tx) : List.of();
            User current = users.lock(tx, username).orElseThrow(() -> noSuchUser(username));
            User changed = apply(current, body);
            guardGroupRole(current, changed);
            guardLastAdmin(admins, current, changed);
            if (changed.equals(current)) {
                return current;
            }
            User stored = users.update(tx, changed, now);
            AuditEvent disabling = AuditEvent.of(info, admin.name(), "user.disabled", AuditEvent.Outcome.SUCCESS)
                    .target(stored.username());
            if (stored.disabled() && !current.disabled()) {
                disabling = disabling.detail("sessionsEnded", sessions.deleteAll(tx, stored.id()))
                        .detail("tokensRevoked", tokens.revokeAll(tx, stored.id(), now));
            }
            auditChanges(tx, info, admin, current, stored, disabling);
            return stored;
        });
        Json.ok(res, UserView.of(updated));
    }

    private static User apply(User user, JsonNode body) {
        Role role = user.role();
        if (body.has("role")) {
            JsonNode value = body.get("role");
            role = (value.isTextual() ? Role.parse(value.asText()) : Optional.<Role>empty())
                    .orElseThrow(() -> ApiException.invalidField("role", "must be admin, user or viewer"));
        }
        boolean disabled = user.disabled();
        if (body.has("disabled")) {
            if (!body.get("disabled").isBoolean()) {
                throw ApiException.invalidField("disabled", "must be true or false");
            }
            disabled = body.get("disabled").booleanValue();
        }
        Optional<String> email = body.has("email") ? optionalText(body, "email") : user.email();
        email.flatMap(UserFields::emailProblem).ifPresent(p -> {
            throw ApiException.invalidField("email", p);
        });
        Optional<String> displayName = body.has("displayName") ? optionalText(body, "displayName") : user.displayName();
        displayName.flatMap(UserFields::displayNameProblem).ifPresent(p -> {
            throw ApiException.invalidField("displayName", p);
        });
        return new User(user.id(), user.username(), email, displayName, role, user.source(), disabled, user.createdAt(),
                user.updatedAt(), user.lastSeenAt());
    }

    private static Optional<String> optionalText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw ApiException.invalidField(field, "must be a string or null");
        }
        return Optional.of(value.asText()).filter(v -> !v.isEmpty());
    }

    /** {@code admins}: the enabled admins, locked by the caller. */
    private static void guardLastAdmin(List<Long> admins, User current, User changed) {
        boolean wasActiveAdmin = current.role() == Role.ADMIN && !current.disabled();
        boolean staysActiveAdmin = changed.role() == Role.ADMIN && !changed.disabled();
        if (wasActiveAdmin && !staysActiveAdmin) {
            if (admins.size() <= 1) {
                throw ApiException.conflict("last_admin", "'" + current.username()
                        + "' is the last enabled admin; make another account admin first");
            }
        }
    }

    /** With forward auth on, an SSO account's role is its groups' (re-derived on its every request). */
    private void guardGroupRole(User current, User changed) {
        if (groupRoles.isPresent() && current.source() == User.Source.SSO && changed.role() != current.role()) {
            RoleMapping rules = groupRoles.get();
            throw ApiException.conflict("role_from_groups", "the role of '" + current.username()
                    + "' follows its groups at the identity provider while forward auth is on (members of '"
                    + rules.adminGroup() + "' are admins, of '" + rules.userGroup() + "' users, others "
                    + rules.defaultRole().map(Role::text).orElse("denied") + "); change the groups there");
        }
    }

    /** {@code disabling}: the entry for a disable, with what it ended. */
    private void auditChanges(DbExecute tx, RequestInfo info, Principal admin, User before, User after,
                              AuditEvent disabling) {
        if (before.role() != after.role()) {
            audit.record(tx, AuditEvent.of(info, admin.name(), "user.role_changed", AuditEvent.Outcome.SUCCESS)
                    .target(after.username()).detail("from", before.role().text()).detail("to", after.role().text()));
        }
        if (before.disabled() != after.disabled()) {
            audit.record(tx, after.disabled() ? disabling : AuditEvent.of(info, admin.name(), "user.enabled",
                    AuditEvent.Outcome.SUCCESS).target(after.username()));
        }
        if (!before.email().equals(after.email()) || !before.displayName().equals(after.displayName())) {
            audit.record(tx, AuditEvent.of(info, admin.name(), "user.updated", AuditEvent.Outcome.SUCCESS)
                    .target(after.username())
                    .detail("emailChanged", !before.email().equals(after.email()))
                    .detail("displayNameChanged", !before.displayName().equals(after.displayName())));
        }
    }

    /** Sets a new password for someone who lost theirs; all their sessions end and their tokens are revoked. */
    private void resetPassword(ServerRequest req, ServerResponse res) {
        Principal admin = Access.require(req, Role.ADMIN);
        String username = username(req);
        PasswordReset body = JsonBody.read(req, PasswordReset.class);
        if (body.newPassword() == null) {
            throw ApiException.invalidField("newPassword", "is required");
        }
        PasswordPolicy.problem(body.newPassword()).ifPresent(p -> {
            throw ApiException.badRequest("weak_password", "newPassword: " + p);
        });
        User user = users.find(username).orElseThrow(() -> noSuchUser(username));
        if (user.source() != User.Source.LOCAL) {
            throw ApiException.conflict("no_local_password", "'" + user.username()
                    + "' signs in through SSO; its password is managed by the identity provider");
        }
        String hash = hasher.hash(body.newPassword());
        RequestInfo info = RequestInfo.of(req);
        Instant now = clock.instant();
        Sql.inTransaction(db, tx -> {
            users.setPassword(tx, user.id(), hash, now);
            long ended = sessions.deleteAll(tx, user.id());
            long revoked = tokens.revokeAll(tx, user.id(), now);
            audit.record(tx, AuditEvent.of(info, admin.name(), "user.password_reset", AuditEvent.Outcome.SUCCESS)
                    .target(user.username()).detail("sessionsEnded", ended).detail("tokensRevoked", revoked));
            return null;
        });
        res.status(Status.NO_CONTENT_204).send();
    }

    private void endSessions(ServerRequest req, ServerResponse res) {
        Principal admin = Access.require(req, Role.ADMIN);
        String username = username(req);
        User user = users.find(username).orElseThrow(() -> noSuchUser(username));
        RequestInfo info = RequestInfo.of(req);
        long ended = Sql.inTransaction(db, tx -> {
            long n = sessions.deleteAll(tx, user.id());
            audit.record(tx, AuditEvent.of(info, admin.name(), "user.sessions_revoked", AuditEvent.Outcome.SUCCESS)
                    .target(user.username()).detail("sessionsEnded", n));
            return n;
        });
        Json.ok(res, new AccountService.Ended(ended));
    }

    /** A path segment that could not be a username names no user (and never reaches SQL). */
    private static String username(ServerRequest req) {
        String username = req.path().pathParameters().get("username");
        if (UserFields.usernameProblem(username).isPresent()) {
            throw ApiException.notFound("no such user");
        }
        return username;
    }

    private static ApiException noSuchUser(String username) {
        return ApiException.notFound("no such user: " + username);
    }
}
