package com.seglamater.hivemind.server;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.server.net.HostPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MainTest {

    @Test
    void configurationComesFromTheEnvFileWithTheEnvironmentOnTop(@TempDir Path dir) throws IOException, ConfigException {
        Path file = dir.resolve(".env");
        Files.writeString(file, "HIVEMIND_BIND=0.0.0.0:8585\nHIVEMIND_DB_USER=from_file\n");
        var config = Main.configure(new String[] {"--env-file", file.toString()}, Map.of("HIVEMIND_DB_USER", "from_env"));
        assertThat(config.bind()).isEqualTo(new HostPort("0.0.0.0", 8585));
        assertThat(config.dbUser()).isEqualTo("from_env");
    }

    @Test
    void aBadValueInTheFileIsRejectedUnlessTheEnvironmentOverridesIt(@TempDir Path dir) throws IOException, ConfigException {
        Path file = dir.resolve(".env");
        Files.writeString(file, "HIVEMIND_BIND=nonsense\n");
        String[] args = {"--env-file", file.toString()};
        assertThatThrownBy(() -> Main.configure(args, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("HIVEMIND_BIND: 'nonsense' is not host:port");
        assertThat(Main.configure(args, Map.of("HIVEMIND_BIND", "127.0.0.1:9")).bind().port()).isEqualTo(9);
    }

    @Test
    void aConfigurationErrorIsOneLineWithExitCode2() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Main.reportConfigError(new ConfigException("HIVEMIND_BIND", "'abc' is not host:port"),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("hivemind-server: HIVEMIND_BIND: 'abc' is not host:port" + System.lineSeparator());
    }

    @Test
    void aListenerThatCannotBindIsOneLineNamingTheVariableWithExitCode1() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HostPort address = new HostPort("127.0.0.1", taken.getLocalPort());
            CannotListenException e = CannotListenException.diagnose(
                    List.of(new CannotListenException.Listener("HIVEMIND_BIND", address)), Optional.empty());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int code = Main.reportCannotListen(e, new PrintStream(bytes, true, StandardCharsets.UTF_8));
            assertThat(code).isEqualTo(Main.EXIT_START_FAILED).isEqualTo(1);
            assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("hivemind-server: cannot listen on " + address
                    + " (HIVEMIND_BIND): address already in use" + System.lineSeparator());
        }
    }

    @Test
    void forwardAuthWithoutASafeTrustedListStopsStartUpExplainingWhy(@TempDir Path dir) {
        Path file = dir.resolve(".env");
        String[] args = {"--env-file", file.toString()};
        for (String[] c : new String[][] {
                {"", "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS: is empty while HIVEMIND_FORWARD_AUTH is true"},
                {"0.0.0.0/0", "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS: '0.0.0.0/0' trusts every address"},
                {"172.18.0.0/16,::/0", "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS: '::/0' trusts every address"},
                {"10.0.0.1/8", "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS: '10.0.0.1/8'"},
                {"not-a-cidr", "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS: 'not-a-cidr'"},
                {"0.0.0.0/1,128.0.0.0/1", "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS: '0.0.0.0/1' is wider than /8"},
                {"172.18.0.10/32\nHIVEMIND_FORWARD_AUTH_USER_HEADER=X-Forwarded-For",
                        "HIVEMIND_FORWARD_AUTH_USER_HEADER: 'X-Forwarded-For' is a standard header"},
                {"172.18.0.10/32\nHIVEMIND_GROUP_ADMIN=staff\nHIVEMIND_GROUP_USER=staff",
                        "HIVEMIND_GROUP_USER: 'staff' is also HIVEMIND_GROUP_ADMIN"}}) {
            ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> {
                Files.writeString(file, "HIVEMIND_FORWARD_AUTH=true\nHIVEMIND_FORWARD_AUTH_TRUSTED_NETS=" + c[0] + "\n");
                Main.configure(args, Map.of());
            }, c[0]);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            assertThat(Main.reportConfigError(e, new PrintStream(bytes, true, StandardCharsets.UTF_8))).isEqualTo(2);
            assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("hivemind-server: " + c[1])
                    .doesNotContain("\tat ").hasLineCount(1);
        }
    }

    @Test
    void versionIsDevOutsideAJar() {
        // Tests run from target/classes, which has no manifest; the jar case is in ServerJarIT.
        assertThat(Main.version()).isEqualTo("dev");
    }
}
