package com.seglamater.hivemind.model.config;

import com.seglamater.hivemind.model.config.DotEnv.Assignment;
import com.seglamater.hivemind.model.config.DotEnv.FormatException;
import com.seglamater.hivemind.model.config.DotEnv.Quoting;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where statements stand and what their bodies are as written; values as compose reads them are {@link DotEnvTest}'s. */
class DotEnvScannerTest {

    @Test
    void assignmentsSayWhereEachValueStandsForAnEditor() throws FormatException {
        String text = "# c\nA = 'x' # one\r\nexport B=\"y\nz\"\nC=plain   # two\nD=\r\n";
        List<Assignment> all = new DotEnvScanner(text).statements();

        assertThat(all).extracting(Assignment::key).containsExactly("A", "B", "C", "D");
        assertThat(all).extracting(Assignment::line).containsExactly(2, 3, 5, 6);
        assertThat(all).extracting(a -> text.substring(a.valueStart(), a.valueEnd()))
                .containsExactly(" 'x'", "\"y\nz\"", "plain  ", "");
        assertThat(all).extracting(Assignment::quoting)
                .containsExactly(Quoting.SINGLE, Quoting.DOUBLE, Quoting.NONE, Quoting.NONE);
    }

    @Test
    void bodiesAreAsWrittenWithOnlyTheEscapedQuoteTakenOut() throws FormatException {
        List<Assignment> all = new DotEnvScanner("A=\"x\\ny\\\"$HOME\"\nB='it\\'s \\n'\nC=$X # no\n").statements();

        assertThat(all).extracting(Assignment::body).containsExactly("x\\ny\"$HOME", "it's \\n", "$X");
    }

    @Test
    void aByteOrderMarkIsSkippedAlsoInTextDecodedByteForByte() throws FormatException {
        String latin1 = "\u00EF\u00BB\u00BFKEY=v\n";

        List<Assignment> all = new DotEnvScanner(latin1).statements();

        assertThat(all).extracting(Assignment::key).containsExactly("KEY");
        assertThat(all.get(0).valueStart()).isEqualTo(7);
        assertThat(new DotEnvScanner("\uFEFFKEY=v").statements()).extracting(Assignment::key).containsExactly("KEY");
    }

    @Test
    void aRefusalNamesTheLineOfTheKeyEvenAfterAQuoteOverSeveralLines() {
        assertThatThrownBy(() -> new DotEnvScanner("A='1\n2'\n\n B\n").statements())
                .isInstanceOfSatisfying(FormatException.class, e -> assertThat(e.line()).isEqualTo(4));
    }
}
