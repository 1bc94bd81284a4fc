package com.seglamater.hivemind.agent.config;

import com.seglamater.hivemind.model.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentConfigTest {

    @Test
    void defaultsFollowTheDesign() throws Exception {
        AgentConfig c = AgentConfig.from(Map.of());
        assertThat(c.channel()).isEqualTo("canary");
        assertThat(c.updateUrl()).isEqualTo(URI.create("https://updates.seglamater.app/hivemind"));
        assertThat(c.interval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.adminTokenFile()).isEqualTo(Path.of("/run/hivemind/admin.token"));
        assertThat(c.approval()).isEqualTo(AgentConfig.Approval.AUTO);
        assertThat(c.composeCommand()).containsExactly("docker", "compose");
        assertThat(c.verificationPolicy().threshold()).isEqualTo(1);
    }

    @Test
    void aDataDirectoryTooLongForTheControlSocketIsRefusedNamingTheVariable() {
        String longest = "/" + "d".repeat(AgentConfig.ControlSocket.MAX_PATH_BYTES - "/control.sock".length() - 1);
        assertThatCode(() -> AgentConfig.from(Map.of(AgentConfig.DATA_DIR, longest))).doesNotThrowAnyException();
        assertThatThrownBy(() -> AgentConfig.from(Map.of(AgentConfig.DATA_DIR, longest + "d")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("HIVEMIND_DATA_DIR: ")
                .hasMessageContaining("Unix sockets allow 107");
    }

    @Test
    void defaultPathsFollowTheDeploymentLayout() throws Exception {
        AgentConfig c = AgentConfig.from(Map.of());
        // DESIGN.md "Deployment": /var/lib/hivemind/ is the stack directory (compose file, pins, agent state).
        assertThat(c.projectDir()).isEqualTo(Path.of("/var/lib/hivemind"));
        assertThat(c.pinsFile()).isEqualTo(Path.of("/var/lib/hivemind/docker-compose.override.yml"));
        // The agent's state in its own subdirectory, beside docker-compose.yml rather than mixed with it.
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/hivemind/agent"));
        assertThat(c.backupDir()).isEqualTo(Path.of("/var/lib/hivemind/agent/backups"));
        // Baked into the image outside /etc/hivemind, which the operator's bind mount hides.
        assertThat(c.keyring()).isEqualTo(Path.of("/usr/share/hivemind/release-keys.asc"));
        assertThat(c.keyring().startsWith(c.envFile().getParent())).isFalse();
    }

    @Test
    void anEmptyValueCountsAsUnset() throws Exception {
        assertThat(AgentConfig.from(Map.of(AgentConfig.CHANNEL, " ", AgentConfig.INTERVAL, "")))
                .isEqualTo(AgentConfig.from(Map.of()));
    }

    @Test
    void valuesAreRead() throws Exception {
        AgentConfig c = AgentConfig.from(Map.of(AgentConfig.CHANNEL, "stable", AgentConfig.INTERVAL, "30s",
                AgentConfig.APPROVAL, "manual", AgentConfig.COMPOSE_COMMAND, "docker-compose",
                AgentConfig.PROJECT_DIR, "/stack", AgentConfig.UPDATE_URL, "https://mirror.example.org/hm/"));
        assertThat(c.channel()).isEqualTo("stable");
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.approval()).isEqualTo(AgentConfig.Approval.MANUAL);
        assertThat(c.composeCommand()).containsExactly("docker-compose");
        assertThat(c.pinsFile()).isEqualTo(Path.of("/stack/docker-compose.override.yml"));
        assertThat(c.updateUrl()).as("a trailing slash is dropped").isEqualTo(URI.create("https://mirror.example.org/hm"));
    }

    @Test
    void plainHttpIsRefusedUnlessToLoopbackWithTheOptIn() throws Exception {
        assertThatThrownBy(() -> AgentConfig.from(Map.of(AgentConfig.UPDATE_URL, "http://updates.example.org/hm")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("HIVEMIND_UPDATE_URL: ")
                .hasMessageContaining("HTTPS");
        assertThatThrownBy(() -> AgentConfig.from(Map.of(AgentConfig.UPDATE_URL, "http://127.0.0.1:8080")))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> AgentConfig.from(Map.of(AgentConfig.UPDATE_URL, "http://updates.example.org",
                AgentConfig.ALLOW_HTTP_LOOPBACK, "true"))).as("the opt-in is for loopback only")
                .isInstanceOf(ConfigException.class);
        // A name that merely starts like a loopback address is not one.
        assertThatThrownBy(() -> AgentConfig.from(Map.of(AgentConfig.UPDATE_URL, "http://127.0.0.1.example.org",
                AgentConfig.ALLOW_HTTP_LOOPBACK, "true"))).isInstanceOf(ConfigException.class);
        assertThat(AgentConfig.from(Map.of(AgentConfig.UPDATE_URL, "http://127.0.0.1:8080",
                AgentConfig.ALLOW_HTTP_LOOPBACK, "true")).updateUrl()).isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(AgentConfig.from(Map.of(AgentConfig.UPDATE_URL, "http://[::1]:8080",
                AgentConfig.ALLOW_HTTP_LOOPBACK, "true")).updateUrl().getPort()).isEqualTo(8080);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "HIVEMIND_UPDATE_CHANNEL|../etc",
            "HIVEMIND_UPDATE_CHANNEL|Canary",
            "HIVEMIND_UPDATE_URL|ftp://updates.example.org",
            "HIVEMIND_UPDATE_URL|https://user:pw@updates.example.org",
            "HIVEMIND_UPDATE_URL|https://updates.example.org/?x=1",
            "HIVEMIND_UPDATE_URL|not a url",
            "HIVEMIND_UPDATE_INTERVAL|banana",
            "HIVEMIND_UPDATE_INTERVAL|1s",
            "HIVEMIND_UPDATE_INTERVAL|2d",
            "HIVEMIND_UPDATE_APPROVAL|sometimes",
            "HIVEMIND_UPDATE_ALLOW_HTTP_LOOPBACK|yes",
            "HIVEMIND_UPDATE_CLOCK_SKEW|2h",
            "HIVEMIND_UPDATE_SIGNATURE_THRESHOLD|0",
            "HIVEMIND_UPDATE_SIGNATURE_THRESHOLD|two",
            "HIVEMIND_COMPOSE_COMMAND|rm -rf /",
            "HIVEMIND_COMPOSE_COMMAND|docker compose --file x.yml",
            "HIVEMIND_COMPOSE_PROJECT|My Project",
            "HIVEMIND_BACKUP_KEEP|0",
            "HIVEMIND_SERVER_SERVICE|Bad Name",
            "HIVEMIND_DB_USER|hivemind; drop table x",
            "HIVEMIND_DB_NAME|-x",
            "HIVEMIND_COMPOSE_TIMEOUT|1s",
            "HIVEMIND_UPDATE_HEALTH_TIMEOUT|3d",
            "HIVEMIND_UPDATE_DRAIN_TIMEOUT|10m",
            "HIVEMIND_ADMIN_URL|https://",
    })
    void aBadValueStopsStartUpWithOneLineNamingTheVariable(String variable, String value) {
        assertThatThrownBy(() -> AgentConfig.from(Map.of(variable, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(variable + ": ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aLogDirectoryIsOptional() throws Exception {
        assertThat(AgentConfig.from(Map.of()).logDir()).isEmpty();
        assertThat(AgentConfig.from(Map.of(AgentConfig.LOG_DIR, "/var/log/hivemind")).logDir())
                .contains(Path.of("/var/log/hivemind"));
    }

    @Test
    void theSpecialServicesMustDiffer() {
        assertThatThrownBy(() -> AgentConfig.from(Map.of(AgentConfig.UPDATER_SERVICE, "hivemind-server")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("three different services");
    }

    @Test
    void everyDefaultIsAcceptedAndListed() {
        assertThat(AgentConfig.DEFAULTS.keySet()).hasSize(28).allMatch(k -> k.startsWith("HIVEMIND_"));
        assertThat(List.copyOf(AgentConfig.DEFAULTS.keySet())).doesNotHaveDuplicates();
    }
}
