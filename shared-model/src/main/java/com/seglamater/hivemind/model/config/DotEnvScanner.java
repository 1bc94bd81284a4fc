package com.seglamater.hivemind.model.config;

import com.seglamater.hivemind.model.config.DotEnv.Assignment;
import com.seglamater.hivemind.model.config.DotEnv.FormatException;
import com.seglamater.hivemind.model.config.DotEnv.Quoting;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * compose-go's dotenv parser, step by step: where each {@code KEY=VALUE} statement, its key and
 * its value stand, and the value's body as written (a double-quoted value's escapes and any
 * value's {@code $} are {@link DotEnv.Assignment#value()}'s). What it refuses beyond compose is in
 * {@link DotEnv}'s class comment.
 */
final class DotEnvScanner {

    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String s;
    private int i;
    private int line = 1;

    DotEnvScanner(String text) {
        this.s = text;
        // compose skips a UTF-8 byte order mark; an editor's byte-for-byte (ISO-8859-1) text has it as three chars.
        this.i = text.startsWith("\uFEFF") ? 1 : text.startsWith("\u00EF\u00BB\u00BF") ? 3 : 0;
    }

    List<Assignment> statements() throws FormatException {
        List<Assignment> out = new ArrayList<>();
        while (true) {
            while (i < s.length() && isAnySpace(s.charAt(i))) {
                newline(s.charAt(i++));
            }
            if (i >= s.length()) {
                return out;
            }
            if (s.charAt(i) == '#') {
                skipToLineEnd();
                continue;
            }
            out.add(statement());
        }
    }

    private Assignment statement() throws FormatException {
        int keyLine = line;
        if (s.startsWith("export", i) && i + 6 < s.length() && isSpace(s.charAt(i + 6))) {
            i += 6;
            skipSpaces();
        }
        int keyStart = i;
        int end = i;
        while (end < s.length() && "=:\n".indexOf(s.charAt(end)) < 0) {
            end++;
        }
        String key = stripTrailing(s.substring(keyStart, end));
        boolean isName = KEY.matcher(key).matches();
        if (end >= s.length() || s.charAt(end) != '=') {
            throw new FormatException(keyLine, !isName ? "expected KEY=VALUE"
                    : end < s.length() && s.charAt(end) == ':'
                    ? "expected KEY=VALUE, not the 'KEY: VALUE' form"
                    : "'" + key + "' has no '=': docker compose would take its value from the environment it "
                    + "runs in, which this program cannot see; write " + key + "=VALUE, or remove the line");
        }
        if (!isName) {
            throw new FormatException(keyLine, ConfigException.quote(key) + " is not a variable name");
        }
        int valueStart = end + 1;
        i = valueStart;
        skipSpaces();
        if (i < s.length() && (s.charAt(i) == '\'' || s.charAt(i) == '"')) {
            return quoted(key, keyLine, valueStart);
        }
        int lineEnd = s.indexOf('\n', i);
        lineEnd = lineEnd < 0 ? s.length() : lineEnd;
        int comment = s.substring(i, lineEnd).indexOf(" #");
        int bodyEnd = comment < 0 ? lineEnd : i + comment;
        int valueEnd = comment >= 0 ? bodyEnd
                : lineEnd > valueStart && s.charAt(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
        String body = stripTrailing(s.substring(i, bodyEnd));
        i = lineEnd;
        return new Assignment(key, keyLine, valueStart, valueEnd, Quoting.NONE, body);
    }

    /** From the opening quote at {@code i}: a backslash keeps the next character from closing it. */
    private Assignment quoted(String key, int keyLine, int valueStart) throws FormatException {
        char quote = s.charAt(i);
        StringBuilder body = new StringBuilder();
        boolean escaped = false;
        for (int k = i + 1; k < s.length(); k++) {
            char c = s.charAt(k);
            newline(c);
            if (c == quote && !escaped) {
                i = k + 1;
                skipSpaces();
                if (i < s.length() && s.charAt(i) != '\n' && s.charAt(i) != '#') {
                    throw new FormatException(keyLine, key + ": unexpected text after the closing quote");
                }
                return new Assignment(key, keyLine, valueStart, k + 1,
                        quote == '\'' ? Quoting.SINGLE : Quoting.DOUBLE, body.toString());
            }
            if (escaped) {
                escaped = false;
                if (c != quote) {
                    body.append('\\');
                }
                body.append(c);
            } else if (c == '\\') {
                escaped = true;
            } else {
                body.append(c);
            }
        }
        throw new FormatException(keyLine, key + ": unterminated " + (quote == '\'' ? "single" : "double")
                + " quote");
    }

    private void skipToLineEnd() {
        while (i < s.length() && s.charAt(i) != '\n') {
            i++;
        }
    }

    private void skipSpaces() {
        while (i < s.length() && isSpace(s.charAt(i))) {
            i++;
        }
    }

    private void newline(char c) {
        if (c == '\n') {
            line++;
        }
    }

    /** Go's {@code unicode.IsSpace}. */
    private static boolean isAnySpace(char c) {
        return c == '\n' || isSpace(c) || Character.isSpaceChar(c);
    }

    /** compose's {@code isSpace}: white space that does not end a line. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\u000B' || c == '\f' || c == '\r' || c == '\u0085' || c == '\u00A0';
    }

    private static String stripTrailing(String text) {
        int end = text.length();
        while (end > 0 && isAnySpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }
}
