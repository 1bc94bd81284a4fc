package com.seglamater.hivemind.server.identity;

import com.seglamater.hivemind.server.sso.GroupsHeader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoleMappingTest {

    private static final RoleMapping VIEWER_DEFAULT =
            new RoleMapping("hivemind-admin", "hivemind-user", Optional.of(Role.VIEWER));

    @Test
    void adminGroupGivesAdminEvenWithUserGroup() {
        assertThat(VIEWER_DEFAULT.roleFor(List.of("hivemind-user", "hivemind-admin"))).contains(Role.ADMIN);
    }

    @Test
    void userGroupGivesUser() {
        assertThat(VIEWER_DEFAULT.roleFor(List.of("devs", "hivemind-user"))).contains(Role.USER);
    }

    @Test
    void noMappedGroupGivesTheDefaultRole() {
        assertThat(VIEWER_DEFAULT.roleFor(List.of("devs"))).contains(Role.VIEWER);
        assertThat(VIEWER_DEFAULT.roleFor(List.of())).contains(Role.VIEWER);
        RoleMapping userDefault = new RoleMapping("hivemind-admin", "hivemind-user", Optional.of(Role.USER));
        assertThat(userDefault.roleFor(List.of("devs"))).contains(Role.USER);
    }

    @Test
    void defaultRoleNoneDeniesUsersInNoMappedGroup() {
        RoleMapping none = new RoleMapping("hivemind-admin", "hivemind-user", Optional.empty());
        assertThat(none.roleFor(List.of("devs"))).isEmpty();
        assertThat(none.roleFor(List.of("hivemind-user"))).contains(Role.USER);
        assertThat(none.roleFor(List.of("hivemind-admin"))).contains(Role.ADMIN);
    }

    @Test
    void groupsMatchExactlyNotByCaseOrPrefix() {
        assertThat(VIEWER_DEFAULT.roleFor(List.of("Hivemind-Admin", "hivemind-admins", " hivemind-admin")))
                .contains(Role.VIEWER);
    }

    @Test
    void adminAsDefaultRoleIsRefused() {
        assertThatThrownBy(() -> new RoleMapping("a", "u", Optional.of(Role.ADMIN)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void worksOnParsedHeaders() throws Exception {
        assertThat(VIEWER_DEFAULT.roleFor(GroupsHeader.parse("devs | hivemind-admin", "|"))).contains(Role.ADMIN);
    }
}
