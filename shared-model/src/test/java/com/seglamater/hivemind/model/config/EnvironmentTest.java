package com.seglamater.hivemind.model.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvironmentTest {

    @Test
    void theProcessEnvironmentWinsOverTheFile(@TempDir Path dir) throws IOException, ConfigException {
        Path file = dir.resolve("hivemind.env");
        Files.writeString(file, "HIVEMIND_BIND=127.0.0.1:9000\nHIVEMIND_DATA_DIR=/srv/hivemind\n");
        Map<String, String> env = Environment.load("hivemind-server", new String[] {"--env-file", file.toString()},
                Map.of("HIVEMIND_BIND", "127.0.0.1:9001", "HIVEMIND_DATA_DIR", ""));
        assertThat(env).containsEntry("HIVEMIND_BIND", "127.0.0.1:9001")
                // An empty process variable does not blank out the file's value.
                .containsEntry("HIVEMIND_DATA_DIR", "/srv/hivemind");
    }

    @Test
    void acceptsTheEqualsForm(@TempDir Path dir) throws IOException, ConfigException {
        Path file = dir.resolve("hivemind.env");
        Files.writeString(file, "HIVEMIND_BIND=127.0.0.1:9000\n");
        assertThat(Environment.load("hivemind-server", new String[] {"--env-file=" + file}, Map.of()))
                .containsEntry("HIVEMIND_BIND", "127.0.0.1:9000");
    }

    @Test
    void withoutAFileOnlyTheProcessEnvironmentCounts() throws ConfigException {
        assertThat(Environment.load("hivemind-server", new String[0], Map.of("HIVEMIND_BIND", "127.0.0.1:9002")))
                .containsExactly(Map.entry("HIVEMIND_BIND", "127.0.0.1:9002"));
    }

    @Test
    void rejectsUnknownOptionsAndAMissingFileName() {
        assertThatThrownBy(() -> Environment.load("hivemind-server", new String[] {"--verbose"}, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("--verbose: unknown option");
        assertThatThrownBy(() -> Environment.load("hivemind-server", new String[] {"--env-file"}, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("--env-file: needs a file name");
        assertThatThrownBy(() -> Environment.load("hivemind-server", new String[] {"--env-file="}, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("--env-file: needs a file name");
        assertThatThrownBy(() -> Environment.load("hivemind-server", new String[] {"--env-file", "a\u0000b"}, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessage("--env-file: 'a?b' is not a valid path");
    }
}
