package com.seglamater.hivemind.model.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrintableTest {

    @Test
    void controlCharactersAreShownAsQuestionMarksSoTheyCannotBreakOrForgeALine() {
        assertThat(Printable.of("admin\r\n2026-12-06 INFO forged")).isEqualTo("admin??2026-12-06 INFO forged");
        assertThat(Printable.of("tab\there, nul\0, del\u007f, c1\u0085")).isEqualTo("tab?here, nul?, del?, c1?");
    }

    @Test
    void textWithoutControlCharactersIsReturnedAsItIsWithoutACopy() {
        String clean = "Mozilla/5.0 (X11; Linux x86_64) — ünïcödé ✓";
        assertThat(Printable.of(clean)).isSameAs(clean);
        assertThat(Printable.replaced(clean, ' ')).isSameAs(clean);
    }

    @Test
    void anotherReplacementCanBeChosen() {
        assertThat(Printable.replaced("a\nb\tc", ' ')).isEqualTo("a b c");
    }

    @Test
    void aBoundCutsAfterReplacingAndMarksTheCut() {
        assertThat(Printable.of("abcdef", 3)).isEqualTo("abc…");
        assertThat(Printable.of("ab\ncdef", 4)).isEqualTo("ab?c…");
        assertThat(Printable.of("abc", 3)).isEqualTo("abc");
        assertThat(Printable.of("", 3)).isEmpty();
    }
}
