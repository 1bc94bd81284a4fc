package com.seglamater.hivemind.agent.config;

import com.seglamater.hivemind.model.config.DotEnv;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * compose/.env.example is what operators copy: it lists every variable the agent reads, under a
 * comment, with the agent's defaults, and those values are accepted as they stand.
 */
class AgentEnvExampleTest {

    private static final Path EXAMPLE = Path.of("..", "compose", ".env.example");

    @Test
    void theExampleGivesTheAgentItsDefaults() throws Exception {
        Map<String, String> values = new HashMap<>(DotEnv.read(EXAMPLE));
        // Shared with the server, whose default (./data) the example shows; compose sets it per container.
        values.remove(AgentConfig.DATA_DIR);
        assertThat(AgentConfig.from(values)).isEqualTo(AgentConfig.from(Map.of()));
    }

    @Test
    void everyVariableTheAgentReadsIsListedUnderAComment() throws Exception {
        List<String> lines = Files.readAllLines(EXAMPLE);
        Map<String, String> values = DotEnv.read(EXAMPLE);
        for (String variable : AgentConfig.DEFAULTS.keySet()) {
            assertThat(values).as("compose/.env.example lists " + variable).containsKey(variable);
            int line = indexOf(lines, variable + "=");
            int above = line - 1;
            while (above >= 0 && lines.get(above).matches("[A-Z_]+=.*")) {
                above--; // a group of related variables shares one comment
            }
            assertThat(above).as(variable + " has a comment above it").isGreaterThanOrEqualTo(0);
            assertThat(lines.get(above)).as("the line above " + variable + "'s group is a comment").startsWith("#");
        }
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError(prefix + " not found");
    }
}
