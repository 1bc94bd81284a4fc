package com.seglamater.hivemind.model.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DotEnvTest {

    @Test
    void readsComposeStyleLines() throws ConfigException {
        Map<String, String> values = DotEnv.parse(List.of(
                "# Hivemind",
                "",
                "HIVEMIND_BIND=0.0.0.0:8585",
                "  HIVEMIND_DATA_DIR = /var/lib/hivemind   # where state lives",
                "export HIVEMIND_DB_USER=hivemind",
                "DB_PASSWORD='p#ss word \\n'",
                "HIVEMIND_DB_URL=\"jdbc:postgresql://db/hivemind\" # external",
                "QUOTED=\"a\\\"b\\\\c\\nd\"",
                "EMPTY="));
        assertThat(values).containsExactly(
                Map.entry("HIVEMIND_BIND", "0.0.0.0:8585"),
                Map.entry("HIVEMIND_DATA_DIR", "/var/lib/hivemind"),
                Map.entry("HIVEMIND_DB_USER", "hivemind"),
                Map.entry("DB_PASSWORD", "p#ss word \\n"),
                Map.entry("HIVEMIND_DB_URL", "jdbc:postgresql://db/hivemind"),
                Map.entry("QUOTED", "a\"b\\c\nd"),
                Map.entry("EMPTY", ""));
    }

    @Test
    void hashInsideAnUnquotedValueIsKept() throws ConfigException {
        assertThat(DotEnv.parse(List.of("A=abc#def"))).containsEntry("A", "abc#def");
    }

    @Test
    void rejectsMalformedLinesWithTheLineNumber() {
        assertThatThrownBy(() -> DotEnv.parse(List.of("A=1", "no equals sign")))
                .isInstanceOf(ConfigException.class).hasMessage("--env-file: line 2: expected KEY=VALUE");
        assertThatThrownBy(() -> DotEnv.parse(List.of("1A=1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("line 1: '1A' is not a variable name");
        assertThatThrownBy(() -> DotEnv.parse(List.of("A='open")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unterminated single quote");
        assertThatThrownBy(() -> DotEnv.parse(List.of("A=\"open")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unterminated double quote");
        assertThatThrownBy(() -> DotEnv.parse(List.of("A=\"x\" y")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("after the closing quote");
    }

    @Test
    void aMissingFileIsAConfigurationError(@TempDir Path dir) {
        assertThatThrownBy(() -> DotEnv.read(dir.resolve("absent.env")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--env-file: ").hasMessageEndingWith("does not exist");
    }

    @Test
    void readsAFile(@TempDir Path dir) throws IOException, ConfigException {
        Path file = dir.resolve(".env");
        Files.writeString(file, "HIVEMIND_BIND=127.0.0.1:9999\n");
        assertThat(DotEnv.read(file)).containsExactly(Map.entry("HIVEMIND_BIND", "127.0.0.1:9999"));
    }
}
