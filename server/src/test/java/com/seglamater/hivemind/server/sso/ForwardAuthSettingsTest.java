package com.seglamater.hivemind.server.sso;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.identity.RoleMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.seglamater.hivemind.server.sso.ForwardAuthSettings.*;
import static org.assertj.core.api.Assertions.assertThat;

class ForwardAuthSettingsTest {

    private static ForwardAuthSettings settings(String... keyValues) throws ConfigException {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return ForwardAuthSettings.from(env);
    }

    private static ForwardAuthSettings on(String... keyValues) throws ConfigException {
        String[] all = new String[keyValues.length + 4];
        all[0] = FORWARD_AUTH;
        all[1] = "true";
        all[2] = TRUSTED_NETS;
        all[3] = "172.17.0.0/16,127.0.0.1/32";
        System.arraycopy(keyValues, 0, all, 4, keyValues.length);
        return settings(all);
    }

    private static ConfigException rejected(String... keyValues) {
        try {
            settings(keyValues);
        } catch (ConfigException e) {
            assertThat(e.getMessage()).startsWith(e.variable() + ": ").doesNotContain("\n", "\r");
            return e;
        }
        throw new AssertionError(String.join("=", keyValues) + " was accepted");
    }

    @Test
    void defaultsAreOffWithAuthentikHeaders() throws Exception {
        ForwardAuthSettings s = settings();
        assertThat(s.enabled()).isFalse();
        assertThat(s.preset()).isEqualTo(Preset.AUTHENTIK);
        assertThat(s.userHeader()).isEqualTo("X-Authentik-Username");
        assertThat(s.emailHeader()).isEqualTo("X-Authentik-Email");
        assertThat(s.groupsHeader()).isEqualTo("X-Authentik-Groups");
        assertThat(s.nameHeader()).contains("X-Authentik-Name");
        assertThat(s.groupsDelimiter()).isEqualTo("|");
        assertThat(s.trustedNets().isEmpty()).isTrue();
        assertThat(s.adminGroup()).isEqualTo("hivemind-admin");
        assertThat(s.userGroup()).isEqualTo("hivemind-user");
        assertThat(s.loginUrl()).isEmpty();
        assertThat(s.logoutUrl()).isEmpty();
    }

    @Test
    void defaultsMapListsEveryVariableWithTheIssuesDefaults() {
        assertThat(DEFAULTS).containsExactly(
                Map.entry(FORWARD_AUTH, "false"),
                Map.entry(PRESET, "authentik"),
                Map.entry(TRUSTED_NETS, ""),
                Map.entry(USER_HEADER, "X-Authentik-Username"),
                Map.entry(EMAIL_HEADER, "X-Authentik-Email"),
                Map.entry(GROUPS_HEADER, "X-Authentik-Groups"),
                Map.entry(NAME_HEADER, "X-Authentik-Name"),
                Map.entry(GROUPS_DELIM, "|"),
                Map.entry(GROUP_ADMIN, "hivemind-admin"),
                Map.entry(GROUP_USER, "hivemind-user"),
                Map.entry(LOGIN_URL, ""),
                Map.entry(LOGOUT_URL, ""));
    }

    @Test
    void defaultsMapAsEnvironmentGivesTheDefaults() throws Exception {
        assertThat(ForwardAuthSettings.from(DEFAULTS)).isEqualTo(settings());
    }

