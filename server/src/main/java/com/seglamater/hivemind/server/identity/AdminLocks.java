package com.seglamater.hivemind.server.identity;

import io.helidon.dbclient.DbExecute;

import java.util.List;

/**
 * The enabled admins, locked, for a change that could demote one: the last-admin rule of
 * {@link Accounts} and {@link ProviderAccounts}.
 */
record AdminLocks(List<Long> ids) {
    static final AdminLocks NONE = new AdminLocks(List.of());

    /**
     * Locks in one order for every change that could remove an admin: all enabled admins
     * first, then the account. Two concurrent demotions then queue instead of deadlocking, and
     * the second sees what the first left.
     */
    static AdminLocks lock(UserStore users, DbExecute tx) {
        return new AdminLocks(users.lockEnabledAdmins(tx));
    }

    static boolean activeAdmin(User user) {
        return user.role() == Role.ADMIN && !user.disabled();
    }

    boolean isLast(User user) {
        return ids.stream().allMatch(id -> id == user.id());
    }

    /** The last-admin rule for a change an admin asks for. */
    void refuseLosingLast(User current, User changed) {
        if (activeAdmin(current) && !activeAdmin(changed) && isLast(current)) {
            throw AccountException.of(AccountException.Reason.LAST_ADMIN, "'" + current.username()
                    + "' is the last enabled admin; make another account admin first");
        }
    }
}
