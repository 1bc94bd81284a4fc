package com.seglamater.hivemind.server.identity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordPolicyTest {

    /** U+1F41D HONEYBEE: two UTF-16 chars, one code point. */
    private static final String BEE = "\uD83D\uDC1D";

    @Test
    void twelveCharactersAreEnoughAndElevenAreNot() {
        assertThat(PasswordPolicy.problem("abcdefghijkl")).isEmpty();
        assertThat(PasswordPolicy.problem("abcdefghijk")).contains("The password must be at least 12 characters long.");
    }

    @Test
    void anEmojiCountsAsOneCharacterNotTwo() {
        // 10 letters + 1 emoji is 12 UTF-16 chars but only 11 characters.
        assertThat(("abcdefghij" + BEE).length()).isEqualTo(12);
        assertThat(PasswordPolicy.problem("abcdefghij" + BEE)).hasValueSatisfying(p -> assertThat(p).contains("at least 12"));
        assertThat(PasswordPolicy.problem("abcdefghij" + BEE + BEE)).isEmpty();
        assertThat(PasswordPolicy.problem(BEE.repeat(12))).isEmpty();
    }

    @Test
    void anAccentTypedAsTwoCodePointsCountsAsOneCharacter() {
        // "é" decomposed, six times: 12 code points as typed, 6 once normalised as hashed.
        assertThat(PasswordPolicy.problem("e\u0301".repeat(6))).hasValueSatisfying(p -> assertThat(p).contains("at least 12"));
        assertThat(PasswordPolicy.problem("e\u0301".repeat(12))).isEmpty();
    }

    @Test
    void atMost1024Characters() {
        assertThat(PasswordPolicy.problem("a".repeat(1024))).isEmpty();
        assertThat(PasswordPolicy.problem("a".repeat(1025))).contains("The password must be at most 1024 characters long.");
        // Counted in code points: 1024 emoji are 2048 chars and still acceptable.
        assertThat(PasswordPolicy.problem(BEE.repeat(1024))).isEmpty();
        assertThat(PasswordPolicy.problem(BEE.repeat(1025))).hasValueSatisfying(p -> assertThat(p).contains("at most 1024"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"            ", "\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0",
            "      \u3000\u2003     "})
    void spacesAloneAreNotAPassword(String password) {
        assertThat(PasswordPolicy.problem(password)).contains("The password must not consist of spaces only.");
    }

    @Test
    void spacesBetweenWordsAreFine() {
        assertThat(PasswordPolicy.problem("correct horse battery staple")).isEmpty();
        assertThat(PasswordPolicy.problem("  leading and trailing  ")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"password\twith tab", "password with newline\n", "carriage\rreturn here",
            "nul\u0000character here", "delete\u007fcharacter", "c1 control\u0085 next line", "\t\t\t\t\t\t\t\t\t\t\t\t"})
    void controlCharactersAreRefused(String password) {
        assertThat(PasswordPolicy.problem(password))
                .contains("The password must not contain control characters such as tabs or line breaks.");
    }

    @Test
    void halfASurrogatePairIsRefused() {
        // It cannot be encoded as UTF-8, so hashing would quietly replace it.
        assertThat(PasswordPolicy.problem("lone surrogate \uD83D here")).contains("The password contains an invalid character.");
    }

    @Test
    void everyReasonIsOneLine() {
        for (String bad : new String[] {"short", "a".repeat(2000), "            ", "tab\there and more", "x\uDC1Dxxxxxxxxxxxxx"}) {
            assertThat(PasswordPolicy.problem(bad)).hasValueSatisfying(p -> assertThat(p).doesNotContain("\n").endsWith("."));
        }
    }
}