    @Test
    void onWithTrustedNetsIsAccepted() throws Exception {
        ForwardAuthSettings s = on();
        assertThat(s.enabled()).isTrue();
        assertThat(s.trustedNets().contains(InetAddress.getByName("172.17.0.5"))).isTrue();
        assertThat(s.trustedNets().contains(InetAddress.getByName("192.168.1.1"))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TRUE", "True"})
    void booleanIsCaseInsensitive(String text) throws Exception {
        assertThat(settings(FORWARD_AUTH, text, TRUSTED_NETS, "10.0.0.0/8").enabled()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "1", "on", "tru"})
    void nonBooleanIsRefused(String text) {
        assertThat(rejected(FORWARD_AUTH, text).getMessage())
                .isEqualTo(FORWARD_AUTH + ": '" + text + "' is not true or false");
    }

    @Test
    void onWithoutTrustedNetsIsRefusedSayingWhy() {
        ConfigException e = rejected(FORWARD_AUTH, "true");
        assertThat(e.variable()).isEqualTo(TRUSTED_NETS);
        assertThat(e.getMessage()).contains("is empty").contains("anyone").contains("identity headers");
        assertThat(rejected(FORWARD_AUTH, "true", TRUSTED_NETS, " ").variable()).isEqualTo(TRUSTED_NETS);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"0.0.0.0/0;0.0.0.0/0", "10.0.0.0/8,::/0;::/0",
            "::ffff:0:0/96;0.0.0.0/0", "127.0.0.1/32, 0.0.0.0/0;0.0.0.0/0"})
    void onWithANetTrustingEveryoneIsRefusedSayingWhy(String nets, String shown) {
        ConfigException e = rejected(FORWARD_AUTH, "true", TRUSTED_NETS, nets);
        assertThat(e.variable()).isEqualTo(TRUSTED_NETS);
        assertThat(e.getMessage()).contains("'" + shown + "' trusts every address").contains("anyone");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"0.0.0.0/1,128.0.0.0/1;0.0.0.0/1;8", "10.0.0.0/8,::/1;::/1;48",
            "172.0.0.0/7;172.0.0.0/7;8", "2000::/8;2000::/8;48", "fd00::/47;fd00::/47;48"})
    void onWithNetsTooWideForAProxyIsRefused(String nets, String shown, int minimum) {
        ConfigException e = rejected(FORWARD_AUTH, "true", TRUSTED_NETS, nets);
        assertThat(e.variable()).isEqualTo(TRUSTED_NETS);
        assertThat(e.getMessage()).contains("'" + shown + "' is wider than /" + minimum);
    }

