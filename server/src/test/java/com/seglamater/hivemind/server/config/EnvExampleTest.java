package com.seglamater.hivemind.server.config;

import com.seglamater.hivemind.model.config.DotEnv;
import com.seglamater.hivemind.model.testing.EnvExample;
import com.seglamater.hivemind.server.sso.ForwardAuthSettings;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * compose/.env.example is what operators copy: it must list every variable the server reads,
 * each with a comment, and its values must be accepted as they stand. A variable the updater
 * agent reads too with another default (HIVEMIND_DATA_DIR) is shown commented out
 * ({@code # NAME=}) under a comment giving each program's default.
 */
class EnvExampleTest {

    private static final Path EXAMPLE = EnvExample.FILE;

    @Test
    void theExampleIsAValidConfigurationWithTheDefaults() throws Exception {
        // The example shows the defaults: read as they stand, they are exactly the defaults.
        assertThat(ServerConfig.from(DotEnv.read(EXAMPLE))).isEqualTo(ServerConfig.from(Map.of()));
    }

    @Test
    void everyVariableTheServerReadsIsListedWithAComment() throws Exception {
        List<String> lines = Files.readAllLines(EXAMPLE);
        Map<String, String> values = DotEnv.read(EXAMPLE);
        for (String variable : variables()) {
            if (!values.containsKey(variable)) {
                // Shown commented out because the agent reads it with another default: the comment
                // must give the server's, and that value must be what the server uses when unset.
                Optional<String> given = EnvExample.commentedDefault(variable, "server");
                assertThat(given).as("compose/.env.example sets " + variable + " or gives the server's default"
                        + " in a comment").isPresent();
                assertThat(ServerConfig.from(Map.of(variable, given.get())))
                        .as("the server's default of " + variable + " is " + given.get())
                        .isEqualTo(ServerConfig.from(Map.of()));
                continue;
            }
            int line = EnvExample.indexOf(lines, variable + "=");
            assertThat(lines.get(line - 1)).as("the line above " + variable + " is a comment").startsWith("#");
        }
    }

    @Test
    void theDataDirectoryIsNotSetForServerAndAgentAlike() throws Exception {
        // The agent reads it too, with another default (/var/lib/hivemind/agent): one value for
        // both would be wrong for one of them.
        assertThat(DotEnv.read(EXAMPLE)).doesNotContainKey(ServerConfig.DATA_DIR);
        assertThat(EnvExample.commentedDefault(ServerConfig.DATA_DIR, "server")).contains("./data");
    }


    /** The variable names ServerConfig and ForwardAuthSettings declare as their public String constants. */
    private static List<String> variables() throws IllegalAccessException {
        List<String> names = new ArrayList<>();
        for (Class<?> type : List.of(ServerConfig.class, ForwardAuthSettings.class)) {
            for (Field field : type.getDeclaredFields()) {
                int m = field.getModifiers();
                if (Modifier.isPublic(m) && Modifier.isStatic(m) && field.getType() == String.class) {
                    names.add((String) field.get(null));
                }
            }
        }
        assertThat(names).contains("HIVEMIND_BIND", "ADMIN_API_KEY", "HIVEMIND_RATE_LIMIT_API",
                "HIVEMIND_FORWARD_AUTH", "HIVEMIND_FORWARD_AUTH_TRUSTED_NETS", "HIVEMIND_GROUP_USER");
        return names;
    }
}
