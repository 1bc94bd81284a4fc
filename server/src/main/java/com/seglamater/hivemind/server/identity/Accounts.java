package com.seglamater.hivemind.server.identity;

import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.db.Sql;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbExecute;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The accounts core: the one place that creates accounts (API, {@code users create}, SSO
 * provisioning through {@link ProviderAccounts}), changes their role, fields and disabled flag,
 * sets passwords and ends what an account may still do. Each change is one transaction with its
 * audit entries, and every change that could remove an admin keeps the last-admin rule
 * ({@link AdminLocks}). Callers check who may ask (the API's roles, the CLI's database access);
 * this class checks what may be done, and refuses with an {@link AccountException}.
 */
public final class Accounts {

    private final DbClient db;
    private final UserStore users;
    private final SessionStore sessions;
    private final TokenStore tokens;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock;
    private final Optional<Role> defaultRole;
    private final Optional<RoleMapping> groupRoles;
    private final Optional<ProviderAccounts> provider;

    /**
     * {@code defaultRole}: the role of a new local account whose request names none
     * ({@code HIVEMIND_DEFAULT_ROLE}); empty: a role is required. {@code groupRoles}: with forward
     * auth on, the rules that give SSO accounts their role from their groups (an admin's change
     * would only fight them).
     */
    public Accounts(DbClient db, UserStore users, SessionStore sessions, TokenStore tokens, PasswordHasher hasher,
                    AuditLog audit, Clock clock, Optional<Role> defaultRole, Optional<RoleMapping> groupRoles) {
        this.db = db;
        this.users = users;
        this.sessions = sessions;
        this.tokens = tokens;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
        this.defaultRole = defaultRole;
        this.groupRoles = groupRoles;
        this.provider = groupRoles.map(mapping -> new ProviderAccounts(this, mapping));
    }

    /** A new local account as asked for; {@code role} empty: the default role. */
    public record NewAccount(String username, Optional<String> email, Optional<String> displayName,
                             Optional<Role> role, String password) {
        public NewAccount {
            email = Objects.requireNonNull(email, "email").filter(e -> !e.isEmpty());
            displayName = Objects.requireNonNull(displayName, "displayName").filter(d -> !d.isEmpty());
            Objects.requireNonNull(role, "role");
        }

        @Override
        public String toString() {
            return "NewAccount[username=" + username + "]";
        }
    }

