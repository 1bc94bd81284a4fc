package com.seglamater.hivemind.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.model.config.DotEnv;
import com.seglamater.hivemind.server.config.ServerConfig;
import com.seglamater.hivemind.server.sso.ForwardAuthSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * compose/docker-compose.yml gives each program every setting it reads (one by one, so that a
 * change to one service's setting restarts only that service), names only variables that
 * compose/.env.example documents, publishes only the server's main port on loopback, and is
 * accepted by compose itself.
 */
class ComposeFileTest {

    private static final Path COMPOSE = Path.of("..", "compose", "docker-compose.yml");
    private static final Path EXAMPLE = Path.of("..", "compose", ".env.example");
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)(?::?[-?][^}]*)?}");

    private static JsonNode compose() throws Exception {
        return new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile());
    }

    private static JsonNode environment(String service) throws Exception {
        JsonNode env = compose().path("services").path(service).path("environment");
        assertThat(env.isObject()).as(service + " has an environment map").isTrue();
        return env;
    }

    @Test
    void theServerGetsEverySettingItReads() throws Exception {
        JsonNode env = environment("hivemind-server");
        List<String> missing = new ArrayList<>();
        for (Class<?> type : List.of(ServerConfig.class, ForwardAuthSettings.class)) {
            for (Field field : type.getDeclaredFields()) {
                int m = field.getModifiers();
                if (Modifier.isPublic(m) && Modifier.isStatic(m) && field.getType() == String.class
                        && !env.has((String) field.get(null))) {
                    missing.add((String) field.get(null));
                }
            }
        }
        assertThat(missing).isEmpty();
        assertThat(env.path("DB_PASSWORD").asText()).startsWith("${DB_PASSWORD:?");
    }

    @Test
    void theUpdaterGetsEverySettingItReadsAndTheStacksPathsAsTheHostHasThem() throws Exception {
        JsonNode env = environment("hivemind-updater");
        assertThat(AgentConfig.DEFAULTS.keySet()).allSatisfy(name -> assertThat(env.has(name)).as(name).isTrue());
        assertThat(env.path("HIVEMIND_COMPOSE_PROJECT_DIR").asText()).isEqualTo("${HIVEMIND_STACK_DIR:-/var/lib/hivemind}");
        List<String> volumes = new ArrayList<>();
        compose().path("services").path("hivemind-updater").path("volumes").forEach(v -> volumes.add(v.asText()));
        // Mounted at the same path: the compose client in the container resolves paths the host's engine uses.
        assertThat(volumes).contains("${HIVEMIND_STACK_DIR:-/var/lib/hivemind}:${HIVEMIND_STACK_DIR:-/var/lib/hivemind}",
                "${HIVEMIND_CONFIG_DIR:-/etc/hivemind}:${HIVEMIND_CONFIG_DIR:-/etc/hivemind}",
                "${HIVEMIND_BACKUP_DIR:-/var/backup/hivemind}:${HIVEMIND_BACKUP_DIR:-/var/backup/hivemind}",
                "/var/run/docker.sock:/var/run/docker.sock");
    }

    @Test
    void everyVariableTheComposeFileNamesIsDocumentedInTheExample() throws Exception {
        Set<String> named = new TreeSet<>();
        Matcher m = INTERPOLATION.matcher(Files.readString(COMPOSE));
        while (m.find()) {
            named.add(m.group(1));
        }
        assertThat(named).contains("DB_PASSWORD", "HIVEMIND_PUBLISH", "HIVEMIND_SERVER_IMAGE", "HIVEMIND_STACK_DIR");
        Map<String, String> example = DotEnv.read(EXAMPLE);
        String text = Files.readString(EXAMPLE);
        assertThat(named).allSatisfy(name -> assertThat(example.containsKey(name) || text.contains("# " + name + "="))
                .as("compose/.env.example lists " + name).isTrue());
    }

    @Test
    void onlyTheServersMainPortIsPublishedAndOnlyOnLoopback() throws Exception {
        JsonNode services = compose().path("services");
        List<String> publishing = new ArrayList<>();
        services.fieldNames().forEachRemaining(name -> {
            if (services.path(name).has("ports")) {
                publishing.add(name);
            }
        });
        assertThat(publishing).containsExactly("hivemind-server");
        assertThat(services.path("hivemind-server").path("ports").get(0).asText())
                .isEqualTo("${HIVEMIND_PUBLISH:-127.0.0.1:8585}:8585");
        assertThat(Files.readString(EXAMPLE)).contains("HIVEMIND_PUBLISH=127.0.0.1:8585");
    }

    @Test
    void everyServiceRestartsHasBoundedLogsAndTheServerWaitsForAHealthyDatabase() throws Exception {
        JsonNode services = compose().path("services");
        assertThat(services.fieldNames()).toIterable().containsExactlyInAnyOrder("hivemind-db", "hivemind-server", "hivemind-updater");
        services.fields().forEachRemaining(e ->
                assertThat(e.getValue().path("restart").asText()).as(e.getKey()).isEqualTo("unless-stopped"));
        // Every service takes the one logging block (a YAML alias, which the parser here does not expand).
        String text = Files.readString(COMPOSE);
        assertThat(Pattern.compile("(?m)^    logging: \\*logging$").matcher(text).results().count()).isEqualTo(3);
        assertThat(compose().path("x-logging").path("options").path("max-size").asText()).isEqualTo("10m");
        assertThat(compose().path("x-logging").path("options").path("max-file").asText()).isEqualTo("5");
        assertThat(services.at("/hivemind-server/depends_on/hivemind-db/condition").asText()).isEqualTo("service_healthy");
        assertThat(services.at("/hivemind-db/healthcheck/test").toString()).contains("pg_isready");
        assertThat(compose().path("volumes").has("hivemind-db-data")).isTrue();
        assertThat(services.at("/hivemind-db/volumes/0").asText()).isEqualTo("hivemind-db-data:/var/lib/postgresql/data");
    }

    @Test
    void theStartingImagesAreTheSameInTheComposeFileAndTheExample() throws Exception {
        Map<String, String> example = DotEnv.read(EXAMPLE);
        JsonNode services = compose().path("services");
        for (String[] pair : new String[][] {{"hivemind-server", "HIVEMIND_SERVER_IMAGE"},
                {"hivemind-updater", "HIVEMIND_UPDATER_IMAGE"}, {"hivemind-db", "HIVEMIND_DB_IMAGE"}}) {
            assertThat(services.path(pair[0]).path("image").asText()).isEqualTo("${" + pair[1] + ":-" + example.get(pair[1]) + "}");
        }
    }

    @Test
    void composeV1AcceptsTheFileAndRefusesToRunWithoutADatabasePassword(@TempDir Path dir) throws Exception {
        boolean v1 = Shell.in(dir).run(Duration.ofSeconds(30), "docker-compose", "version").ok();
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(v1, "docker-compose (v1) is not installed (apt-get install docker-compose); CI installs it");
        }
        Files.copy(COMPOSE, dir.resolve("docker-compose.yml"));
        Shell.Result refused = Shell.in(dir).run(Duration.ofSeconds(60), "docker-compose", "config", "-q");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("DB_PASSWORD must be set in /etc/hivemind/.env");
        Files.writeString(dir.resolve(".env"), "DB_PASSWORD=x\n");
        Shell.Result accepted = Shell.in(dir).run(Duration.ofSeconds(60), "docker-compose", "config", "-q");
        assertThat(accepted.exit()).as(accepted.toString()).isZero();
        assertThat(accepted.err()).as("no warnings either").isBlank();
    }
}
