package com.seglamater.hivemind.agent.pins;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The promise of the pins file: an operator's plain {@code docker compose up -d} in the stack
 * directory runs the pinned digests. Checked with the real compose (v1 {@code docker-compose},
 * or the v2 plugin), whose {@code config} merges the files exactly as {@code up} does, without
 * a Docker engine.
 */
class PinsFileComposeTest {

    @TempDir
    Path stack;

    @Test
    void composeMergesThePinsOverTheComposeFileByItself() throws Exception {
        List<String> compose = composeCommand();
        Files.writeString(stack.resolve("docker-compose.yml"), """
                services:
                  hivemind-server:
                    image: registry.example.org/hivemind/server:latest
                    restart: unless-stopped
                  hivemind-updater:
                    image: registry.example.org/hivemind/updater:latest
                  hivemind-db:
                    image: postgres:16
                """);
        PinsFile pins = new PinsFile(stack.resolve("docker-compose.override.yml"));
        pins.write(Map.of("hivemind-server", PinsFileTest.SERVER_A, "hivemind-updater", PinsFileTest.UPDATER), "1.0.0");
        pins.write(Map.of("hivemind-server", PinsFileTest.SERVER_B, "hivemind-updater", PinsFileTest.UPDATER), "1.1.0");

        String merged = run(compose, "config");

        assertThat(merged).contains("image: " + PinsFileTest.SERVER_B).contains("image: " + PinsFileTest.UPDATER)
                .as("the previous pins are not read").doesNotContain(PinsFileTest.SERVER_A)
                .as("services without pins keep their image").contains("image: postgres:16")
                .as("the rest of the service definition stays").contains("restart: unless-stopped");
    }

    private List<String> composeCommand() throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        Optional<List<String>> found = Stream.of(List.of("docker-compose"), List.of("docker", "compose"))
                .filter(this::works).findFirst();
        if (!ci) {
            assumeTrue(found.isPresent(), "neither docker-compose nor the docker compose plugin is installed"
                    + " (apt-get install docker-compose); CI installs it");
        }
        assertThat(found).as("docker-compose or docker compose on PATH").isPresent();
        return found.get();
    }

    private boolean works(List<String> command) {
        try {
            Process p = new ProcessBuilder(Stream.concat(command.stream(), Stream.of("version")).toList())
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    private String run(List<String> compose, String... args) throws Exception {
        List<String> command = Stream.concat(Stream.concat(compose.stream(), Stream.of("-p", "hivemind")),
                Stream.of(args)).toList();
        Process p = new ProcessBuilder(command).directory(stack.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
