package com.seglamater.hivemind.server.config;

import com.seglamater.hivemind.model.config.DotEnv;
import com.seglamater.hivemind.server.sso.ForwardAuthSettings;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * compose/.env.example is what operators copy: it must list every variable the server reads,
 * each with a comment, and its values must be accepted as they stand.
 */
class EnvExampleTest {

    private static final Path EXAMPLE = Path.of("..", "compose", ".env.example");

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
            assertThat(values).as("compose/.env.example lists " + variable).containsKey(variable);
            int line = indexOf(lines, variable + "=");
            assertThat(lines.get(line - 1)).as("the line above " + variable + " is a comment").startsWith("#");
        }
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

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError(prefix + " not found");
    }
}
