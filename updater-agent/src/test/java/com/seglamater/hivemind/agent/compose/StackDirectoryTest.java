package com.seglamater.hivemind.agent.compose;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StackDirectoryTest {

    @TempDir
    Path stack;

    @Test
    void aDirectoryWithADockerComposeFileIsAStack() throws Exception {
        Files.writeString(stack.resolve("docker-compose.yml"), "services: {}\n");

        assertThatCode(() -> StackDirectory.require(stack, Map.of())).doesNotThrowAnyException();
    }

    @Test
    void withoutAComposeFileItIsRefusedWithTheVariableNamed() {
        assertThatThrownBy(() -> StackDirectory.require(stack, Map.of()))
                .isInstanceOf(StackDirectoryException.class)
                .hasMessage("the stack directory " + stack
                        + " (HIVEMIND_COMPOSE_PROJECT_DIR) holds no docker-compose.yml (nor compose.yaml)");
    }

    @Test
    void composeFileInTheEnvironmentLetsTheFilesHaveOtherNames() throws Exception {
        Files.writeString(stack.resolve("hivemind.yml"), "services: {}\n");

        assertThatCode(() -> StackDirectory.require(stack, Map.of("COMPOSE_FILE", "hivemind.yml")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> StackDirectory.require(stack, Map.of("COMPOSE_FILE", " ")))
                .as("blank counts as unset").isInstanceOf(StackDirectoryException.class);
    }

    @Test
    void composeFileInTheStacksDotEnvLetsTheFilesHaveOtherNames() throws Exception {
        Files.writeString(stack.resolve("hivemind.yml"), "services: {}\n");
        Files.writeString(stack.resolve(".env"), "# compose's own\nexport COMPOSE_FILE=hivemind.yml:pins.yml\n");

        assertThatCode(() -> StackDirectory.require(stack, Map.of())).doesNotThrowAnyException();
    }

    @Test
    void onlyAStatementThatComposeReadsSetsComposeFile() throws Exception {
        Files.writeString(stack.resolve("hivemind.yml"), "services: {}\n");
        Files.writeString(stack.resolve(".env"), "# COMPOSE_FILE=hivemind.yml\nNOTE='\nCOMPOSE_FILE=hivemind.yml\n'\n"
                + "COMPOSE_FILE=\n");

        assertThatThrownBy(() -> StackDirectory.require(stack, Map.of())).isInstanceOf(StackDirectoryException.class);

        Files.writeString(stack.resolve(".env"), "COMPOSE_FILE=${STACK_FILES}\n");
        assertThatCode(() -> StackDirectory.require(stack, Map.of())).as("compose fills it in")
                .doesNotThrowAnyException();
    }

    @Test
    void aMissingDirectoryIsNotMistakenForAMissingFile() {
        Path gone = stack.resolve("gone");

        assertThatThrownBy(() -> StackDirectory.require(gone, Map.of()))
                .isInstanceOf(StackDirectoryException.class)
                .hasMessage("the stack directory " + gone + " (HIVEMIND_COMPOSE_PROJECT_DIR) does not exist");
    }
}
