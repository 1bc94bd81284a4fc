package com.seglamater.hivemind.server.web.http1;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The chunk-size and trailer lines of RFC 9112 §7.1, as bytes without their CRLF. */
class ChunkedSyntaxTest {

    private static ChunkedSyntax.ChunkSize size(String line) {
        return ChunkedSyntax.chunkSize(line.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void readsHexSizesInEitherCaseWithLeadingZeros() {
        assertThat(size("0").size()).isZero();
        assertThat(size("2c").size()).isEqualTo(44);
        assertThat(size("2C").size()).isEqualTo(44);
        assertThat(size("0000ff").size()).isEqualTo(255);
        assertThat(size("7fffffff").size()).isEqualTo(Integer.MAX_VALUE);
        assertThat(size("2c").extensionBytes()).isZero();
    }

    @Test
    void aSizeTooLargeToCountIsAboveEveryLimitInsteadOfOverflowing() {
        assertThat(size("ffffffffffffffff").size()).isEqualTo(Long.MAX_VALUE);
        assertThat(size("f".repeat(1000)).size()).isEqualTo(Long.MAX_VALUE);
        assertThat(size("1" + "0".repeat(15)).size()).isEqualTo(1L << 60);
    }

    @Test
    void extensionsAreAcceptedAndCounted() {
        for (String line : List.of("2c;a=b", "2c;a", "2c ; a = b", "2c;a=b;c;d=\"quoted; \\\"string\\\"\"", "2c\t;\ta=\"\"",
                "2c;name=tok!#$%&'*+-.^_`|~", "2c;a=\"caf\u00e9\"")) {
            ChunkedSyntax.ChunkSize chunk = size(line);
            assertThat(chunk.size()).as(line).isEqualTo(44);
            assertThat(chunk.extensionBytes()).as(line).isEqualTo(line.length() - 2);
        }
    }

    @Test
    void refusesWhatIsNotASizeWithExtensions() {
        for (String line : List.of("", "-2", "+2", "0x2", "x", " 2", "2 x", "2\n{}", "2\r", "2;", "2;=b", "2;a=", "2;a=\"open",
                "2;a=b c", "2;a b", "2;a=\"\u0001\"", "2;a=\"x\\\"", "2;a=(b)", "\u0662")) {
            assertThatThrownBy(() -> size(line)).as(line.replace("\n", "\\n").replace("\r", "\\r"))
                    .isInstanceOf(BodyFramingException.class)
                    .satisfies(e -> assertThat(((BodyFramingException) e).status().code()).isEqualTo(400))
                    // The client's bytes are never part of the answer (or the log line).
                    .satisfies(e -> assertThat(e.getMessage()).startsWith("the chunked body is malformed: ")
                            .doesNotContain("0x2").doesNotContain("\"open"));
        }
    }

    @Test
    void trailerFieldsAreNameColonValue() {
        ChunkedSyntax.trailerField("X-Checksum: abc".getBytes(StandardCharsets.ISO_8859_1));
        ChunkedSyntax.trailerField("X-Empty:".getBytes(StandardCharsets.ISO_8859_1));
        for (String line : List.of(": value", "no colon", "Bad Name: x", "X: a\u0000b", "X: a\nb")) {
            assertThatThrownBy(() -> ChunkedSyntax.trailerField(line.getBytes(StandardCharsets.ISO_8859_1)))
                    .as(line).isInstanceOf(BodyFramingException.class);
        }
    }
}
