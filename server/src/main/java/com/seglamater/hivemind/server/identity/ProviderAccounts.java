package com.seglamater.hivemind.server.identity;

import com.seglamater.hivemind.server.audit.AuditEvent;
import com.seglamater.hivemind.server.db.Sql;
import io.helidon.dbclient.DbExecute;

import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The accounts an identity provider owns, through the forward-auth proxy: provisioned on first
 * sight, linked when a local account of that name exists, kept as the headers say (role from
 * groups, email, display name), and stripped of access when the groups grant none. Reached
 * through {@link Accounts#syncFromProvider} and {@link Accounts#revokeProviderAccess}.
 */
final class ProviderAccounts {

    private static final Logger LOG = Logger.getLogger(ProviderAccounts.class.getName());

    private final Accounts accounts;
    private final RoleMapping mapping;

    ProviderAccounts(Accounts accounts, RoleMapping mapping) {
        this.accounts = accounts;
        this.mapping = mapping;
    }

    /** The account as the headers say it is now: provisioned, linked or updated only when needed. */
    User sync(Actor actor, ProviderProfile who, Role role) {
        // Remembered while nothing was written (RecentCredentials): a request that changes nothing reads nothing.
        Optional<User> found = accounts.users().findRecent(who.username());
        if (found.isPresent() && !found.get().username().equals(who.username())) {
            throw caseConflict();
        }
        if (found.isPresent() && (found.get().disabled() || who.matches(found.get(), role))) {
            return found.get();
        }
        boolean demotesAdmin = found.isPresent() && found.get().role() == Role.ADMIN && role != Role.ADMIN;
        try {
            return Sql.inTransaction(accounts.db(), tx -> apply(tx, actor, who, role, demotesAdmin));
        } catch (UserStore.UsernameTakenException e) {
            // Another request provisioned the account between our read and our insert: update it instead.
            return Sql.inTransaction(accounts.db(), tx -> apply(tx, actor, who, role, demotesAdmin));
        }
    }

    static AccountException caseConflict() {
        return AccountException.of(AccountException.Reason.NAME_CASE_CONFLICT, "differs only in case from the name "
                + "of an existing Hivemind account; usernames are unique regardless of case, and the identity "
                + "provider may hold the two spellings for two people, so this one is refused: ask whoever runs the "
                + "identity provider to use the account's spelling");
    }

    /** {@code demotesAdmin}: the admins are locked first (as {@link Accounts} locks) to tell whether this is the last. */
    private User apply(DbExecute tx, Actor actor, ProviderProfile who, Role role, boolean demotesAdmin) {
        Instant now = accounts.clock().instant();
        UserStore users = accounts.users();
        AdminLocks admins = demotesAdmin ? AdminLocks.lock(users, tx) : AdminLocks.NONE;
        Optional<User> locked = users.lock(tx, who.username());
        if (locked.isPresent() && !locked.get().username().equals(who.username())) {
            throw caseConflict(); // made under another spelling since sync's read
        }
        if (locked.isEmpty()) {
            User created = users.create(tx, new UserStore.NewUser(who.username(), who.email(), who.displayName(), role,
                    User.Source.SSO, Optional.empty()), now);
            accounts.audit().record(tx, actor.event("user.provisioned", created.username()).detail("role", role.text()));
            return created;
        }
        User before = locked.get();
        if (before.disabled()) {
            return before;
        }
        User current = before;
        // Audit entries come after the locks: an entry holds the audit chain's head until commit (AuditLog).
        Optional<AuditEvent> linked = Optional.empty();
        if (current.source() != User.Source.SSO) {
            // The identity provider owns the account from now on: the local password goes, so that
            // switching forward auth off does not revive a password nobody has looked after since.
            current = users.linkToSso(tx, current.id(), now);
            linked = Optional.of(actor.event("user.linked", current.username()).detail("from", before.source().text()));
        }
        User wanted = new User(current.id(), current.username(), who.email().or(current::email),
                who.displayName().or(current::displayName), role, current.source(), current.disabled(),
                current.createdAt(), current.updatedAt(), current.lastSeenAt());
        if (wanted.equals(current)) {
            linked.ifPresent(entry -> accounts.audit().record(tx, entry));
            return current;
        }
        User after = users.update(tx, wanted, now);
        AdminLocks lockedAdmins = before.role() != after.role() && before.role() == Role.ADMIN && !demotesAdmin
                ? AdminLocks.lock(users, tx) : admins;
        linked.ifPresent(entry -> accounts.audit().record(tx, entry));
        if (before.role() != after.role()) {
            auditRoleChange(tx, actor, before, after, lockedAdmins);
        }
        accounts.auditProfile(tx, actor, before, after);
        return after;
    }

    /**
     * The proxy says an existing account has no access any more (in no granting group, default
     * role {@code none}): what it could still do without the proxy ends too. Its sessions end,
     * its API tokens are revoked and its stored role drops to {@code viewer} (the table has no
     * "none"), audited as {@code sso.access_revoked}. Checked with one read first, so that a
     * refused user's further requests write nothing.
     */
    void revokeAccess(Actor actor, String username) {
        UserStore users = accounts.users();
        Optional<User> found = users.find(username);
        if (found.isEmpty() || found.get().disabled() || !found.get().username().equals(username)
                || (found.get().role() == Role.VIEWER && !users.hasCredentials(found.get().id()))) {
            // Another spelling's account is not this user's to revoke.
            return;
        }
        Instant now = accounts.clock().instant();
        boolean admin = found.get().role() == Role.ADMIN;
        Sql.inTransaction(accounts.db(), tx -> {
            AdminLocks admins = admin ? AdminLocks.lock(users, tx) : AdminLocks.NONE;
            Optional<User> locked = users.lock(tx, username);
            if (locked.isEmpty() || locked.get().disabled() || !locked.get().username().equals(username)) {
                return null;
            }
            User before = locked.get();
            long sessionsEnded = accounts.sessions().deleteAll(tx, before.id());
            long tokensRevoked = accounts.tokens().revokeAll(tx, before.id(), now);
            if (before.role() != Role.VIEWER) {
                User after = users.update(tx, new User(before.id(), before.username(), before.email(),
                        before.displayName(), Role.VIEWER, before.source(), false, before.createdAt(),
                        before.updatedAt(), before.lastSeenAt()), now);
                auditRoleChange(tx, actor, before, after, admins);
            }
            accounts.audit().record(tx, actor.event("sso.access_revoked", before.username())
                    .detail("from", before.role().text()).detail("to", Role.VIEWER.text())
                    .detail("sessionsEnded", sessionsEnded).detail("tokensRevoked", tokensRevoked)
                    .detail("reason", "in no group that grants access"));
            return null;
        });
    }

    /**
     * {@code user.role_changed} for a change the groups made. {@code admins}: the enabled admins
     * as locked before the change; when the account was the only one, the entry says so
     * ({@code lastAdmin}) and a warning is logged: the groups decide even then (the last-admin
     * rule binds admins, not the identity provider), and the break glass is {@code ADMIN_API_KEY}.
     */
    private void auditRoleChange(DbExecute tx, Actor actor, User before, User after, AdminLocks admins) {
        AuditEvent changed = actor.event("user.role_changed", after.username()).detail("from", before.role().text())
                .detail("to", after.role().text()).detail("reason", "groups");
        if (before.role() == Role.ADMIN && admins.isLast(before)) {
            LOG.warning(() -> "'" + after.username() + "', the last enabled admin, is now " + after.role().text()
                    + " by its groups at the identity provider (admin group '" + mapping.adminGroup()
                    + "'): Hivemind has no admin until someone in that group comes through the proxy "
                    + "(ADMIN_API_KEY still works)");
            changed = changed.detail("lastAdmin", true);
        }
        accounts.audit().record(tx, changed);
    }
}
