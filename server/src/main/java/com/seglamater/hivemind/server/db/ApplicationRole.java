package com.seglamater.hivemind.server.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The role the server works as on its embedded database (issue 12): {@code hivemind}, a login
 * role that is no superuser, cannot create roles or databases, owns nothing and is a member of
 * no role. The superuser {@code postgres} owns the schema and runs the migrations; the
 * application role gets the rows it needs and nothing more: no UPDATE, DELETE or TRUNCATE on
 * {@code audit_log}, and no way to alter its triggers. Rewriting the audit log then takes a
 * schema change by someone who holds the superuser's password file.
 * <p>
 * Both steps are idempotent and run at every start, so a cluster made before this role existed
 * (where the server connected as {@code postgres}) is moved over at its next start.
 */
public record ApplicationRole(String name) {

    /** The embedded database's application role. */
    public static final ApplicationRole EMBEDDED = new ApplicationRole("hivemind");

    /** {@code name} goes into SQL as an identifier: plain lower-case names only. */
    public ApplicationRole {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain role name: " + name);
        }
    }

    /**
     * Creates the role, or puts back its attributes and password: what it must not be is
     * enforced here rather than trusted. Runs as the superuser, in any database of the cluster.
     */
    public void ensure(Connection superuser, String password) throws SQLException {
        boolean exists;
        try (PreparedStatement find = superuser.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            find.setString(1, name);
            try (ResultSet rs = find.executeQuery()) {
                exists = rs.next();
            }
        }
        try (Statement s = superuser.createStatement()) {
            // The password is base64url (PasswordFile): nothing in it needs escaping inside the literal.
            s.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + name + " WITH LOGIN NOSUPERUSER NOCREATEDB "
                    + "NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT CONNECTION LIMIT -1 PASSWORD '" + password + "'");
            // Membership in another role (postgres above all) would hand its rights back.
            for (String granted : memberships(superuser)) {
                s.execute("REVOKE " + granted + " FROM " + name);
            }
        }
    }

    private List<String> memberships(Connection superuser) throws SQLException {
        List<String> roles = new ArrayList<>();
        try (PreparedStatement query = superuser.prepareStatement("SELECT quote_ident(r.rolname) FROM pg_auth_members m "
                + "JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles me ON me.oid = m.member WHERE me.rolname = ?")) {
            query.setString(1, name);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    roles.add(rs.getString(1));
                }
            }
        }
        return roles;
    }

    /**
     * The application role's privileges in the database {@code owner} is connected to, as the
     * schema stands now: run after every migration, since a migration may add tables. Whatever
     * the role owns there goes to {@code owner}'s role.
     */
    public void grant(Connection owner) throws SQLException {
        boolean autoCommit = owner.getAutoCommit();
        owner.setAutoCommit(false);
        try (Statement s = owner.createStatement()) {
            s.execute("REASSIGN OWNED BY " + name + " TO CURRENT_USER");
            // PostgreSQL 14 lets every role create objects in public; only the owner needs to.
            s.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
            s.execute("GRANT USAGE ON SCHEMA public TO " + name);
            s.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + name);
            s.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO " + name);
            s.execute("REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM " + name);
            if (exists(s, "flyway_schema_history")) {
                s.execute("REVOKE INSERT, UPDATE, DELETE ON flyway_schema_history FROM " + name);
            }
            if (exists(s, "audit_log")) {
                // Append-only for the server: refused by privileges before the trigger is reached.
                s.execute("REVOKE UPDATE, DELETE ON audit_log FROM " + name);
            }
            if (exists(s, "audit_chain")) {
                // The chain trigger runs as the inserting role: it reads and moves the head row
                // (SELECT … FOR UPDATE needs UPDATE), which must never be deleted or doubled.
                s.execute("REVOKE INSERT, DELETE ON audit_chain FROM " + name);
            }
            owner.commit();
        } catch (SQLException | RuntimeException e) {
            owner.rollback();
            throw e;
        } finally {
            owner.setAutoCommit(autoCommit);
        }
    }

    private static boolean exists(Statement s, String table) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
