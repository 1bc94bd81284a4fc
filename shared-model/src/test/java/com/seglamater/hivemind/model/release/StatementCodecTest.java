package com.seglamater.hivemind.model.release;

import com.seglamater.hivemind.model.testing.Statements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatementCodecTest {

    private static final String VALID = """
            {
              "schema": 1,
              "product": "hivemind",
              "channel": "canary",
              "version": "0.2.0-rc.1",
              "sequence": 12,
              "published": "2026-11-24T08:00:00Z",
              "expires": "2026-12-15T08:00:00Z",
              "images": {
                "hivemind-server": "ghcr.io/seglamater/hivemind-server@sha256:%s",
                "hivemind-updater": "ghcr.io/seglamater/hivemind-updater@sha256:%s"
              },
              "minimumVersion": "0.1.5",
              "notes": "https://example.test/notes/0.2.0-rc.1"
            }
            """.formatted("a".repeat(64), "b".repeat(64));

    private static ReleaseStatement parse(String json) throws StatementFormatException {
        return StatementCodec.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertRefused(String json, String reason) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(StatementFormatException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void parsesEveryFieldOfSchemaOne() throws Exception {
        ReleaseStatement s = parse(VALID);
        assertThat(s.channel()).isEqualTo("canary");
        assertThat(s.version()).hasToString("0.2.0-rc.1");
        assertThat(s.sequence()).isEqualTo(12);
        assertThat(s.published()).isEqualTo(Instant.parse("2026-11-24T08:00:00Z"));
        assertThat(s.expires()).isEqualTo(Instant.parse("2026-12-15T08:00:00Z"));
        assertThat(s.images()).containsOnlyKeys("hivemind-server", "hivemind-updater");
        assertThat(s.images().get("hivemind-server").digest()).isEqualTo("sha256:" + "a".repeat(64));
        assertThat(s.minimumVersion()).map(Object::toString).contains("0.1.5");
        assertThat(s.notes()).contains("https://example.test/notes/0.2.0-rc.1");
    }

    @Test
    void writesCanonicalJsonThatParsesBackToTheSameStatement() throws Exception {
        ReleaseStatement s = parse(VALID);
        byte[] written = StatementCodec.write(s);
        assertThat(StatementCodec.parse(written)).isEqualTo(s);
        assertThat(StatementCodec.write(StatementCodec.parse(written))).isEqualTo(written);
        String text = new String(written, StandardCharsets.UTF_8);
        assertThat(text).endsWith("}\n");
        assertThat(text.indexOf("\"schema\"")).isLessThan(text.indexOf("\"product\""));
        assertThat(text.indexOf("\"images\"")).isLessThan(text.indexOf("\"minimumVersion\""));
    }

    @Test
    void optionalFieldsMayBeAbsent() throws Exception {
        ReleaseStatement s = StatementCodec.parse(StatementCodec.write(Statements.statement("beta", "1.0.0", 1)));
        assertThat(s.minimumVersion()).isEmpty();
        assertThat(s.notes()).isEmpty();
        assertThat(new String(StatementCodec.write(s), StandardCharsets.UTF_8)).doesNotContain("minimumVersion", "notes");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown schema|\"schema\": 1|\"schema\": 2|unknown schema 2",
            "wrong product|\"product\": \"hivemind\"|\"product\": \"other\"|product is 'other'",
            "missing field|\"sequence\": 12,|''|missing field 'sequence'",
            "extra field|\"schema\": 1,|\"schema\": 1, \"debug\": true,|unknown field 'debug'",
            "sequence as string|\"sequence\": 12|\"sequence\": \"12\"|field 'sequence' must be a number",
            "sequence as float|\"sequence\": 12|\"sequence\": 12.0|field 'sequence' must be an integer",
            "sequence in exponent form|\"sequence\": 12|\"sequence\": 1e3|field 'sequence' must be an integer",
            "negative sequence|\"sequence\": 12|\"sequence\": -1|out of range",
            "zero sequence|\"sequence\": 12|\"sequence\": 0|sequence must be an integer from 1",
            "huge sequence|\"sequence\": 12|\"sequence\": 99999999999999999999|out of range",
            "schema as string|\"schema\": 1|\"schema\": \"1\"|field 'schema' must be a number",
            "null channel|\"channel\": \"canary\"|\"channel\": null|field 'channel' must be a string, not null",
            "bad channel|\"channel\": \"canary\"|\"channel\": \"../stable\"|channel '../stable' is not valid",
            "bad version|\"version\": \"0.2.0-rc.1\"|\"version\": \"v0.2\"|field 'version'",
            "time with offset|\"2026-11-24T08:00:00Z\"|\"2026-11-24T09:00:00+01:00\"|RFC 3339 UTC",
            "time without zone|\"2026-11-24T08:00:00Z\"|\"2026-11-24T08:00:00\"|RFC 3339 UTC",
            "impossible date|\"2026-11-24T08:00:00Z\"|\"2026-02-30T08:00:00Z\"|not a valid time",
            "build metadata|\"version\": \"0.2.0-rc.1\"|\"version\": \"0.2.0-rc.1+build.5\"|carries build metadata",
            "build metadata in minimum|\"minimumVersion\": \"0.1.5\"|\"minimumVersion\": \"0.1.5+x\"|carries build metadata",
            "hour 24|\"2026-11-24T08:00:00Z\"|\"2026-11-24T24:00:00Z\"|RFC 3339 UTC",
            "leap second|\"2026-11-24T08:00:00Z\"|\"2026-11-24T23:59:60Z\"|RFC 3339 UTC",
            "control character in notes|notes/0.2.0-rc.1|notes/\\u001b[31m|U+001B",
            "bidi override in notes|notes/0.2.0-rc.1|notes/\\u202e1.0.2|U+202E",
            "lone surrogate in notes|notes/0.2.0-rc.1|notes/\\ud800|U+D800",
            "expires before published|\"2026-12-15T08:00:00Z\"|\"2026-11-01T08:00:00Z\"|must be after published",
            "tag instead of digest|hivemind-server@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|hivemind-server:0.2.0|tags are not allowed",
            "bad service name|\"hivemind-server\":|\"hivemind server\":|not a valid compose service name",
            "minimum newer than version|\"minimumVersion\": \"0.1.5\"|\"minimumVersion\": \"0.3.0\"|is newer than the version",
            "comment|\"schema\": 1,|\"schema\": 1, /* x */|not valid JSON",
            "single quotes|\"product\": \"hivemind\"|'product': 'hivemind'|not valid JSON",
    })
    void refusesStatementsThatAreNotStrictSchemaOne(String name, String from, String to, String reason) {
        String json = VALID.replace(from, to);
        assertThat(json).as("test case must change the document").isNotEqualTo(VALID);
        assertRefused(json, reason);
    }

    @Test
    void refusesImagesThatAreNotAnObjectOfStrings() {
        String images = VALID.substring(VALID.indexOf("\"images\""), VALID.indexOf("},") + 1);
        assertRefused(VALID.replace(images, "\"images\": [\"ghcr.io/a@sha256:" + "a".repeat(64) + "\"]"),
                "field 'images' must be an object");
        assertRefused(VALID.replace(images, "\"images\": {}"), "at least one service");
        assertRefused(VALID.replace(images, "\"images\": {\"hivemind-server\": 5}"), "must be a string");
    }

    @Test
    void refusesDuplicateKeys() {
        assertRefused(VALID.replace("\"sequence\": 12,", "\"sequence\": 12, \"sequence\": 99,"), "Duplicate field 'sequence'");
        assertRefused(VALID.replace("\"hivemind-updater\":", "\"hivemind-server\":"), "Duplicate field 'hivemind-server'");
    }

    @Test
    void notesMayHoldLineBreaksAndCharactersOutsideTheBasicPlane() throws Exception {
        ReleaseStatement s = parse(VALID.replace("https://example.test/notes/0.2.0-rc.1", "Fixes:\\n- login \\ud83d\\ude80"));
        assertThat(s.notes()).contains("Fixes:\n- login \ud83d\ude80");
    }

    @Test
    void refusesTrailingGarbage() {
        assertRefused(VALID + "x", "not valid JSON");
        assertRefused(VALID + "{}", "not valid JSON");
    }

    @Test
    void refusesNonObjectsAndEmptyInput() {
        assertRefused("", "statement is empty");
        assertRefused("[]", "must be a JSON object");
        assertRefused("\"hivemind\"", "must be a JSON object");
    }

    @Test
    void refusesInvalidUtf8AndByteOrderMark() {
        byte[] utf8 = VALID.replace("https://example.test", "https://ex\u00e9mple.test").getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = VALID.replace("https://example.test", "https://ex\u00e9mple.test").getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> StatementCodec.parse(latin1)).hasMessageContaining("not valid UTF-8");
        byte[] bom = new byte[utf8.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(utf8, 0, bom, 3, utf8.length);
        assertThatThrownBy(() -> StatementCodec.parse(bom)).hasMessageContaining("byte-order mark");
    }

    @Test
    void refusesOversizedInputAndDeepNesting() {
        byte[] huge = (VALID.replace("\"notes\": \"", "\"notes\": \"" + "x".repeat(70_000)))
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> StatementCodec.parse(huge)).hasMessage("statement is larger than the 65 536-byte limit");
        assertRefused(VALID.replace("\"notes\": \"https://example.test/notes/0.2.0-rc.1\"",
                "\"notes\": " + "[".repeat(20) + "]".repeat(20)), "not valid JSON");
    }

    @Test
    void statementRecordEnforcesTheSameRulesAsTheParser() {
        ReleaseStatement s = Statements.statement("canary", "0.1.0", 1);
        assertThatThrownBy(() -> s.republish("canary", 0, s.published(), s.expires()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.republish("canary", ReleaseStatement.MAX_SEQUENCE + 1, s.published(), s.expires()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.republish("Canary", 1, s.published(), s.expires()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.republish("canary", 1, s.published(), Instant.parse("+10000-01-01T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(s.sameReleaseAs(s.republish("stable", 9, s.published(), s.expires()))).isTrue();
        assertThat(s.sameReleaseAs(Statements.statement("canary", "0.1.1", 1))).isFalse();
        assertThat(Optional.of(s.images())).hasValueSatisfying(images ->
                assertThatThrownBy(() -> images.put("x", null)).isInstanceOf(UnsupportedOperationException.class));
    }
}
