package com.seglamater.hivemind.server.db;

import com.seglamater.hivemind.server.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The application role's attributes and ownership are enforced at every start, not trusted: a
 * role someone made a superuser, a member of another role, or the owner of a table is put back.
 * On the machine's PostgreSQL, with a role name of its own (roles are cluster-wide).
 */
class ApplicationRoleTest {

    private TestDatabase database;
    private ApplicationRole role;

    @BeforeEach
    void create() throws Exception {
        database = TestDatabase.create();
        role = new ApplicationRole("hm_app_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
    }

    @AfterEach
    void drop() throws Exception {
        database.close();
        database.admin("DROP ROLE IF EXISTS " + role.name());
    }

    private String attributes() throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, "
                        + "rolpassword LIKE 'SCRAM-SHA-256$%', (SELECT count(*) FROM pg_auth_members WHERE member = a.oid) "
                        + "FROM pg_authid a WHERE rolname = '" + role.name() + "'")) {
            assertThat(rs.next()).as("the role exists").isTrue();
            return "login=" + rs.getBoolean(1) + " super=" + rs.getBoolean(2) + " createrole=" + rs.getBoolean(3)
                    + " createdb=" + rs.getBoolean(4) + " replication=" + rs.getBoolean(5) + " bypassrls="
                    + rs.getBoolean(6) + " scram=" + rs.getBoolean(7) + " memberships=" + rs.getLong(8);
        }
    }

    @Test
    void ensureMakesALoginRoleWithNoPowersAndPutsItBackWhenChanged() throws Exception {
        String wanted = "login=true super=false createrole=false createdb=false replication=false bypassrls=false "
                + "scram=true memberships=0";
        try (Connection c = database.connect()) {
            role.ensure(c, "first-password-0123456789abcdefghijklmnop");
        }
        assertThat(attributes()).isEqualTo(wanted);

        database.admin("ALTER ROLE " + role.name() + " NOLOGIN SUPERUSER CREATEROLE CREATEDB REPLICATION BYPASSRLS");
        database.admin("GRANT pg_write_server_files, pg_execute_server_program TO " + role.name());
        try (Connection c = database.connect()) {
            role.ensure(c, "second-password-0123456789abcdefghijklmnop");
            role.ensure(c, "second-password-0123456789abcdefghijklmnop");
        }
        assertThat(attributes()).isEqualTo(wanted);
    }

    @Test
    void grantLeavesTheRoleOwningNothing() throws Exception {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            role.ensure(c, "a-password-0123456789abcdefghijklmnop");
            s.execute("CREATE TABLE stray (x int)");
            s.execute("ALTER TABLE stray OWNER TO " + role.name());
            role.grant(c);
            role.grant(c);
            try (ResultSet rs = s.executeQuery("SELECT tableowner FROM pg_tables WHERE tablename = 'stray'")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(TestDatabase.ADMIN_USER);
            }
        }
    }

    @Test
    void onlyPlainNamesAreAccepted() {
        for (String bad : new String[] {"Hivemind", "hive mind", "x; DROP ROLE postgres", "", "1abc"}) {
            assertThatThrownBy(() -> new ApplicationRole(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
