package com.seglamater.hivemind.server.web.http1;

/**
 * The lines of a chunked body (RFC 9112 §7.1), each given without its CRLF:
 * <pre>
 * chunk-size-line = chunk-size *( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] )
 * chunk-size      = 1*HEXDIG
 * trailer line    = field-name ":" field-value        (RFC 9112 §5, §7.1.2)
 * </pre>
 * Extensions are checked and then ignored (§7.1.1: a recipient ignores the ones it does not
 * understand); trailer fields are checked and discarded (§7.1.2 allows it). Pure functions:
 * bytes in, a size or a {@link BodyFramingException} out.
 */
final class ChunkedSyntax {

    private static final int HTAB = '\t';
    private static final int SP = ' ';

    private ChunkedSyntax() {
    }

    /**
     * What a chunk-size line announces: the size ({@link Long#MAX_VALUE} for one too large to count,
     * which is over any limit) and how many bytes of the line its extensions take.
     */
    record ChunkSize(long size, int extensionBytes) {
    }

    static ChunkSize chunkSize(byte[] line) {
        int i = 0;
        long size = 0;
        while (i < line.length && hexValue(line[i]) >= 0) {
            size = size > (Long.MAX_VALUE >> 4) ? Long.MAX_VALUE : (size << 4) | hexValue(line[i]);
            i++;
        }
        if (i == 0) {
            throw BodyFramingException.malformed("a chunk size is not hexadecimal digits");
        }
        int digits = i;
        while (i < line.length) {
            i = whitespace(line, i);
            if (i == line.length || line[i] != ';') {
                throw BodyFramingException.malformed("a chunk size is followed by something other than an extension");
            }
            i = whitespace(line, i + 1);
            int name = token(line, i);
            if (name == i) {
                throw BodyFramingException.malformed("a chunk extension has no name");
            }
            i = whitespace(line, name);
            if (i < line.length && line[i] == '=') {
                i = whitespace(line, i + 1);
                int value = i < line.length && line[i] == '"' ? quotedString(line, i) : token(line, i);
                if (value == i) {
                    throw BodyFramingException.malformed("a chunk extension has an empty or invalid value");
                }
                i = value;
            } else if (i < line.length && line[i] != ';') {
                throw BodyFramingException.malformed("a chunk extension is not a token");
            }
        }
        return new ChunkSize(size, line.length - digits);
    }

    /** Checks one trailer field line (the empty line that ends the trailer section is not passed here). */
    static void trailerField(byte[] line) {
        int colon = token(line, 0);
        if (colon == 0 || colon == line.length || line[colon] != ':') {
            throw BodyFramingException.malformed("a trailer line is not a field");
        }
        for (int i = colon + 1; i < line.length; i++) {
            int b = line[i] & 0xff;
            if (b < SP && b != HTAB || b == 0x7f) {
                throw BodyFramingException.malformed("a trailer field has a control character");
            }
        }
    }

    /** HEXDIG (RFC 5234): ASCII digits and letters a to f in either case; -1 for anything else. */
    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F') {
            return (b | 0x20) - 'a' + 10;
        }
        return -1;
    }

    /** BWS: optional spaces and tabs. */
    private static int whitespace(byte[] line, int from) {
        int i = from;
        while (i < line.length && (line[i] == SP || line[i] == HTAB)) {
            i++;
        }
        return i;
    }

    /** The end of the token starting at {@code from} ({@code from} itself when there is none). */
    private static int token(byte[] line, int from) {
        int i = from;
        while (i < line.length && tchar(line[i])) {
            i++;
        }
        return i;
    }

    /** tchar (RFC 9110 §5.6.2): visible ASCII except the delimiters. */
    private static boolean tchar(byte b) {
        return b > SP && b < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(b) < 0;
    }

    /** The end of the quoted-string (RFC 9110 §5.6.4) starting at {@code from}, or {@code from} when malformed. */
    private static int quotedString(byte[] line, int from) {
        int i = from + 1;
        while (i < line.length) {
            int b = line[i] & 0xff;
            if (b == '"') {
                return i + 1;
            }
            if (b == '\\') {
                i++;
                if (i == line.length || !quotable(line[i] & 0xff)) {
                    return from;
                }
            } else if (!quotable(b)) {
                return from;
            }
            i++;
        }
        return from;
    }

    /** qdtext and what quoted-pair may escape: HTAB, SP, VCHAR, obs-text. */
    private static boolean quotable(int b) {
        return b == HTAB || b >= SP && b != 0x7f;
    }
}
