package com.seglamater.hivemind.agent.config;

import com.seglamater.hivemind.model.config.DotEnv;
import com.seglamater.hivemind.model.testing.EnvExample;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * compose/.env.example is what operators copy: it lists every variable the agent reads, under a
 * comment, with the agent's defaults, and those values are accepted as they stand. A variable the
 * server reads too with another default (HIVEMIND_DATA_DIR) is not set there for both: it is
 * shown commented out ({@code # NAME=}) under a comment giving each program's default.
 */
class AgentEnvExampleTest {

    private static final Path EXAMPLE = EnvExample.FILE;

    @Test
    void theExampleGivesTheAgentItsDefaults() throws Exception {
        assertThat(AgentConfig.from(DotEnv.read(EXAMPLE))).isEqualTo(AgentConfig.from(Map.of()));
    }

    @Test
    void everyVariableTheAgentReadsIsListedUnderAComment() throws Exception {
        List<String> lines = Files.readAllLines(EXAMPLE);
        Map<String, String> values = DotEnv.read(EXAMPLE);
        for (String variable : AgentConfig.DEFAULTS.keySet()) {
            if (!values.containsKey(variable)) {
                assertThat(EnvExample.commentedDefault(variable, "agent"))
                        .as("compose/.env.example sets " + variable + " or gives the agent's default in a comment")
                        .contains(AgentConfig.DEFAULTS.get(variable));
                continue;
            }
            int line = EnvExample.indexOf(lines, variable + "=");
            int above = line - 1;
            while (above >= 0 && lines.get(above).matches("[A-Z_]+=.*")) {
                above--; // a group of related variables shares one comment
            }
            assertThat(above).as(variable + " has a comment above it").isGreaterThanOrEqualTo(0);
            assertThat(lines.get(above)).as("the line above " + variable + "'s group is a comment").startsWith("#");
        }
    }

    @Test
    void theDataDirectoryIsNotSetForServerAndAgentAlike() throws Exception {
        // The server's default (./data) is not the agent's: one value for both would be wrong for one.
        assertThat(DotEnv.read(EXAMPLE)).doesNotContainKey(AgentConfig.DATA_DIR);
        assertThat(EnvExample.commentedDefault(AgentConfig.DATA_DIR, "agent"))
                .contains("/var/lib/hivemind/agent");
    }
}
