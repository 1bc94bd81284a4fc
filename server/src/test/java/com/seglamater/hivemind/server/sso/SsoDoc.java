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
     * @param source   where it is, for messages: {@code docs/sso.md:LINE} or a shipped file's path
     */
    record Block(String language, String heading, int line, String text, String source) {
        Block(String language, String heading, int line, String text) {
            this(language, heading, line, text, "docs/sso.md:" + line);
        }

        @Override
        public String toString() {
            return language + " block at " + source + " (" + heading + ")";
        }
    }

    /**
     * The reverse-proxy files shipped in compose/proxy, as blocks of {@code language}: the
     * forward-auth ones under the heading of the docs' block they follow, so every check of the
     * docs' snippets holds for them too.
     */
    static List<Block> shipped(String language) {
        Path dir = Path.of("..", "compose", "proxy");
        List<Block> files = new ArrayList<>();
        String[][] all = language.equals("caddyfile")
                ? new String[][] {{"Caddyfile", "plain (Caddy)"}, {"Caddyfile.forward-auth", "Authentik (Caddy)"}}
                : new String[][] {{"nginx.conf", "plain (nginx)"}, {"nginx.forward-auth.conf", "Authentik (nginx)"}};
        for (String[] file : all) {
            try {
                files.add(new Block(language, file[1], 1, Files.readString(dir.resolve(file[0])), "compose/proxy/" + file[0]));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return files;
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
