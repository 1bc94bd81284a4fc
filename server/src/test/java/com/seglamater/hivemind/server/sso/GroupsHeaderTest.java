package com.seglamater.hivemind.server.sso;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GroupsHeaderTest {

    @Test
    void splitsOnPipeInHeaderOrder() throws Exception {
        assertThat(GroupsHeader.parse("foo|bar|baz", "|")).containsExactly("foo", "bar", "baz");
    }

    @Test
    void splitsOnCommaAndTrimsWhitespace() throws Exception {
        assertThat(GroupsHeader.parse(" admin , dev\t,ops ", ",")).containsExactly("admin", "dev", "ops");
    }

    @Test
    void delimiterIsLiteralNotARegularExpression() throws Exception {
        assertThat(GroupsHeader.parse("a.b|c", ".")).containsExactly("a", "b|c");
        assertThat(GroupsHeader.parse("a||b", "||")).containsExactly("a", "b");
    }

    @Test
    void otherDelimitersStayInsideNames() throws Exception {
        assertThat(GroupsHeader.parse("a,b|c", "|")).containsExactly("a,b", "c");
    }

    @Test
    void absentBlankAndEmptyEntriesGiveNoGroups() throws Exception {
        assertThat(GroupsHeader.parse(null, "|")).isEmpty();
        assertThat(GroupsHeader.parse("", "|")).isEmpty();
        assertThat(GroupsHeader.parse("  ", "|")).isEmpty();
        assertThat(GroupsHeader.parse("|| |", "|")).isEmpty();
        assertThat(GroupsHeader.parse("|a||b|", "|")).containsExactly("a", "b");
    }

    @Test
    void duplicatesAreKeptOnceAtFirstPosition() throws Exception {
        assertThat(GroupsHeader.parse("b|a|b| a", "|")).containsExactly("b", "a");
    }

    @Test
    void namesAreCaseSensitive() throws Exception {
        assertThat(GroupsHeader.parse("Admin|admin", "|")).containsExactly("Admin", "admin");
    }

    @Test
    void headerAtTheLengthLimitIsParsed() throws Exception {
        String value = "g".repeat(GroupsHeader.MAX_CHARS);
        assertThat(GroupsHeader.parse(value, "|")).containsExactly(value);
    }

    @Test
    void headerBeyondTheLengthLimitIsRefusedBeforeSplitting() {
        String value = "a|".repeat(GroupsHeader.MAX_CHARS / 2) + "b";
        assertThatThrownBy(() -> GroupsHeader.parse(value, "|"))
                .isInstanceOfSatisfying(GroupsHeaderException.class, e -> {
                    assertThat(e.what()).isEqualTo("characters");
                    assertThat(e.actual()).isEqualTo(GroupsHeader.MAX_CHARS + 1);
                    assertThat(e.limit()).isEqualTo(GroupsHeader.MAX_CHARS);
                });
    }

    @Test
    void aGroupListedMoreThanTheLimitCountsOnce() throws Exception {
        // Issue 12: 300 copies of one group were refused as "257 groups"; docs/sso.md says each counts once.
        String value = "g|".repeat(300) + "hivemind-admin";
        assertThat(GroupsHeader.parse(value, "|")).containsExactly("g", "hivemind-admin");
    }

    @Test
    void moreDistinctGroupsThanTheLimitAreRefusedWhateverTheRepeats() {
        StringBuilder value = new StringBuilder("g0|g0|g0|");
        for (int i = 0; i <= GroupsHeader.MAX_GROUPS; i++) {
            value.append("g").append(i).append('|');
        }
        assertThatThrownBy(() -> GroupsHeader.parse(value.toString(), "|"))
                .isInstanceOfSatisfying(GroupsHeaderException.class, e -> {
                    assertThat(e.what()).isEqualTo("groups");
                    assertThat(e.actual()).isEqualTo(GroupsHeader.MAX_GROUPS + 1);
                    assertThat(e.limit()).isEqualTo(GroupsHeader.MAX_GROUPS);
                });
    }

    @Test
    void exactlyTheGroupLimitIsParsed() throws Exception {
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < GroupsHeader.MAX_GROUPS; i++) {
            value.append("g").append(i).append('|');
        }
        assertThat(GroupsHeader.parse(value.toString(), "|")).hasSize(GroupsHeader.MAX_GROUPS);
    }

    @Test
    void emptyDelimiterIsAProgrammingError() {
        assertThatThrownBy(() -> GroupsHeader.parse("a", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
