package com.seglamater.hivemind.agent.compose;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The few lines of a failed command's stderr that say why it failed, for the one-line messages
 * an operator reads (the CLI, {@code lastError}, the reports to the server). The whole tail
 * stays in {@link CommandFailedException#stderrTail()} and in the log, line by line.
 *
 * <p>docker, compose, pg_dump and psql put the reason last and mark it (`Error response from
 * daemon: …`, `pg_dump: error: …`, `ERROR:  …`), or say it in one plain line (compose's
 * {@code no configuration file provided: not found}, {@code service "hivemind-db" is not
 * running}). Before it come progress lines, compose's warnings about unset variables, and
 * psql's echo of the statement ({@code LINE 1: …}), none of which is the cause.
 */
final class StderrCause {

    /** Lines quoted at most: the last ones that name an error. */
    static final int MAX_LINES = 3;
    /** Characters of one quoted line; the log has it whole. */
    static final int MAX_LINE = 300;

    private static final Pattern WARNING = Pattern.compile("(?i)^(warn(ing)?\\b|.*\\blevel=\"?warn).*");
    private static final Pattern FAILURE = Pattern.compile("(?i).*\\b(error|fatal|panic|denied|cannot|can't|unable"
            + "|failed|no such|not found|not running|refused|invalid|unknown)\\b.*");

    private StderrCause() {
    }

    /**
     * The last {@link #MAX_LINES} lines that name a failure, or else the last line that is not a
     * warning (or else the last line); empty when stderr had nothing but blanks.
     */
    static List<String> of(List<String> tail) {
        List<String> lines = tail.stream().map(String::strip).filter(line -> !line.isEmpty()).toList();
        List<String> notWarnings = lines.stream().filter(line -> !WARNING.matcher(line).matches()).toList();
        List<String> candidates = notWarnings.isEmpty() ? lines : notWarnings;
        List<String> failures = candidates.stream().filter(line -> FAILURE.matcher(line).matches()).toList();
        List<String> chosen = failures.isEmpty() ? last(candidates, 1) : last(failures, MAX_LINES);
        return chosen.stream().map(StderrCause::cut).toList();
    }

    /** {@code ": line | line"} for a message, or {@code ", with nothing on stderr"}. */
    static String suffix(List<String> tail) {
        List<String> cause = of(tail);
        return cause.isEmpty() ? ", with nothing on stderr" : ": " + String.join(" | ", cause);
    }

    private static List<String> last(List<String> lines, int count) {
        return lines.subList(Math.max(0, lines.size() - count), lines.size());
    }

    private static String cut(String line) {
        return line.length() <= MAX_LINE ? line : line.substring(0, MAX_LINE) + " …";
    }
}
