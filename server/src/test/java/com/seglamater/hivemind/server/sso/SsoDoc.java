package com.seglamater.hivemind.server.sso;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fenced code blocks of {@code docs/sso.md}, so that tests check and run the configuration
 * operators copy, not a private copy of it.
 */
final class SsoDoc {

    static final Path FILE = Path.of("..", "docs", "sso.md");

    private SsoDoc() {
    }

    /**
     * One fenced block.
     *
     * @param language the word after the opening fence ({@code caddyfile}, {@code nginx}, …)
     * @param heading  the nearest heading above it, without the {@code #} marks
     * @param line     the 1-based line of the opening fence
     * @param text     the block's lines, each ending in a newline
     */
    record Block(String language, String heading, int line, String text) {
        @Override
        public String toString() {
            return language + " block at docs/sso.md:" + line + " (" + heading + ")";
        }
    }

    static List<Block> blocks(String language) {
        return all().stream().filter(b -> b.language().equals(language)).toList();
    }

    /** The single block of {@code language} under the heading {@code heading}. */
    static Block under(String language, String heading) {
        List<Block> found = blocks(language).stream().filter(b -> b.heading().equals(heading)).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + language + " block under '" + heading + "' in " + FILE
                    + ", found " + found.size());
        }
        return found.getFirst();
    }

    private static List<Block> all() {
        List<String> lines;
        try {
            lines = Files.readAllLines(FILE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Block> blocks = new ArrayList<>();
        String heading = "";
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String fence = line.stripLeading();
            if (fence.startsWith("```") && fence.length() > 3) {
                String language = fence.substring(3).strip();
                StringBuilder text = new StringBuilder();
                int start = i + 1;
                for (i++; i < lines.size() && !lines.get(i).stripLeading().startsWith("```"); i++) {
                    text.append(lines.get(i)).append('\n');
                }
                blocks.add(new Block(language, heading, start, text.toString()));
            } else if (fence.startsWith("```")) {
                // A fence without a language: skip to its end so its lines are not taken for headings.
                for (i++; i < lines.size() && !lines.get(i).stripLeading().startsWith("```"); i++) {
                    // skip
                }
            } else if (line.startsWith("#")) {
                heading = line.replaceFirst("^#+\\s*", "");
            }
        }
        return blocks;
    }
}
