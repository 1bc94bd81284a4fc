package com.seglamater.hivemind.model.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    private static Map<String, String> parse(String content) throws ConfigException {
        return DotEnv.parse(List.of(content));
    }

    private static String value(String content) throws ConfigException {
        Map<String, String> values = parse(content);
        assertThat(values).hasSize(1);
        return values.values().iterator().next();
    }

    /** Cases and results from docker compose's documentation of .env and from compose-go's parser tests. */
    @Test
    void readsValuesAsDockerComposeDoes() throws ConfigException {
        assertThat(value("VAR=VAL# not a comment")).isEqualTo("VAL# not a comment");
        assertThat(value("VAR=VAL #")).isEqualTo("VAL");
        assertThat(value("VAR=\"VAL # not a comment\"")).isEqualTo("VAL # not a comment");
        assertThat(value("VAR=\"bar#baz\"#")).isEqualTo("bar#baz");
        assertThat(value("VAR='Let\\'s go!'")).isEqualTo("Let's go!");
        assertThat(value("VAR=\"{\\\"hello\\\": \\\"json\\\"}\"")).isEqualTo("{\"hello\": \"json\"}");
        assertThat(value("VAR=\"some\\tvalue\"")).isEqualTo("some\tvalue");
        assertThat(value("VAR='some\\tvalue'")).isEqualTo("some\\tvalue");
        assertThat(value("VAR=some\\tvalue")).as("no escapes unquoted").isEqualTo("some\\tvalue");
        assertThat(value("KEY=\"Z\\aZ\\bZ\\fZ\\nZ\\rZ\\tZ\\vZ\\\\Z\\0123Z\""))
                .isEqualTo("Z\u0007Z\bZ\fZ\nZ\rZ\tZ\u000BZ\\ZSZ");
        assertThat(value("KEY=\"\\x07 \\u12e4 \\c \\ b \\012 \\0400\""))
                .as("unknown escapes and bad octals keep their backslash")
                .isEqualTo("\\x07 \\u12e4 \\c \\ b \\012 \\0400");
        assertThat(value("FOO=\"bar\\\\\\n\\ b\\az\"")).isEqualTo("bar\\\n\\ b\u0007z");
        assertThat(value("FOO=foobar=")).isEqualTo("foobar=");
        assertThat(value("OPTION_A=1:B")).isEqualTo("1:B");
        assertThat(value("export\tOPTION_A=2")).isEqualTo("2");
        assertThat(parse("exportFOO=2")).containsOnlyKeys("exportFOO");
        assertThat(value("\uFEFFKEY=value")).as("a byte order mark is not part of the key").isEqualTo("value");
        assertThat(value("KEY= \t value \t ")).isEqualTo("value");
        assertThat(value("KEY=value\r")).isEqualTo("value");
    }

    @Test
    void aQuotedValueMaySpanLinesAndLineNumbersCountThem() throws ConfigException {
        assertThat(parse("OPTION_J = 'first line\nsecond line\nA=not a key'\nB=\"x\ny\"\nC=3"))
                .containsExactly(Map.entry("OPTION_J", "first line\nsecond line\nA=not a key"),
                        Map.entry("B", "x\ny"), Map.entry("C", "3"));
        assertThatThrownBy(() -> parse("A='1\n2'\nB=\"3\n4\"\nC"))
                .hasMessageStartingWith("--env-file: line 5: 'C' has no '='");
    }

    @Test
    void dollarSignsThatAreNoVariablesReadAsComposeReadsThem() throws ConfigException {
        assertThat(value("P=a$$b")).isEqualTo("a$b");
        assertThat(value("P=\"a$$b\"")).isEqualTo("a$b");
        assertThat(value("P=\"a\\$HOME\"")).as("an escaped dollar in double quotes").isEqualTo("a$HOME");
        assertThat(value("P='$HOME ${X} $$'")).as("single quotes are literal").isEqualTo("$HOME ${X} $$");
        assertThat(value("P=5$ $1 $-x a$")).as("no name or brace follows").isEqualTo("5$ $1 $-x a$");
        assertThat(value("P=$$$$")).isEqualTo("$$");
    }

    @ParameterizedTest
    @ValueSource(strings = {"DB_PASSWORD=pa$word", "DB_PASSWORD=${SECRET}", "DB_PASSWORD=${SECRET:-x}",
            "DB_PASSWORD=${SECRET-x}", "DB_PASSWORD=\"pa$word\"", "DB_PASSWORD=\"$${X}${Y}\"",
            "DB_PASSWORD=$_x", "DB_PASSWORD=\"\\$$X\"", "DB_PASSWORD=${", "export DB_PASSWORD=$HOME # home"})
    void aVariableReferenceIsRefusedNamingTheLineAndTheKeyButNotTheValue(String line) {
        assertThatThrownBy(() -> parse("# settings\n" + line))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--env-file: line 2: DB_PASSWORD: a '$' before a name or '{' is a variable")
                .hasMessageContaining("write '$$' for a literal '$', or put the whole value in single quotes")
                .hasMessageNotContaining("word").hasMessageNotContaining("SECRET").hasMessageNotContaining("HOME");
    }

    @Test
    void whatComposeWouldTakeFromItsEnvironmentOrCannotUseIsRefusedWithTheLine() {
        assertThatThrownBy(() -> parse("A=1\nHIVEMIND_UPDATE_CHANNEL\n"))
                .hasMessage("--env-file: line 2: 'HIVEMIND_UPDATE_CHANNEL' has no '=': docker compose would take its "
                        + "value from the environment it runs in, which this program cannot see; write "
                        + "HIVEMIND_UPDATE_CHANNEL=VALUE, or remove the line");
        assertThatThrownBy(() -> parse("OPTION_A: 1"))
                .hasMessage("--env-file: line 1: expected KEY=VALUE, not the 'KEY: VALUE' form");
        assertThatThrownBy(() -> parse("FOO.BAR=foobar")).hasMessageContaining("'FOO.BAR' is not a variable name");
        assertThatThrownBy(() -> parse("=value")).hasMessageContaining("'' is not a variable name");
        assertThatThrownBy(() -> parse("A B=1")).hasMessageContaining("'A B' is not a variable name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"KEY=\"", "KEY=\"value", "KEY=\"value\\\"", "KEY=\"value'", "KEY='", "KEY='value",
            "KEY='value\\'", "KEY='value\""})
    void anUnterminatedQuoteIsRefused(String line) {
        assertThatThrownBy(() -> parse(line)).isInstanceOf(ConfigException.class)
                .hasMessageMatching("--env-file: line 1: KEY: unterminated (single|double) quote");
    }

    @Test
    void aFileThatIsNotUtf8OrTooLargeIsRefused(@TempDir Path dir) throws IOException {
        Path latin1 = Files.write(dir.resolve("latin1.env"), new byte[] {'A', '=', 'c', 'a', 'f', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> DotEnv.read(latin1)).hasMessage("--env-file: '" + latin1 + "' is not UTF-8 text");
        Path big = Files.write(dir.resolve("big.env"), new byte[DotEnv.MAX_BYTES + 1]);
        assertThatThrownBy(() -> DotEnv.read(big, "HIVEMIND_ENV_FILE"))
                .hasMessageStartingWith("HIVEMIND_ENV_FILE: '" + big + "' is larger than");
    }

    @Test
    void anErrorInAFileNamesTheFileAndTheLine(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve(".env"), "A=1\nDB_PASSWORD=${X}\n");
        assertThatThrownBy(() -> DotEnv.read(file, "HIVEMIND_ENV_FILE"))
                .hasMessageStartingWith("HIVEMIND_ENV_FILE: line 2 of '" + file + "': DB_PASSWORD: a '$'");
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