    /**
     * What an admin changes; an empty field stays as it is. {@code email} and {@code displayName}
     * hold {@code Optional.empty()} inside to clear the value.
     */
    public record Changes(Optional<Role> role, Optional<Boolean> disabled, Optional<Optional<String>> email,
                          Optional<Optional<String>> displayName) {
        public static final Changes NONE = new Changes(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** What a password reset ended. */
    public record Reset(User user, long sessionsEnded, long tokensRevoked) {
    }

    public Optional<User> find(String username) {
        return users.find(username);
    }

    /** {@code user.created}. */
    public User create(Actor actor, NewAccount account) {
        UserFields.newAccountProblem(account.username(), account.email(), account.displayName())
                .ifPresent(p -> {
                    throw AccountException.invalid(p.field(), p.message());
                });
        Role role = account.role().or(() -> defaultRole).orElseThrow(() -> AccountException.invalid("role",
                "is required (admin, user or viewer): HIVEMIND_DEFAULT_ROLE is none"));
        if (account.password() == null) {
            throw AccountException.invalid("password", "is required");
        }
        PasswordPolicy.problem(account.password()).ifPresent(p -> {
            throw AccountException.weak("password", p);
        });
        UserStore.NewUser user = new UserStore.NewUser(account.username(), account.email(), account.displayName(),
                role, User.Source.LOCAL, Optional.of(hasher.hash(account.password())));
        Instant now = clock.instant();
        try {
            return Sql.inTransaction(db, tx -> {
                User created = users.create(tx, user, now);
                audit.record(tx, actor.event("user.created", created.username()).detail("role", role.text()));
                return created;
            });
        } catch (UserStore.UsernameTakenException e) {
            throw AccountException.of(AccountException.Reason.USERNAME_TAKEN,
                    "the username '" + account.username() + "' is taken");
        }
    }

    /**
     * Changes role, disabled flag, email and display name, each audited on its own
     * ({@code user.role_changed}, {@code user.disabled} with the sessions and tokens it ended,
     * {@code user.enabled}, {@code user.updated}).
     */
    public User change(Actor actor, String username, Changes changes) {
        changes.email().flatMap(e -> e).flatMap(UserFields::emailProblem).ifPresent(p -> {
            throw AccountException.invalid("email", p);
        });
        changes.displayName().flatMap(d -> d).flatMap(UserFields::displayNameProblem).ifPresent(p -> {
            throw AccountException.invalid("displayName", p);
        });
        Instant now = clock.instant();
        boolean mayDemote = changes.role().isPresent() || changes.disabled().isPresent();
        return Sql.inTransaction(db, tx -> {
            AdminLocks admins = mayDemote ? AdminLocks.lock(users, tx) : AdminLocks.NONE;
            User current = users.lock(tx, username).orElseThrow(() -> noSuchUser(username));
            User changed = new User(current.id(), current.username(),
                    changes.email().orElse(current.email()), changes.displayName().orElse(current.displayName()),
                    changes.role().orElse(current.role()), current.source(),
                    changes.disabled().orElse(current.disabled()), current.createdAt(), current.updatedAt(),
                    current.lastSeenAt());
            guardGroupRole(current, changed);
            admins.refuseLosingLast(current, changed);
            if (changed.equals(current)) {
                return current;
            }
            User stored = users.update(tx, changed, now);
            if (current.role() != stored.role()) {
                audit.record(tx, actor.event("user.role_changed", stored.username())
                        .detail("from", current.role().text()).detail("to", stored.role().text()));
            }
            if (stored.disabled() && !current.disabled()) {
                audit.record(tx, actor.event("user.disabled", stored.username())
                        .detail("sessionsEnded", sessions.deleteAll(tx, stored.id()))
                        .detail("tokensRevoked", tokens.revokeAll(tx, stored.id(), now)));
            } else if (!stored.disabled() && current.disabled()) {
                audit.record(tx, actor.event("user.enabled", stored.username()));
            }
            auditProfile(tx, actor, current, stored);
            return stored;
        });
    }

    /**
     * Sets a new password for someone who lost theirs; their sessions end and their API tokens
     * are revoked ({@code user.password_reset}). The account is read, locked, in the same
     * transaction as the write, so an SSO link that commits first wins and no password lands on an
     * SSO account. While forward auth is off, resetting an SSO account's password makes it a
     * local account again ({@code user.unlinked}), the way back after switching SSO off.
     */
    public Reset resetPassword(Actor actor, String username, String newPassword) {
        if (newPassword == null) {
            throw AccountException.invalid("newPassword", "is required");
        }
        PasswordPolicy.problem(newPassword).ifPresent(p -> {
            throw AccountException.weak("newPassword", p);
        });
        String hash = hasher.hash(newPassword);
        Instant now = clock.instant();
        return Sql.inTransaction(db, tx -> {
            User user = users.lock(tx, username).orElseThrow(() -> noSuchUser(username));
            if (user.source() == User.Source.SSO) {
                if (groupRoles.isPresent()) {
                    throw AccountException.of(AccountException.Reason.NO_LOCAL_PASSWORD, "'" + user.username()
                            + "' signs in through SSO; its password is managed by the identity provider");
                }
                user = users.setSource(tx, user.id(), User.Source.LOCAL, now);
                audit.record(tx, actor.event("user.unlinked", user.username()).detail("from", "sso")
                        .detail("reason", "password set while forward auth is off"));
            }
            users.setPassword(tx, user.id(), hash, now);
            long ended = sessions.deleteAll(tx, user.id());
            long revoked = tokens.revokeAll(tx, user.id(), now);
            audit.record(tx, actor.event("user.password_reset", user.username()).detail("sessionsEnded", ended)
                    .detail("tokensRevoked", revoked));
            return new Reset(user, ended, revoked);
        });
    }

    /** Checks that a session or token still holds, inside the transaction that relies on it. */
    @FunctionalInterface
    public interface StillValid {
        boolean test(DbExecute tx);
    }

    /**
     * The account's own password change, after the caller has checked the current one against
     * {@code checkedHash}: refused (false) when the account changed since (an admin's reset or
     * disable wins) or {@code credential} no longer holds. The account's other sessions end;
     * {@code keepSession}, the one asking, stays ({@code auth.password_changed}).
     */
    public boolean changeOwnPassword(Actor actor, User user, String checkedHash, String newPassword,
                                     Optional<Long> keepSession, StillValid credential) {
        if (newPassword == null) {
            throw AccountException.invalid("newPassword", "is required");
        }
        PasswordPolicy.problem(newPassword).ifPresent(p -> {
            throw AccountException.weak("newPassword", p);
        });
        String newHash = hasher.hash(newPassword);
        Instant now = clock.instant();
        return Sql.inTransaction(db, tx -> {
            if (!users.unchanged(tx, user.id(), checkedHash) || !credential.test(tx)) {
                return false;
            }
            users.setPassword(tx, user.id(), newHash, now);
            long ended = keepSession.isPresent() ? sessions.deleteAllExcept(tx, user.id(), keepSession.get())
                    : sessions.deleteAll(tx, user.id());
            audit.record(tx, actor.event("auth.password_changed", user.username()).detail("sessionsEnded", ended));
            return true;
        });
    }

    /** Ends every session of the account ({@code user.sessions_revoked}); its API tokens stay. */
    public long endSessions(Actor actor, String username) {
        User user = users.find(username).orElseThrow(() -> noSuchUser(username));
        return Sql.inTransaction(db, tx -> {
            long ended = sessions.deleteAll(tx, user.id());
            audit.record(tx, actor.event("user.sessions_revoked", user.username()).detail("sessionsEnded", ended));
            return ended;
        });
    }

    /**
     * Forward auth: the account the proxy names, as the identity provider describes it, with the
     * role its groups give: provisioned ({@code user.provisioned}), linked if local
     * ({@code user.linked}; its password goes), or updated ({@code user.role_changed},
     * {@code user.updated}); written only when something differs. A disabled account is returned
     * as it is.
     *
     * @throws AccountException {@link AccountException.Reason#NAME_CASE_CONFLICT}: an account's
     *                          name differs from the proxy's only in case
     */
    public User syncFromProvider(Actor actor, ProviderProfile who, Role role) {
        return provider().sync(actor, who, role);
    }

    /**
     * Forward auth: the groups of {@code username} grant no access any more; its sessions end,
     * its API tokens are revoked and its role drops to viewer ({@code sso.access_revoked}).
     */
    public void revokeProviderAccess(Actor actor, String username) {
        provider().revokeAccess(actor, username);
    }

    private ProviderAccounts provider() {
        return provider.orElseThrow(() -> new IllegalStateException("forward auth is off"));
    }

    /** {@code user.updated} when email or display name differ. */
    void auditProfile(DbExecute tx, Actor actor, User before, User after) {
        boolean email = !before.email().equals(after.email());
        boolean displayName = !before.displayName().equals(after.displayName());
        if (email || displayName) {
            audit.record(tx, actor.event("user.updated", after.username()).detail("emailChanged", email)
                    .detail("displayNameChanged", displayName));
        }
    }

    /** With forward auth on, an SSO account's role is its groups' (re-derived on its every request). */
    private void guardGroupRole(User current, User changed) {
        if (groupRoles.isPresent() && current.source() == User.Source.SSO && changed.role() != current.role()) {
            RoleMapping rules = groupRoles.get();
            throw AccountException.of(AccountException.Reason.ROLE_FROM_GROUPS, "the role of '" + current.username()
                    + "' follows its groups at the identity provider while forward auth is on (members of '"
                    + rules.adminGroup() + "' are admins, of '" + rules.userGroup() + "' users, others "
                    + rules.defaultRole().map(Role::text).orElse("denied") + "); change the groups there");
        }
    }

    static AccountException noSuchUser(String username) {
        return AccountException.of(AccountException.Reason.NO_SUCH_USER, "no such user: " + username);
    }

    /** The stores and settings {@link ProviderAccounts} shares. */
    DbClient db() {
        return db;
    }

    UserStore users() {
        return users;
    }

    SessionStore sessions() {
        return sessions;
    }

    TokenStore tokens() {
        return tokens;
    }

    AuditLog audit() {
        return audit;
    }

    Clock clock() {
        return clock;
    }
}
