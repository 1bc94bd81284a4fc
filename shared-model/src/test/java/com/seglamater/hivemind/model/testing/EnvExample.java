package com.seglamater.hivemind.model.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * compose/.env.example as the server's and the agent's tests read it: the file every setting is
 * listed in, and the defaults its comments give for a variable shown commented out.
 */
public final class EnvExample {

    /** The file, from a module's directory (where Maven runs the tests). */
    public static final Path FILE = Path.of("..", "compose", ".env.example");

    private EnvExample() {
    }

    public static List<String> lines() {
        try {
            return Files.readAllLines(FILE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * For a variable shown commented out ({@code # NAME=}): the default its comment gives for
     * {@code program} on a line {@code #   program: VALUE …}.
     */
    public static Optional<String> commentedDefault(String variable, String program) {
        List<String> lines = lines();
        int line = lines.indexOf("# " + variable + "=");
        Pattern said = Pattern.compile("#\\s+" + Pattern.quote(program) + ": (\\S+).*");
        for (int i = line - 1; i >= 0 && lines.get(i).startsWith("#"); i--) {
            Matcher m = said.matcher(lines.get(i));
            if (m.matches()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /** The index of the first line starting with {@code prefix}. */
    public static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError(prefix + " not found in " + FILE);
    }
}
