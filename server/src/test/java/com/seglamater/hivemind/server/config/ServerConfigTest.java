package com.seglamater.hivemind.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.HashMap;
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
                .containsExactly("127.0.0.1/32", "0:0:0:0:0:0:0:1/128");
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

    private static java.net.InetAddress address(String literal) {
        return IpAddresses.parseLiteral(literal);
    }
}