    @Test
    void onAcceptsAnEightBitIpv4NetworkASiteOfIpv6AndSingleAddresses() throws Exception {
        assertThat(settings(FORWARD_AUTH, "true", TRUSTED_NETS, "10.0.0.0/8,fd00:1:2::/48,172.18.0.10/32,::1/128")
                .trustedNets().cidrs()).hasSize(4);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"Authorization", "cookie", "Host", "X-Forwarded-For",
            "X-Real-IP", "Forwarded", "User-Agent", "X-CSRF-Token", "Via", "Sec-Fetch-User", "X-Forwarded-Port",
            "True-Client-IP", "Accept-Language", "X-Original-URI", "Proxy-Authorization"})
    void standardHeadersCannotCarryAnIdentity(String header) {
        ConfigException e = rejected(USER_HEADER, header);
        assertThat(e.variable()).isEqualTo(USER_HEADER);
        assertThat(e.getMessage()).contains("cannot carry an identity");
        assertThat(rejected(GROUPS_HEADER, header).variable()).isEqualTo(GROUPS_HEADER);
    }

    @Test
    void theTwoRolesNeedTwoGroups() {
        ConfigException e = rejected(GROUP_ADMIN, "staff", GROUP_USER, "staff");
        assertThat(e.getMessage()).isEqualTo(GROUP_USER + ": 'staff' is also " + GROUP_ADMIN
                + ": each role needs a group of its own");
    }

    @Test
    void offAcceptsEmptyAndEveryoneNetsSinceNoHeaderIsRead() throws Exception {
        assertThat(settings(FORWARD_AUTH, "false").enabled()).isFalse();
        assertThat(settings(TRUSTED_NETS, "0.0.0.0/0").trustedNets().cidrs()).hasSize(1);
    }

    @Test
    void offStillReportsMalformedValues() {
        assertThat(rejected(TRUSTED_NETS, "10.0.0.0/33").getMessage())
                .isEqualTo(TRUSTED_NETS + ": '10.0.0.0/33' has an invalid prefix length (0-32)");
        assertThat(rejected(PRESET, "keycloak").variable()).isEqualTo(PRESET);
        assertThat(rejected(USER_HEADER, "X User").variable()).isEqualTo(USER_HEADER);
        assertThat(rejected(LOGIN_URL, "ftp://sso.example.com/").variable()).isEqualTo(LOGIN_URL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "10.0.0.1/8", "10.0.0.0/8,", ",10.0.0.0/8", "fd00::/129"})
    void malformedTrustedNetsAreRefusedNamingTheEntry(String nets) {
        ConfigException e = rejected(FORWARD_AUTH, "true", TRUSTED_NETS, nets);
        assertThat(e.variable()).isEqualTo(TRUSTED_NETS);
        assertThat(e.getMessage()).contains("'");
    }

    @Test
    void presetOauth2ProxyHasNoNameHeader() throws Exception {
        ForwardAuthSettings s = settings(PRESET, "oauth2-proxy");
        assertThat(s.userHeader()).isEqualTo("X-Forwarded-Preferred-Username");
        assertThat(s.emailHeader()).isEqualTo("X-Forwarded-Email");
        assertThat(s.groupsHeader()).isEqualTo("X-Forwarded-Groups");
        assertThat(s.nameHeader()).isEmpty();
        assertThat(s.groupsDelimiter()).isEqualTo(",");
    }

    @Test
    void presetAuthelia() throws Exception {
        ForwardAuthSettings s = settings(PRESET, "authelia");
        assertThat(List.of(s.userHeader(), s.emailHeader(), s.groupsHeader(), s.nameHeader().orElseThrow()))
                .containsExactly("Remote-User", "Remote-Email", "Remote-Groups", "Remote-Name");
        assertThat(s.groupsDelimiter()).isEqualTo(",");
    }

    @Test
    void presetPomeriumUsesTheEmailClaimAsUser() throws Exception {
        ForwardAuthSettings s = settings(PRESET, "pomerium");
        assertThat(List.of(s.userHeader(), s.emailHeader(), s.groupsHeader(), s.nameHeader().orElseThrow()))
                .containsExactly("X-Pomerium-Claim-Email", "X-Pomerium-Claim-Email", "X-Pomerium-Claim-Groups",
                        "X-Pomerium-Claim-Name");
        assertThat(s.groupsDelimiter()).isEqualTo(",");
    }

    @Test
    void eachHeaderOverridesThePresetOnItsOwn() throws Exception {
        ForwardAuthSettings s = settings(PRESET, "authelia", USER_HEADER, "X-Remote-Login",
                NAME_HEADER, "X-Display-Name");
        assertThat(s.userHeader()).isEqualTo("X-Remote-Login");
        assertThat(s.nameHeader()).contains("X-Display-Name");
        assertThat(s.emailHeader()).isEqualTo("Remote-Email");
        assertThat(s.groupsHeader()).isEqualTo("Remote-Groups");
        assertThat(settings(PRESET, "oauth2-proxy", NAME_HEADER, "X-Forwarded-Name").nameHeader())
                .contains("X-Forwarded-Name");
        assertThat(settings(GROUPS_HEADER, "X-Groups", EMAIL_HEADER, "X-Mail").emailHeader()).isEqualTo("X-Mail");
    }

    @Test
    void blankOverrideMeansTheDefaultAndValuesAreStripped() throws Exception {
        ForwardAuthSettings s = settings(USER_HEADER, "  ", GROUPS_DELIM, "", GROUP_ADMIN, " admins ");
        assertThat(s.userHeader()).isEqualTo("X-Authentik-Username");
        assertThat(s.groupsDelimiter()).isEqualTo("|");
        assertThat(s.adminGroup()).isEqualTo("admins");
    }

    @ParameterizedTest
    @ValueSource(strings = {"X User", "X-User:", "X-Üser", "X-User\r\nX-Evil", "(X)", "X-\"User\""})
    void headerNamesMustBeHttpTokens(String name) {
        for (String variable : List.of(USER_HEADER, EMAIL_HEADER, GROUPS_HEADER, NAME_HEADER)) {
            assertThat(rejected(variable, name).getMessage()).startsWith(variable + ": ")
                    .contains("is not an HTTP header name");
        }
    }

    @Test
    void overlongHeaderNameIsRefusedShortened() {
        ConfigException e = rejected(USER_HEADER, "X".repeat(129));
        assertThat(e.getMessage()).contains("…").hasSizeLessThan(250);
        assertThat(accepted(USER_HEADER, "X".repeat(128))).isTrue();
    }

    private static boolean accepted(String variable, String value) {
        try {
            settings(variable, value);
            return true;
        } catch (ConfigException e) {
            return false;
        }
    }

    @Test
    void groupsHeaderMustDifferFromTheOtherHeaders() {
        assertThat(rejected(GROUPS_HEADER, "x-authentik-username").variable()).isEqualTo(GROUPS_HEADER);
        assertThat(rejected(GROUPS_HEADER, "X-Authentik-Name").variable()).isEqualTo(GROUPS_HEADER);
        assertThat(rejected(PRESET, "authelia", EMAIL_HEADER, "Remote-Groups").variable()).isEqualTo(GROUPS_HEADER);
    }

    @Test
    void delimiterOverridesThePreset() throws Exception {
        assertThat(settings(GROUPS_DELIM, ";").groupsDelimiter()).isEqualTo(";");
        assertThat(settings(PRESET, "authelia", GROUPS_DELIM, "|").groupsDelimiter()).isEqualTo("|");
        assertThat(settings(GROUPS_DELIM, "::").groupsDelimiter()).isEqualTo("::");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", ";\t;", "toolong", "é"})
    void badDelimiterIsRefused(String delimiter) {
        assertThat(rejected(GROUPS_DELIM, delimiter).variable()).isEqualTo(GROUPS_DELIM);
    }

    @Test
    void groupNameContainingTheDelimiterIsRefusedAsUnmatchable() {
        assertThat(rejected(GROUP_ADMIN, "ops|admin").getMessage())
                .isEqualTo(GROUP_ADMIN + ": 'ops|admin' contains the groups delimiter '|' and could never match");
        assertThat(rejected(PRESET, "authelia", GROUP_USER, "a,b").variable()).isEqualTo(GROUP_USER);
        // The default group names clash with a '-' delimiter too.
        assertThat(rejected(GROUPS_DELIM, "-").variable()).isEqualTo(GROUP_ADMIN);
    }

    @Test
    void groupNameWithControlCharacterOrOverlongIsRefused() {
        assertThat(rejected(GROUP_USER, "a\u0007b").getMessage()).contains("'a?b'");
        assertThat(rejected(GROUP_ADMIN, "g".repeat(257)).variable()).isEqualTo(GROUP_ADMIN);
        assertThat(rejected(GROUP_ADMIN, "Développeurs").getMessage()).contains("is not plain ASCII");
    }

    @Test
    void roleMappingUsesTheConfiguredGroups() throws Exception {
        RoleMapping mapping = settings(GROUP_ADMIN, "ops", GROUP_USER, "staff").roleMapping(Optional.empty());
        assertThat(mapping.roleFor(List.of("ops"))).contains(Role.ADMIN);
        assertThat(mapping.roleFor(List.of("staff"))).contains(Role.USER);
        assertThat(mapping.roleFor(List.of("hivemind-admin"))).isEmpty();
    }

    @Test
    void loginAndLogoutUrlsAreParsed() throws Exception {
        ForwardAuthSettings s = settings(LOGIN_URL, "https://auth.example.com/outpost.goauthentik.io/start?rd=/",
                LOGOUT_URL, "HTTP://auth.example.com:9000/logout");
        assertThat(s.loginUrl()).contains(URI.create("https://auth.example.com/outpost.goauthentik.io/start?rd=/"));
        assertThat(s.logoutUrl()).contains(URI.create("HTTP://auth.example.com:9000/logout"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/outpost.goauthentik.io/start", "auth.example.com/login", "ftp://auth.example.com/",
            "javascript:alert(1)", "https:///path", "https://auth example.com/", "https://exa mple.com",
            "mailto:a@example.com"})
    void urlsMustBeAbsoluteHttp(String url) {
        for (String variable : List.of(LOGIN_URL, LOGOUT_URL)) {
            assertThat(rejected(variable, url).getMessage())
                    .isEqualTo(variable + ": " + ConfigException.quote(url)
                            + " is not an absolute http(s) URL without user info");
        }
    }

    @Test
    void urlWithUserInfoIsRefusedWithoutEchoingIt() {
        ConfigException e = rejected(LOGOUT_URL, "https://admin:s3cret@auth.example.com/logout");
        assertThat(e.getMessage()).isEqualTo(LOGOUT_URL + ": must not carry user info (user:password@)")
                .doesNotContain("s3cret");
    }

    @Test
    void overlongUrlIsRefused() {
        assertThat(rejected(LOGIN_URL, "https://example.com/" + "a".repeat(2048)).getMessage())
                .isEqualTo(LOGIN_URL + ": is longer than 2048 characters");
    }
}
