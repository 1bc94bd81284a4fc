package com.seglamater.hivemind.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

class CliConventionsTest {

    private static final Map<String, String> CODES = new LinkedHashMap<>();

    static {
        CODES.put("0", "success");
        CODES.put("1", "internal error");
        CODES.put("2", "usage error");
        CODES.put("3", "refused");
        CODES.put("4", "file problem");
    }

    private static final CliConventions.Program PROGRAM = new CliConventions.Program("demo", CODES, 2, 1);

    static final class Refused extends CliFailure {
        Refused(String message) {
            super(3, message, null);
        }
    }

    @Command(name = "demo", subcommands = Fail.class)
    static final class Root implements Runnable {
        @Option(names = "--debug", scope = ScopeType.INHERIT)
        boolean debug;

        @Override
        public void run() {
        }
    }

    @Command(name = "fail", mixinStandardHelpOptions = true)
    static final class Fail implements Callable<Integer> {
        @Parameters(paramLabel = "HOW")
        String how;

        @Override
        public Integer call() throws Exception {
            switch (how) {
                case "refused" -> throw new Refused("café already exists");
                case "file" -> throw new AccessDeniedException("/srv/x");
                case "bug" -> throw new IllegalStateException("boom");
                default -> {
                    return 0;
                }
            }
        }
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = CliConventions.apply(new CommandLine(new Root()), PROGRAM,
                new PrintStream(out, true, StandardCharsets.ISO_8859_1),
                new PrintStream(err, true, StandardCharsets.ISO_8859_1),
                e -> e instanceof AccessDeniedException io
                        ? Optional.of(new CliConventions.Outcome(4, CliConventions.cannotAccess(io)))
                        : Optional.empty());
        int code = cli.execute(args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFailureTheUserCanActOnIsOneLineWithItsExitCodeInUtf8() {
        Result r = run("fail", "refused");

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).as("UTF-8 whatever the stream's own charset").isEqualTo("demo: café already exists\n");
    }

    @Test
    void theProgramsOwnExceptionsAreMappedByItsClassifier() {
        Result r = run("fail", "file");

        assertThat(r.code()).isEqualTo(4);
        assertThat(r.err()).isEqualTo("demo: cannot access /srv/x: AccessDeniedException\n");
    }

    @Test
    void anUnexpectedExceptionIsAnInternalErrorWithTheStackTraceOnlyOnRequest() {
        Result plain = run("fail", "bug");
        assertThat(plain.code()).isEqualTo(1);
        assertThat(plain.err()).isEqualTo(
                "demo: internal error: java.lang.IllegalStateException: boom (run with --debug for details)\n");

        Result debug = run("fail", "--debug", "bug");
        assertThat(debug.code()).isEqualTo(1);
        assertThat(debug.err()).startsWith("demo: internal error: java.lang.IllegalStateException: boom\n")
                .contains("\tat " + Fail.class.getName());
        assertThat(run("--debug", "fail", "refused").err()).as("--debug before the command too")
                .startsWith("demo: café already exists\n").contains("\tat ");
    }

    @Test
    void aUsageErrorIsOneLinePointingToTheCommandsHelp() {
        Result r = run("fail", "--frobnicate", "x");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("demo: Unknown option: '--frobnicate' (see 'demo fail --help')\n");
    }

    @Test
    void everyCommandsHelpEndsWithTheExitCodes() {
        Result r = run("fail", "--help");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Exit codes:").contains("3   refused").contains("4   file problem");
        assertThat(r.out().indexOf("0   success")).isLessThan(r.out().indexOf("4   file problem"));
    }
}
