package com.seglamater.hivemind.server.identity;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class UserFieldsTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "Z", "7", "alice", "Alice.Smith", "bob_2", "carol@example.com", "dave+ci", "e-f",
            "0day", "a.", "a_", "a-", "a@", "a+", "x..y", "UPPER"})
    void usernamesOfLettersDigitsAndDotUnderscoreAtPlusDashAreAccepted(String username) {
        assertThat(UserFields.usernameProblem(username)).isEmpty();
    }

    @Test
    void aUsernameOfExactly64CharactersIsAcceptedAnd65IsNot() {
        assertThat(UserFields.usernameProblem("a".repeat(64))).isEmpty();
        assertThat(UserFields.usernameProblem("a".repeat(65))).hasValueSatisfying(p -> assertThat(p).contains("64"));
    }

    @Test
    void aMissingOrEmptyUsernameIsRequired() {
        assertThat(UserFields.usernameProblem(null)).hasValue("is required");
        assertThat(UserFields.usernameProblem("")).hasValue("is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", " alice", "alice ", "al ice", ".alice", "_alice", "-alice", "@alice", "+alice",
            "al/ice", "al\\ice", "al%ice", "al'ice", "al\"ice", "al;ice", "al*ice", "al:ice", "al#ice", "al?ice",
            "al\nice", "alice\n", "al\tice", "al\u0000ice", "ålice", "alicé", "ａlice", "١٢٣", "аlice", "al\u200bice",
            "🐝", "a\u00a0b", "a,b", "(a)", "a=b", "<a>"})
    void usernamesWithOtherCharactersOrABadFirstCharacterAreRefused(String username) {
        assertThat(UserFields.usernameProblem(username)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@b", "alice@example.com", "Alice.Smith+tag@sub.example.org", "o'brien@example.com",
            "x@[127.0.0.1]", "user%host@example.com", "a.b-c_d@e-f.example"})
    void emailAddressesAreAccepted(String email) {
        assertThat(UserFields.emailProblem(email)).isEmpty();
    }

    @Test
    void anEmailOfExactly254CharactersIsAcceptedAnd255IsNot() {
        String local = "a".repeat(64);
        String at254 = local + "@" + "d".repeat(254 - 65);
        assertThat(at254).hasSize(254);
        assertThat(UserFields.emailProblem(at254)).isEmpty();
        assertThat(UserFields.emailProblem(at254 + "d")).hasValueSatisfying(p -> assertThat(p).contains("254"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "alice", "@example.com", "alice@", "@", "a@b@c", "a b@c", "a@b c", " a@b", "a@b ",
            "a\t@b", "a@b\n", "a@\nb", "a\u0000@b", "a@b\u0085", "a@b\u007f", "a\r@b"})
    void malformedEmailAddressesAreRefused(String email) {
        assertThat(UserFields.emailProblem(email)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"A", "Alice Smith", "Ålice Ørsted-Nielsen", "李小龍", "🐝 Bee", "O'Brien \"Bob\"",
            "100% sure", "back\\slash", "'; DROP TABLE users; --", "  padded  "})
    void displayNamesOfPrintableTextAreAccepted(String displayName) {
        assertThat(UserFields.displayNameProblem(displayName)).isEmpty();
    }

    @Test
    void aDisplayNameIsCountedInCharactersNotUtf16Units() {
        assertThat(UserFields.displayNameProblem("n".repeat(128))).isEmpty();
        assertThat(UserFields.displayNameProblem("n".repeat(129))).hasValueSatisfying(p -> assertThat(p).contains("128"));
        String bees = "🐝".repeat(128);
        assertThat(bees.length()).isEqualTo(256);
        assertThat(UserFields.displayNameProblem(bees)).isEmpty();
        assertThat(UserFields.displayNameProblem(bees + "🐝")).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "   ", "\t", "\u2003"})
    void aBlankDisplayNameIsRefused(String displayName) {
        assertThat(UserFields.displayNameProblem(displayName)).hasValue("is blank");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Alice\nSmith", "Alice\tSmith", "Alice\u0000", "Alice\u007f", "Alice\u0085", "\u001b[31mred",
            "Alice\r"})
    void aDisplayNameWithControlCharactersIsRefused(String displayName) {
        assertThat(UserFields.displayNameProblem(displayName)).hasValue("contains control characters");
    }
}
