package com.seglamater.hivemind.server.config;

import com.seglamater.hivemind.model.config.ConfigException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ADMIN_API_KEY}: which keys start the server, and that the key is never printed. */
class ApiKeyConfigTest {

    /** 44 characters, as {@code openssl rand -base64 32} prints them. */
    private static final String BASE64_KEY = "q3R8vN1xZ7kLmP0sT4wY9bC2dF6gH5jK+aE/uI8oQ1M=";

    private static ServerConfig config(String key) throws ConfigException {
        Map<String, String> env = new HashMap<>();
        env.put("ADMIN_API_KEY", key);
        return ServerConfig.from(env);
    }

    private static ConfigException rejected(String key) {
        try {
            config(key);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("ADMIN_API_KEY=" + key + " was accepted");
    }

    @Test
    void aBase64KeyIsKeptAsItIs() throws ConfigException {
        assertThat(BASE64_KEY).hasSize(44);
        assertThat(config(BASE64_KEY).adminApiKey()).hasValue(BASE64_KEY);
    }

    @Test
    void noKeyOrAnEmptyOneLeavesTheKeyOff() throws ConfigException {
        assertThat(ServerConfig.from(Map.of()).adminApiKey()).isEmpty();
        assertThat(config("").adminApiKey()).isEmpty();
        assertThat(config("   ").adminApiKey()).isEmpty();
    }

    @Test
    void keysOf32To512PrintableCharactersAreAccepted() throws ConfigException {
        String k32 = "Zx9!Qw8@Er7#Ty6$Ui5%Op4^As3&Df2*";
        assertThat(k32).hasSize(32);
        assertThat(config(k32).adminApiKey()).hasValue(k32);
        String k512 = "kF7/".repeat(128);
        assertThat(config(k512).adminApiKey()).hasValue(k512);
        String allPrintable = "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";
        assertThat(config(allPrintable).adminApiKey()).hasValue(allPrintable);
    }

    @Test
    void aKeyShorterThan32CharactersIsRefusedWithoutEchoingIt() {
        String k31 = "Zx9!Qw8@Er7#Ty6$Ui5%Op4^As3&Df2";
        assertThat(k31).hasSize(31);
        ConfigException e = rejected(k31);
        assertThat(e.variable()).isEqualTo("ADMIN_API_KEY");
        assertThat(e.getMessage()).startsWith("ADMIN_API_KEY: ").contains("32").doesNotContain(k31)
                .doesNotContain(k31.substring(0, 8)).doesNotContain("\n");
        assertThat(rejected("short").getMessage()).doesNotContain("short");
    }

    @Test
    void aKeyLongerThan512CharactersIsRefusedWithoutEchoingIt() {
        String k513 = "kF7/".repeat(128) + "Q";
        ConfigException e = rejected(k513);
        assertThat(e.variable()).isEqualTo("ADMIN_API_KEY");
        assertThat(e.getMessage()).contains("512").doesNotContain("kF7/kF7/").doesNotContain("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"q3R8vN1xZ7kLmP0s T4wY9bC2dF6gH5jK+aE/uI8oQ1M=", " q3R8vN1xZ7kLmP0sT4wY9bC2dF6gH5jK+aE/uI8oQ1M=",
            "q3R8vN1xZ7kLmP0sT4wY9bC2dF6gH5jK+aE/uI8oQ1M= ", "q3R8vN1xZ7kLmP0s\tT4wY9bC2dF6gH5jK+aE/uI8oQ1M=",
            "q3R8vN1xZ7kLmP0s\nT4wY9bC2dF6gH5jK+aE/uI8oQ1M=", "q3R8vN1xZ7kLmP0s\u0000T4wY9bC2dF6gH5jK+aE/uI8oQ1M=",
            "q3R8vN1xZ7kLmP0s\u007fT4wY9bC2dF6gH5jK+aE/uI8oQ1M=", "q3R8vN1xZ7kLmP0s\rT4wY9bC2dF6gH5jK+aE/uI8oQ1M=",
            "q3R8vN1xZ7kLmP0sé4wY9bC2dF6gH5jK+aE/uI8oQ1M=", "q3R8vN1xZ7kLmP0s\u00a0T4wY9bC2dF6gH5jK+aE/uI8oQ1M="})
    void aKeyWithSpacesControlOrNonAsciiCharactersIsRefusedWithoutEchoingIt(String key) {
        ConfigException e = rejected(key);
        assertThat(e.variable()).isEqualTo("ADMIN_API_KEY");
        assertThat(e.getMessage()).startsWith("ADMIN_API_KEY: ").doesNotContain("q3R8vN1x").doesNotContain("T4wY9b")
                .doesNotContain("\n");
    }

    /**
     * Bearers starting with {@code hmt_} are looked up as personal API tokens, so such a key
     * could never be used: it stops start-up instead of failing every request.
     */
    @Test
    void aKeyThatLooksLikeAPersonalTokenIsRefused() {
        String key = "hmt_q3R8vN1xZ7kLmP0sT4wY9bC2dF6gH5jK";
        ConfigException e = rejected(key);
        assertThat(e.variable()).isEqualTo("ADMIN_API_KEY");
        assertThat(e.getMessage()).contains("hmt_").doesNotContain(key).doesNotContain("q3R8vN1x");
    }

    @Test
    void theKeyNeverAppearsInTheConfigsText() throws ConfigException {
        ServerConfig config = config(BASE64_KEY);
        assertThat(config.toString()).doesNotContain(BASE64_KEY).doesNotContain(BASE64_KEY.substring(0, 8))
                .contains("adminApiKey=(set)");
        assertThat(ServerConfig.from(Map.of()).toString()).contains("adminApiKey=(unset)");
    }
}
