package com.seglamater.hivemind.model.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one reader of dotenv files ({@code /etc/hivemind/.env}, {@code --env-file}), which reads
 * them as docker compose v2 reads a project's {@code .env} (compose-go's {@code dotenv} package):
 * <ul>
 * <li>{@code KEY=VALUE} statements, an optional {@code export } before the key, blank lines,
 *     {@code #} comments, a UTF-8 byte order mark ignored, the last of two assignments winning;
 * <li>unquoted values end at the line's end or at {@code " #"} (a space, then {@code #}), and are
 *     trimmed;
 * <li>{@code 'single quotes'}: literal, {@code \'} being a quote; {@code "double quotes"}: the
 *     escapes {@code \n \r \t \a \b \f \v \\ \" \$} and {@code \0NNN} (octal); any other
 *     backslash stays; either quote may span lines, and only a comment may follow it;
 * <li>{@code $$} in an unquoted or double-quoted value is a literal {@code $}, and so is a
 *     {@code $} followed by anything but a name or a brace.
 * </ul>
 * What compose would take from the environment it runs in is refused, naming the line and the
 * key, because these programs cannot see that environment and would read another value than
 * compose passes on: a reference to a variable ({@code $NAME}, {@code ${NAME}},
 * {@code ${NAME:-default}}, ...) in an unquoted or double-quoted value, and a key without
 * {@code =}. So are forms compose accepts but no variable of Hivemind could use: keys that are
 * not {@code [A-Za-z_][A-Za-z0-9_]*}, the YAML-like {@code KEY: VALUE}, and text after a
 * closing quote. docs/operators.md ("The .env file") describes this for operators;
 * {@code compose/install.sh} writes only values that read back as themselves.
 *
 * <p>{@link DotEnvScanner} finds the statements; what a value means (escapes, {@code $}) is
 * decided here.
 */
public final class DotEnv {

    public static final String OPTION = "--env-file";
    /** An env file is a few KiB; a bigger one is not what the operator means. */
    public static final int MAX_BYTES = 1024 * 1024;

    /** How a value is written, which decides how it is read. */
    public enum Quoting { NONE, SINGLE, DOUBLE }

    /**
     * One {@code KEY=VALUE} statement where it stands in the text.
     *
     * @param line       the 1-based line of the key
     * @param valueStart the offset just after {@code =}
     * @param valueEnd   the offset where the value ends: after the closing quote, or (unquoted)
     *                   before {@code " #"} or the line's end (and its {@code \r})
     * @param body       between the quotes as written (escapes not yet applied), or the unquoted
     *                   value without its comment, trimmed
     */
    public record Assignment(String key, int line, int valueStart, int valueEnd, Quoting quoting, String body) {

        /** The value as compose reads it. */
        public String value() throws FormatException {
            return switch (quoting) {
                case SINGLE -> body;
                case DOUBLE -> literalDollars(unescape(body), this);
                case NONE -> literalDollars(body, this);
            };
        }
    }

    /** A statement that is not read as compose reads it; the message never holds a value. */
    public static final class FormatException extends Exception {

        private final int line;
        private final String problem;

        FormatException(int line, String problem) {
            super("line " + line + ": " + problem);
            this.line = line;
            this.problem = problem;
        }

        public int line() {
            return line;
        }

        public String problem() {
            return problem;
        }
    }

    private DotEnv() {
    }

    /** The values {@code file} sets; an error names {@link #OPTION}. */
    public static Map<String, String> read(Path file) throws ConfigException {
        return read(file, OPTION);
    }

    /**
     * The values {@code file} sets.
     *
     * @param name the option or variable that named the file, which an error names
     */
    public static Map<String, String> read(Path file, String name) throws ConfigException {
        List<Assignment> assignments = assignments(file, name);
        try {
            return values(assignments);
        } catch (FormatException e) {
            throw error(name, file, e);
        }
    }

    /** The statements of {@code file}, values unread (a value that refers to a variable is no error here). */
    public static List<Assignment> assignments(Path file, String name) throws ConfigException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(name, "'" + file + "' is larger than " + MAX_BYTES
                        + " bytes; it is not an env file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(name, "'" + file + "' does not exist");
        } catch (IOException e) {
            throw new ConfigException(name, "cannot read '" + file + "': " + e.getMessage());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(name, "'" + file + "' is not UTF-8 text");
        }
        try {
            return assignments(text);
        } catch (FormatException e) {
            throw error(name, file, e);
        }
    }

    private static ConfigException error(String name, Path file, FormatException e) {
        return new ConfigException(name, "line " + e.line() + " of '" + file + "': " + e.problem());
    }

    /** Every key's value, the last assignment of a key winning, in the order of first assignment. */
    public static Map<String, String> values(List<Assignment> assignments) throws FormatException {
        Map<String, String> values = new LinkedHashMap<>();
        for (Assignment a : assignments) {
            values.put(a.key(), a.value());
        }
        return values;
    }

    /** For tests: {@code lines} as a file's content, errors naming {@link #OPTION}. */
    static Map<String, String> parse(List<String> lines) throws ConfigException {
        try {
            return values(assignments(String.join("\n", lines)));
        } catch (FormatException e) {
            throw new ConfigException(OPTION, e.getMessage());
        }
    }

    /**
     * The statements of {@code text}, in order. Offsets are indexes into {@code text}, so an
     * editor that decoded the file byte for byte (ISO-8859-1) can replace one value and keep
     * every other byte.
     */
    public static List<Assignment> assignments(String text) throws FormatException {
        return new DotEnvScanner(text).statements();
    }

    /**
     * The escapes of a double-quoted value, as compose applies them before it interpolates:
     * {@code \$} becomes {@code $$} (a literal dollar to the interpolation), a backslash before
     * anything else it does not know stays.
     */
    static String unescape(String body) {
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\' || i + 1 >= body.length()) {
                out.append(c);
                continue;
            }
            char next = body.charAt(i + 1);
            String replacement = switch (next) {
                case 'a' -> "\u0007";
                case 'b' -> "\b";
                case 'f' -> "\f";
                case 'n' -> "\n";
                case 'r' -> "\r";
                case 't' -> "\t";
                case 'v' -> "\u000B";
                case '"' -> "\"";
                case '\\' -> "\\";
                case '$' -> "$$";
                case 'c' -> "\\c"; // matched by compose's pattern, but no escape: kept
                default -> null;
            };
            if (replacement != null) {
                out.append(replacement);
                i++;
            } else if (next == '0') {
                i += octal(body, i, out);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * {@code \0} and up to three digits at {@code start}: exactly three octal digits of at most
     * {@code 377} are that character; anything else is kept as written. Returns how many characters
     * after the backslash it consumed.
     */
    private static int octal(String body, int start, StringBuilder out) {
        int end = start + 2;
        while (end < body.length() && end < start + 5 && Character.isDigit(body.charAt(end))
                && body.charAt(end) < 128) {
            end++;
        }
        String digits = body.substring(start + 2, end);
        if (digits.matches("[0-7]{3}") && Integer.parseInt(digits, 8) <= 0377) {
            out.append((char) Integer.parseInt(digits, 8));
        } else {
            out.append(body, start, end);
        }
        return end - start - 1;
    }

    /**
     * {@code $$} as {@code $}, and a {@code $} before anything but a name or a brace as itself;
     * a reference to a variable is refused (see the class comment).
     */
    static String literalDollars(String value, Assignment where) throws FormatException {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '$' && i + 1 < value.length()) {
                char next = value.charAt(i + 1);
                if (next == '$') {
                    i++;
                } else if (next == '{' || startsName(next)) {
                    throw new FormatException(where.line(), where.key() + ": a '$' before a name or '{' is a variable "
                            + "that docker compose would fill in from the environment it runs in, which this "
                            + "program cannot see; write '$$' for a literal '$', or put the whole value in single "
                            + "quotes");
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /** compose's {@code (?i)[_a-z]}: Go's case folding also matches the long s and the Kelvin sign. */
    private static boolean startsName(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\u017F' || c == '\u212A';
    }
}
