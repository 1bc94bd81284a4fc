package com.seglamater.hivemind.server.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.server.testing.Csv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The CSV form of audit entries: RFC 4180 quoting, CRLF, and the formula-injection defence. */
class AuditCsvTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static AuditEntry entry(String actor, String userAgent, String target, String details) throws Exception {
        return new AuditEntry(42, Instant.parse("2026-11-24T08:00:00.123456Z"), actor, "auth.sign_in", "failure",
                Optional.of("203.0.113.7"), Optional.ofNullable(userAgent), Optional.ofNullable(target),
                MAPPER.readTree(details));
    }

    @Test
    void headerNamesTheColumnsAndEndsInCrlf() {
        assertThat(AuditCsv.HEADER).isEqualTo("id,at,actor,action,outcome,client_ip,user_agent,target,details\r\n");
    }

    @Test
    void aPlainRowIsCommaSeparatedWithCrlfAndTheDetailsJsonQuoted() throws Exception {
        String row = AuditCsv.row(entry("anonymous", "curl/8.5", "alice", "{\"reason\":\"wrong_password\",\"n\":1}"));
        assertThat(row).isEqualTo("42,2026-11-24T08:00:00.123456Z,anonymous,auth.sign_in,failure,203.0.113.7,"
                + "curl/8.5,alice,\"{\"\"reason\"\":\"\"wrong_password\"\",\"\"n\"\":1}\"\r\n");
        List<List<String>> parsed = Csv.parse(row);
        assertThat(parsed).hasSize(1);
        assertThat(parsed.getFirst()).hasSize(9);
        assertThat(MAPPER.readTree(parsed.getFirst().get(8))).isEqualTo(MAPPER.readTree("{\"reason\":\"wrong_password\",\"n\":1}"));
    }

    @Test
    void absentValuesAreEmptyFields() throws Exception {
        AuditEntry e = new AuditEntry(7, Instant.parse("2026-11-24T08:00:00Z"), "system", "server.started", "success",
                Optional.empty(), Optional.empty(), Optional.empty(), MAPPER.readTree("{}"));
        assertThat(AuditCsv.row(e)).isEqualTo("7,2026-11-24T08:00:00Z,system,server.started,success,,,,{}\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"=1+1", "+1", "-1", "@SUM(A1)", "=cmd|' /C calc'!A0", "-", "="})
    void aFieldStartingLikeAFormulaGetsALeadingApostrophe(String value) {
        assertThat(AuditCsv.field(value)).isEqualTo("'" + value);
    }

    @Test
    void tabAndCarriageReturnFirstAreDefusedToo() {
        assertThat(AuditCsv.field("\t=1")).isEqualTo("'\t=1");
        // CR also forces quoting, around the apostrophe.
        assertThat(AuditCsv.field("\r=1")).isEqualTo("\"'\r=1\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=b", "alice", "1-2", "user@example.com", "x+y", " =1", "'=1", ""})
    void onlyTheFirstCharacterCountsAndOrdinaryTextIsUnchanged(String value) {
        assertThat(AuditCsv.field(value)).isEqualTo(value);
    }

    @Test
    void commasQuotesAndLineBreaksAreQuotedWithQuotesDoubled() {
        assertThat(AuditCsv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(AuditCsv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(AuditCsv.field("\"")).isEqualTo("\"\"\"\"");
        assertThat(AuditCsv.field("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(AuditCsv.field("two\r\nlines")).isEqualTo("\"two\r\nlines\"");
    }

    @Test
    void aFormulaWithQuotesAndCommasIsDefusedThenQuoted() {
        assertThat(AuditCsv.field("=HYPERLINK(\"http://evil.example/\",\"click\")"))
                .isEqualTo("\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"click\"\")\"");
    }

    @Test
    void hostileValuesInEveryTextColumnStillParseBackToNineFields() throws Exception {
        String agent = "=cmd|' /C calc'!A0,\"x\"";
        String target = "line one\r\nline two, \"quoted\"\n@end";
        AuditEntry e = new AuditEntry(9, Instant.parse("2026-11-24T08:00:00Z"), "-actor", "+action", "failure",
                Optional.of("::1"), Optional.of(agent), Optional.of(target), MAPPER.readTree("{\"k\":\"v,\\\"w\\\"\"}"));
        String row = AuditCsv.row(e);
        assertThat(row).endsWith("\r\n");
        List<List<String>> parsed = Csv.parse(AuditCsv.HEADER + row);
        assertThat(parsed).hasSize(2);
        List<String> fields = parsed.get(1);
        assertThat(fields).containsExactly("9", "2026-11-24T08:00:00Z", "'-actor", "'+action", "failure", "::1",
                "'" + agent, target, "{\"k\":\"v,\\\"w\\\"\"}");
    }
}
