package com.seglamater.hivemind.server.sso;

/**
 * A groups header beyond {@link GroupsHeader}'s bounds. The request that carried it is refused
 * rather than parsed in part: a cut-off list could drop the group that grants access, and a
 * cut inside a name could turn {@code hivemind-admins-readonly} into a name that matches.
 *
 * @param what   {@code "characters"} or {@code "groups"}
 * @param actual how many the header has (for groups: the first count beyond the limit)
 * @param limit  the bound
 */
public final class GroupsHeaderException extends Exception {

    private final String what;
    private final int actual;
    private final int limit;

    GroupsHeaderException(String what, int actual, int limit) {
        super("groups header has more than " + limit + " " + what + " (" + actual + ")");
        this.what = what;
        this.actual = actual;
        this.limit = limit;
    }

    public String what() {
        return what;
    }

    public int actual() {
        return actual;
    }

    public int limit() {
        return limit;
    }
}
