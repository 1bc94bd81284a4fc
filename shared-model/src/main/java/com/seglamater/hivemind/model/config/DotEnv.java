package com.seglamater.hivemind.model.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a dotenv file in the format docker compose reads {@code .env}: {@code KEY=VALUE}
 * lines, blank lines and {@code #} comments, an optional {@code export } prefix, values
 * optionally in single quotes (literal) or double quotes (with {@code \n \t \" \\} escapes),
 * and {@code  # comment} after an unquoted value.
 */
public final class DotEnv {

    public static final String OPTION = "--env-file";

    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private DotEnv() {
    }

    public static Map<String, String> read(Path file) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(OPTION, "'" + file + "' does not exist");
        } catch (IOException e) {
            throw new ConfigException(OPTION, "cannot read '" + file + "': " + e.getMessage());
        }
        return parse(lines);
    }

    static Map<String, String> parse(List<String> lines) throws ConfigException {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).stripLeading();
            }
            int equals = line.indexOf('=');
            String where = "line " + (i + 1) + ": ";
            if (equals < 0) {
                throw new ConfigException(OPTION, where + "expected KEY=VALUE");
            }
            String key = line.substring(0, equals).strip();
            if (!KEY.matcher(key).matches()) {
                throw new ConfigException(OPTION, where + "'" + key + "' is not a variable name");
            }
            values.put(key, value(line.substring(equals + 1).strip(), where));
        }
        return values;
    }

    private static String value(String raw, String where) throws ConfigException {
        if (raw.startsWith("'")) {
            int end = raw.indexOf('\'', 1);
            if (end < 0) {
                throw new ConfigException(OPTION, where + "unterminated single quote");
            }
            requireOnlyComment(raw.substring(end + 1), where);
            return raw.substring(1, end);
        }
        if (raw.startsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '"') {
                    requireOnlyComment(raw.substring(i + 1), where);
                    return out.toString();
                }
                if (c == '\\' && i + 1 < raw.length()) {
                    char next = raw.charAt(++i);
                    out.append(switch (next) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        default -> next;
                    });
                } else {
                    out.append(c);
                }
            }
            throw new ConfigException(OPTION, where + "unterminated double quote");
        }
        int comment = raw.indexOf(" #");
        return (comment < 0 ? raw : raw.substring(0, comment)).strip();
    }

    private static void requireOnlyComment(String rest, String where) throws ConfigException {
        String trimmed = rest.strip();
        if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
            throw new ConfigException(OPTION, where + "unexpected text after the closing quote");
        }
    }
}
