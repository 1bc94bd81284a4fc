package com.seglamater.hivemind.server.users;

import com.seglamater.hivemind.server.identity.User;

/**
 * One account as its page shows it to an admin, with what may be changed here: an SSO account's
 * username, email and display name are the identity provider's (read-only), and while forward auth
 * is on so are its role (from its groups) and its password (it has none).
 *
 * @param user        the account
 * @param forwardAuth whether forward-auth SSO is on
 * @param self        whether it is the admin's own account
 * @param sessions    how many sessions it has now
 */
public record UserPanel(User user, boolean forwardAuth, boolean self, int sessions) {

    public boolean sso() {
        return user.source() == User.Source.SSO;
    }

    /** The role follows the account's groups at the identity provider. */
    public boolean roleFromGroups() {
        return sso() && forwardAuth;
    }

    /** Email and display name come from the identity provider. */
    public boolean profileFromProvider() {
        return sso();
    }

    public boolean passwordResettable() {
        return !roleFromGroups();
    }

    /** A password set for an SSO account while forward auth is off makes it a local account again. */
    public boolean resetMakesLocal() {
        return sso() && !forwardAuth;
    }
}
