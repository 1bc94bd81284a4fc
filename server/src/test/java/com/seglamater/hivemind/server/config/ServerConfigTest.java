package com.seglamater.hivemind.server.config;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.server.net.Cidr;
import com.seglamater.hivemind.server.net.HostPort;
import com.seglamater.hivemind.server.net.IpAddresses;

import com.seglamater.hivemind.server.identity.Role;
import com.seglamater.hivemind.server.ratelimit.RateLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerConfigTest {

    private static ServerConfig config(String... keyValues) throws ConfigException {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return ServerConfig.from(env);
    }

    private static ConfigException rejected(String variable, String value) {
        try {
            config(variable, value);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError(variable + "=" + value + " was accepted");
    }

    @Test
    void defaultsMatchTheDesign() throws ConfigException {
        ServerConfig config = ServerConfig.from(Map.of());
        assertThat(config.bind()).isEqualTo(new HostPort("127.0.0.1", 8585));
        assertThat(config.adminBind()).isEqualTo(new HostPort("127.0.0.1", 8586));
        assertThat(config.dbUrl()).isEmpty();
        assertThat(config.dbUser()).isEqualTo("hivemind");
        assertThat(config.dbPassword()).isEmpty();
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.trustedProxies()).extracting(Cidr::toString)
                .containsExactly("127.0.0.1/32", "::1/128");
        assertThat(config.logDir()).as("standard output only").isEmpty();
    }

    @Test
    void aLogDirectoryAddsRotatingFiles() throws ConfigException {
        ServerConfig config = ServerConfig.from(Map.of(ServerConfig.LOG_DIR, "/var/log/hivemind"));
        assertThat(config.logDir()).contains(Path.of("/var/log/hivemind"));
        assertThat(config.toString()).contains("logDir=/var/log/hivemind");
    }

    @Test
    void emptyValuesCountAsUnset() throws ConfigException {
        ServerConfig config = config("HIVEMIND_BIND", "", "HIVEMIND_DB_URL", " ", "HIVEMIND_DB_USER", "",
                "DB_PASSWORD", "", "HIVEMIND_TRUSTED_PROXIES", "");
        assertThat(config).isEqualTo(ServerConfig.from(Map.of()));
    }

    @Test
    void bindAcceptsIpv4HostNameIpv6AndPortZero() throws ConfigException {
        assertThat(config("HIVEMIND_BIND", "0.0.0.0:8080").bind()).isEqualTo(new HostPort("0.0.0.0", 8080));
        assertThat(config("HIVEMIND_BIND", "localhost:1").bind()).isEqualTo(new HostPort("localhost", 1));
        assertThat(config("HIVEMIND_BIND", "hivemind-server.internal:65535").bind())
                .isEqualTo(new HostPort("hivemind-server.internal", 65535));
        assertThat(config("HIVEMIND_BIND", "[::1]:8585").bind()).isEqualTo(new HostPort("::1", 8585));
        assertThat(config("HIVEMIND_BIND", "127.0.0.1:0").bind().port()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "8585", ":8585", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:65536",
            "127.0.0.1:-1", "::1:8585", "[::g]:8585", "256.0.0.1:8585", "1.2.3:8585", "bad_host:80", "a b:80"})
    void bindRejectsMalformedValuesNamingTheVariable(String value) {
        ConfigException e = rejected("HIVEMIND_BIND", value);
        assertThat(e.variable()).isEqualTo("HIVEMIND_BIND");
        assertThat(e.getMessage()).startsWith("HIVEMIND_BIND: '" + value + "'").doesNotContain("\n");
    }

    @Test
    void bindMessageMatchesTheContractExample() {
        assertThat(rejected("HIVEMIND_BIND", "abc").getMessage()).isEqualTo("HIVEMIND_BIND: 'abc' is not host:port");
    }

    @Test
    void adminBindIsParsedAndValidated() throws ConfigException {
        assertThat(config("HIVEMIND_ADMIN_BIND", "10.0.0.5:9000").adminBind()).isEqualTo(new HostPort("10.0.0.5", 9000));
        assertThat(rejected("HIVEMIND_ADMIN_BIND", "10.0.0.5").variable()).isEqualTo("HIVEMIND_ADMIN_BIND");
        assertThat(rejected("HIVEMIND_ADMIN_BIND", "10.0.0.5:99999").variable()).isEqualTo("HIVEMIND_ADMIN_BIND");
    }

    @Test
    void adminBindMayNotBeTheMainListener() {
        assertThatThrownBy(() -> config("HIVEMIND_BIND", "127.0.0.1:9000", "HIVEMIND_ADMIN_BIND", "127.0.0.1:9000"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("HIVEMIND_ADMIN_BIND: ");
    }

    @Test
    void dbUrlAcceptsPostgresJdbcUrls() throws ConfigException {
        assertThat(config("HIVEMIND_DB_URL", "jdbc:postgresql://hivemind-db:5432/hivemind").dbUrl())
                .contains("jdbc:postgresql://hivemind-db:5432/hivemind");
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres://db/hivemind", "jdbc:mysql://db/hivemind", "jdbc:postgresql://",
            "jdbc:postgresql://db/hive mind"})
    void dbUrlRejectsOtherUrls(String value) {
        ConfigException e = rejected("HIVEMIND_DB_URL", value);
        assertThat(e.variable()).isEqualTo("HIVEMIND_DB_URL");
        assertThat(e.getMessage()).startsWith("HIVEMIND_DB_URL: ").doesNotContain("\n");
    }

    @Test
    void dbUrlErrorsDoNotEchoTheUrlWhichMayHoldAPassword() {
        ConfigException e = rejected("HIVEMIND_DB_URL", "jdbc:mysql://db/hivemind?password=hunter2");
        assertThat(e.getMessage()).doesNotContain("hunter2");
        assertThat(rejected("HIVEMIND_DB_URL", "jdbc:postgresql://db/x?password=hunter2\tx").getMessage())
                .doesNotContain("hunter2");
    }

    @Test
    void dbUserAcceptsRoleNames() throws ConfigException {
        assertThat(config("HIVEMIND_DB_USER", "hivemind_app").dbUser()).isEqualTo("hivemind_app");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1hivemind", "hive mind", "hive;drop", "a\u0001b"})
    void dbUserRejectsInvalidRoleNames(String value) {
        ConfigException e = rejected("HIVEMIND_DB_USER", value);
        assertThat(e.getMessage()).startsWith("HIVEMIND_DB_USER: ").doesNotContain("\u0001");
    }

    @Test
    void dbPasswordIsKeptButNeverPrinted() throws ConfigException {
        ServerConfig config = config("DB_PASSWORD", "correct horse battery staple");
        assertThat(config.dbPassword()).contains("correct horse battery staple");
        assertThat(config.toString()).doesNotContain("correct horse").contains("dbPassword=(set)");
    }

    @Test
    void adminTokenFileDefaultsToTheRunDirectory() throws ConfigException {
        assertThat(ServerConfig.from(Map.of()).adminTokenFile()).isEqualTo(Path.of("/run/hivemind/admin.token"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/srv/hivemind/admin.token", "admin.token", "./state/admin.token", "../shared/token"})
    void adminTokenFileTakesAbsoluteAndRelativePaths(String value) throws ConfigException {
        assertThat(config("HIVEMIND_ADMIN_TOKEN_FILE", value).adminTokenFile()).isEqualTo(Path.of(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"token\u0000file", "/run/hivemind/", "/", ".", "state/..", "/run/hivemind/."})
    void adminTokenFileRejectsPathsThatAreNotAFile(String value) {
        ConfigException e = rejected("HIVEMIND_ADMIN_TOKEN_FILE", value);
        assertThat(e.getMessage()).startsWith("HIVEMIND_ADMIN_TOKEN_FILE: ").doesNotContain("\n").doesNotContain("\u0000");
    }

    @Test
    void dataDirIsAPath() throws ConfigException {
        assertThat(config("HIVEMIND_DATA_DIR", "/var/lib/hivemind").dataDir()).isEqualTo(Path.of("/var/lib/hivemind"));
    }

    @Test
    void dataDirRejectsAPathWithANulCharacter() {
        ConfigException e = rejected("HIVEMIND_DATA_DIR", "data\u0000dir");
        assertThat(e.getMessage()).startsWith("HIVEMIND_DATA_DIR: ").contains("not a valid path");
    }

    @Test
    void trustedProxiesParsesIpv4AndIpv6Networks() throws ConfigException {
        ServerConfig config = config("HIVEMIND_TRUSTED_PROXIES", "10.0.0.0/8, 172.18.0.0/16,fd00::/8,192.0.2.7/32");
        assertThat(config.trustedProxies()).extracting(Cidr::prefixLength).containsExactly(8, 16, 8, 32);
        Cidr docker = config.trustedProxies().get(1);
        assertThat(docker.contains(address("172.18.4.2"))).isTrue();
        assertThat(docker.contains(address("172.19.0.1"))).isFalse();
        assertThat(docker.contains(address("::1"))).isFalse();
        assertThat(config.trustedProxies().get(2).contains(address("fd12::1"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.1", "10.0.0.0/33", "::/129", "10.0.0.0/x", "example.com/32",
            "10.0.0.1/8", "10.0.0.0/8,,::1/128", "300.0.0.0/8"})
    void trustedProxiesRejectsInvalidNetworks(String value) {
        ConfigException e = rejected("HIVEMIND_TRUSTED_PROXIES", value);
        assertThat(e.variable()).isEqualTo("HIVEMIND_TRUSTED_PROXIES");
        assertThat(e.getMessage()).doesNotContain("\n");
    }

    // ---- HIVEMIND_DEFAULT_ROLE ----------------------------------------------------------

    @Test
    void forwardAuthIsOffByDefaultAndSummedUpWhenOn() throws ConfigException {
        assertThat(ServerConfig.from(Map.of()).forwardAuth().enabled()).isFalse();
        assertThat(ServerConfig.from(Map.of()).toString()).contains("forwardAuth=off");
        ServerConfig on = config("HIVEMIND_FORWARD_AUTH", "true", "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS", "172.18.0.0/16",
                "HIVEMIND_FORWARD_AUTH_PRESET", "authelia", "HIVEMIND_PUBLIC_URL", "https://hivemind.example.org");
        assertThat(on.forwardAuth().userHeader()).isEqualTo("Remote-User");
        assertThat(on.toString()).contains("forwardAuth=on (preset authelia, user header Remote-User")
                .contains("trusted nets 172.18.0.0/16");
    }

    // ---- HIVEMIND_PUBLIC_URL -------------------------------------------------------------

    @Test
    void thePublicUrlIsUnsetByDefaultAndTakesOneOrSeveralOrigins() throws ConfigException {
        assertThat(ServerConfig.from(Map.of()).publicOrigins().configured()).isFalse();
        assertThat(ServerConfig.from(Map.of()).toString()).contains("publicUrl=(any host)");
        ServerConfig two = config("HIVEMIND_PUBLIC_URL", " HTTPS://Hivemind.Example.org/ , http://10.0.0.5:8585");
        assertThat(two.publicOrigins().origins()).extracting(Object::toString)
                .containsExactly("https://hivemind.example.org", "http://10.0.0.5:8585");
        assertThat(two.toString()).contains("publicUrl=https://hivemind.example.org,http://10.0.0.5:8585");
    }

    @Test
    void aBadPublicUrlStopsStartUpWithOneLineNamingTheVariable() {
        String[][] cases = {
                {"hivemind.example.org", "'hivemind.example.org' is not an http:// or https:// address"},
                {"ftp://hivemind.example.org", "is not an http:// or https:// address"},
                {"https://hivemind.example.org/hivemind", "has a path, query or fragment"},
                {"https://hivemind.example.org?x=1", "has a path, query or fragment"},
                {"https://admin:secret@hivemind.example.org", "must not carry user info"},
                {"https://hivemind.example.org:99999", "has an invalid host or port"},
                {"https://*.example.org", "has an invalid host or port"},
                {"https://", "has an invalid host or port"},
                {"https://hivemind.example.org:0", "has port 0"},
                {"https://bücher.example", "write an internationalised name in its xn-- form"},
                {"https://a.example,,https://b.example", "has an empty entry"},
                {"https://a.example,https://A.example/", "'https://A.example/' is listed twice"},
                {"https://a.example,".repeat(17) + "https://a.example", "at most 16"},
        };
        for (String[] c : cases) {
            ConfigException e = rejected("HIVEMIND_PUBLIC_URL", c[0]);
            assertThat(e.variable()).isEqualTo("HIVEMIND_PUBLIC_URL");
            assertThat(e.getMessage()).as(c[0]).startsWith("HIVEMIND_PUBLIC_URL: ").contains(c[1]).doesNotContain("\n");
        }
    }

    @Test
    void forwardAuthWithoutAPublicUrlIsRefused() {
        // Without it a page that rebinds its name to this host could send forged identity headers (issue 12).
        assertThatThrownBy(() -> config("HIVEMIND_FORWARD_AUTH", "true", "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS",
                "127.0.0.1/32"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("HIVEMIND_PUBLIC_URL: is required while HIVEMIND_FORWARD_AUTH is true: set it to "
                        + "the address users open (e.g. https://hivemind.example.org)");
    }

    @Test
    void aForwardAuthTypoIsRefusedEvenWhileItIsOff() {
        assertThatThrownBy(() -> config("HIVEMIND_FORWARD_AUTH_TRUSTED_NETS", "172.18.0.0/33"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("HIVEMIND_FORWARD_AUTH_TRUSTED_NETS: ");
        assertThatThrownBy(() -> config("HIVEMIND_FORWARD_AUTH", "yes"))
                .isInstanceOf(ConfigException.class).hasMessage("HIVEMIND_FORWARD_AUTH: 'yes' is not true or false");
    }

    @Test
    void defaultRoleIsViewerUnlessSet() throws ConfigException {
        assertThat(ServerConfig.from(Map.of()).defaultRole()).contains(Role.VIEWER);
        assertThat(config("HIVEMIND_DEFAULT_ROLE", "viewer").defaultRole()).contains(Role.VIEWER);
        assertThat(config("HIVEMIND_DEFAULT_ROLE", "user").defaultRole()).contains(Role.USER);
        assertThat(config("HIVEMIND_DEFAULT_ROLE", "none").defaultRole()).isEmpty();
        assertThat(config("HIVEMIND_DEFAULT_ROLE", "none").toString()).contains("defaultRole=none");
    }

    @Test
    void defaultRoleAdminIsRefusedWithAClearMessage() {
        ConfigException e = rejected("HIVEMIND_DEFAULT_ROLE", "admin");
        assertThat(e.variable()).isEqualTo("HIVEMIND_DEFAULT_ROLE");
        assertThat(e.getMessage()).startsWith("HIVEMIND_DEFAULT_ROLE: 'admin' would make everyone an administrator")
                .doesNotContain("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"root", "admins", "viewer,user", "nobody", "vi\u0007ewer"})
    void defaultRoleRefusesAnythingElseNamingTheVariable(String value) {
        ConfigException e = rejected("HIVEMIND_DEFAULT_ROLE", value);
        assertThat(e.variable()).isEqualTo("HIVEMIND_DEFAULT_ROLE");
        assertThat(e.getMessage()).contains("is not viewer, user or none").doesNotContain("\u0007");
    }

    // ---- session lifetimes --------------------------------------------------------------

    @Test
    void sessionLifetimesDefaultTo12HoursIdleAnd7DaysInAll() throws ConfigException {
        ServerConfig.Sessions sessions = ServerConfig.from(Map.of()).sessions();
        assertThat(sessions.idleTimeout()).isEqualTo(Duration.ofHours(12));
        assertThat(sessions.maxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(ServerConfig.from(Map.of()).toString()).contains("sessions=idle 12h/max 7d");
    }

    @Test
    void sessionLifetimesTakeSecondsMinutesHoursAndDays() throws ConfigException {
        ServerConfig.Sessions sessions = config("HIVEMIND_SESSION_IDLE_TIMEOUT", "90s",
                "HIVEMIND_SESSION_MAX_AGE", "45m").sessions();
        assertThat(sessions.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(sessions.maxAge()).isEqualTo(Duration.ofMinutes(45));
        sessions = config("HIVEMIND_SESSION_IDLE_TIMEOUT", "2h", "HIVEMIND_SESSION_MAX_AGE", "30d").sessions();
        assertThat(sessions.idleTimeout()).isEqualTo(Duration.ofHours(2));
        assertThat(sessions.maxAge()).isEqualTo(Duration.ofDays(30));
        assertThat(config("HIVEMIND_SESSION_IDLE_TIMEOUT", "1d").sessions().idleTimeout()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void sessionLifetimesAreBounded() throws ConfigException {
        assertThat(config("HIVEMIND_SESSION_IDLE_TIMEOUT", "1m", "HIVEMIND_SESSION_MAX_AGE", "1m").sessions())
                .isEqualTo(new ServerConfig.Sessions(Duration.ofMinutes(1), Duration.ofMinutes(1)));
        assertThat(config("HIVEMIND_SESSION_IDLE_TIMEOUT", "30d", "HIVEMIND_SESSION_MAX_AGE", "365d").sessions())
                .isEqualTo(new ServerConfig.Sessions(Duration.ofDays(30), Duration.ofDays(365)));
        for (String[] bad : new String[][] {{"HIVEMIND_SESSION_IDLE_TIMEOUT", "59s"},
                {"HIVEMIND_SESSION_IDLE_TIMEOUT", "31d"}, {"HIVEMIND_SESSION_IDLE_TIMEOUT", "0m"},
                {"HIVEMIND_SESSION_MAX_AGE", "366d"}, {"HIVEMIND_SESSION_MAX_AGE", "30s"}}) {
            ConfigException e = rejected(bad[0], bad[1]);
            assertThat(e.variable()).as("%s=%s", bad[0], bad[1]).isEqualTo(bad[0]);
            assertThat(e.getMessage()).contains("out of range").doesNotContain("\n");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"12", "h", "1.5h", "12 h", "-1h", "1w", "12H", "1h30m", "1000000s", "P1D", "12hours"})
    void sessionLifetimesRefuseMalformedDurationsNamingTheVariable(String value) {
        for (String variable : new String[] {"HIVEMIND_SESSION_IDLE_TIMEOUT", "HIVEMIND_SESSION_MAX_AGE"}) {
            ConfigException e = rejected(variable, value);
            assertThat(e.variable()).isEqualTo(variable);
            assertThat(e.getMessage()).startsWith(variable + ": ").contains("is not a duration");
        }
    }

    // ---- drain notice ---------------------------------------------------------------------

    @Test
    void theDrainNoticeIs750MillisecondsUnlessSetInWholeSecondsUpToAMinute() throws ConfigException {
        assertThat(ServerConfig.from(Map.of()).drainNotice()).isEqualTo(Duration.ofMillis(750));
        assertThat(ServerConfig.from(Map.of()).toString()).contains("drainNotice=750 ms");
        assertThat(config("HIVEMIND_DRAIN_NOTICE", "").drainNotice()).isEqualTo(Duration.ofMillis(750));
        assertThat(config("HIVEMIND_DRAIN_NOTICE", "0s").drainNotice()).isZero();
        assertThat(config("HIVEMIND_DRAIN_NOTICE", "5s").drainNotice()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config("HIVEMIND_DRAIN_NOTICE", "1m").drainNotice()).isEqualTo(Duration.ofMinutes(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"61s", "2m", "1h", "750ms", "0.75s", "-1s", "5", "PT1S"})
    void aDrainNoticeOutOfRangeOrNotADurationIsRefusedNamingTheVariable(String value) {
        ConfigException e = rejected("HIVEMIND_DRAIN_NOTICE", value);
        assertThat(e.variable()).isEqualTo("HIVEMIND_DRAIN_NOTICE");
        assertThat(e.getMessage()).startsWith("HIVEMIND_DRAIN_NOTICE: '" + value + "' is ")
                .containsAnyOf("out of range (0s to 1m)", "is not a duration").doesNotContain("\n");
    }

    @Test
    void aMaxAgeShorterThanTheIdleTimeoutIsRefusedNamingTheMaxAge() throws ConfigException {
        ConfigException e = assertThrows(() -> config("HIVEMIND_SESSION_IDLE_TIMEOUT", "2h",
                "HIVEMIND_SESSION_MAX_AGE", "1h"));
        assertThat(e.variable()).isEqualTo("HIVEMIND_SESSION_MAX_AGE");
        assertThat(e.getMessage()).isEqualTo("HIVEMIND_SESSION_MAX_AGE: '1h' is shorter than "
                + "HIVEMIND_SESSION_IDLE_TIMEOUT ('2h')");
        // Against the default idle timeout too.
        assertThat(assertThrows(() -> config("HIVEMIND_SESSION_MAX_AGE", "6h")).variable())
                .isEqualTo("HIVEMIND_SESSION_MAX_AGE");
        // Equal is fine: every session then simply ends at the idle timeout at the latest.
        assertThat(config("HIVEMIND_SESSION_IDLE_TIMEOUT", "2h", "HIVEMIND_SESSION_MAX_AGE", "120m").sessions().maxAge())
                .isEqualTo(Duration.ofHours(2));
    }

    private static ConfigException assertThrows(org.junit.jupiter.api.function.Executable executable) {
        return org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, executable);
    }

    // ---- rate limits --------------------------------------------------------------------

    @Test
    void rateLimitsDefaultTo600PerMinute30And10PerTenMinutes() throws ConfigException {
        ServerConfig.RateLimits limits = ServerConfig.from(Map.of()).rateLimits();
        assertThat(limits.api()).contains(new RateLimit(600, Duration.ofMinutes(1)));
        assertThat(limits.signIn()).contains(new RateLimit(30, Duration.ofMinutes(10)));
        assertThat(limits.signInAccount()).contains(new RateLimit(10, Duration.ofMinutes(10)));
        assertThat(ServerConfig.from(Map.of()).toString())
                .contains("rateLimits=api 600/1m, sign-in 30/10m, sign-in per account 10/10m");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HIVEMIND_RATE_LIMIT_API", "HIVEMIND_RATE_LIMIT_SIGNIN", "HIVEMIND_RATE_LIMIT_SIGNIN_ACCOUNT"})
    void eachRateLimitCanBeSetOrTurnedOff(String variable) throws ConfigException {
        assertThat(limitOf(config(variable, "5/30s"), variable)).contains(new RateLimit(5, Duration.ofSeconds(30)));
        assertThat(limitOf(config(variable, "1000/1h"), variable)).contains(new RateLimit(1000, Duration.ofHours(1)));
        assertThat(limitOf(config(variable, "off"), variable)).isEmpty();
        assertThat(limitOf(config(variable, "OFF"), variable)).isEmpty();
        // Turning one off leaves the others at their defaults.
        ServerConfig one = config(variable, "off");
        assertThat(List.of(one.rateLimits().api(), one.rateLimits().signIn(), one.rateLimits().signInAccount())
                .stream().filter(java.util.Optional::isEmpty)).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HIVEMIND_RATE_LIMIT_API", "HIVEMIND_RATE_LIMIT_SIGNIN", "HIVEMIND_RATE_LIMIT_SIGNIN_ACCOUNT"})
    void malformedRateLimitsAreRefusedNamingTheVariable(String variable) {
        for (String bad : new String[] {"600", "600/", "/1m", "0/1m", "600/0s", "600/2d", "600/25h", "600/1M",
                "six/1m", "600 / 1m", "600/1m/2", "disabled", "-1/1m", "1000001/1m"}) {
            ConfigException e = rejected(variable, bad);
            assertThat(e.variable()).as("%s=%s", variable, bad).isEqualTo(variable);
            assertThat(e.getMessage()).startsWith(variable + ": ").doesNotContain("\n");
        }
    }

    private static java.util.Optional<RateLimit> limitOf(ServerConfig config, String variable) {
        return switch (variable) {
            case "HIVEMIND_RATE_LIMIT_API" -> config.rateLimits().api();
            case "HIVEMIND_RATE_LIMIT_SIGNIN" -> config.rateLimits().signIn();
            default -> config.rateLimits().signInAccount();
        };
    }

    // ---- secrets ------------------------------------------------------------------------

    @Test
    void toStringNeverShowsTheApiKeyOrTheDatabasePassword() throws ConfigException {
        String key = "Zq8v1KpN0xR4tY7uW2eA5sD9fG3hJ6kL";
        String password = "db-pass-s3cr3t!";
        ServerConfig config = config("ADMIN_API_KEY", key, "DB_PASSWORD", password,
                "HIVEMIND_DB_URL", "jdbc:postgresql://db:5432/hivemind");
        assertThat(config.adminApiKey()).contains(key);
        assertThat(config.toString()).doesNotContain(key).doesNotContain(password)
                .contains("adminApiKey=(set)").contains("dbPassword=(set)");
        assertThat(ServerConfig.from(Map.of()).toString()).contains("adminApiKey=(unset)").contains("dbPassword=(unset)");
    }

    @Test
    void aRefusedApiKeyIsNotEchoed() {
        for (String bad : new String[] {"short-key-123", "has a space in it but is long enough to pass", "k\u00e9y"
                + "x".repeat(40), "x".repeat(513)}) {
            ConfigException e = rejected("ADMIN_API_KEY", bad);
            assertThat(e.variable()).isEqualTo("ADMIN_API_KEY");
            assertThat(e.getMessage()).doesNotContain(bad).doesNotContain("short-key");
        }
    }

    private static java.net.InetAddress address(String literal) {
        return IpAddresses.parseLiteral(literal);
    }
}
