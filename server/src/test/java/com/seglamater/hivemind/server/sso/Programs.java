package com.seglamater.hivemind.server.sso;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The external programs the SSO tests drive (Debian's caddy and nginx). A test needing one skips
 * without it on a developer's machine, and fails without it under CI ({@code CI=true}), where
 * {@code .ci/run} installs it: a green build must not hide a check that never ran.
 */
final class Programs {

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

    private Programs() {
    }

    /** {@code program} on PATH (or in an sbin directory, where Debian puts nginx), or the test stops. */
    static Path require(String program, String debianPackage) {
        Optional<Path> found = Stream.concat(
                        Stream.of(System.getenv().getOrDefault("PATH", "").split(":")),
                        Stream.of("/usr/sbin", "/sbin", "/usr/local/sbin"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable)
                .findFirst();
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(found.isPresent(),
                    program + " is not installed (apt-get install " + debianPackage + "); CI installs it");
        }
        assertThat(found).as(program + " must be installed under CI (.ci/run installs " + debianPackage + ")")
                .isPresent();
        return found.get();
    }

    record Result(int exitCode, String output) {
    }

    /** Runs {@code command} in {@code dir} with {@code env} added, output and errors together, bounded in time. */
    static Result run(Path dir, Map<String, String> env, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Path log = Files.createTempFile(dir, "run-", ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        if (!process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(command + " did not finish within " + RUN_TIMEOUT + ": "
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** Caddy writes state under HOME and the XDG directories: keep it in {@code dir}, not the user's home. */
    static Map<String, String> caddyEnvironment(Path dir) {
        return Map.of("HOME", dir.toString(),
                "XDG_CONFIG_HOME", dir.resolve("config").toString(),
                "XDG_DATA_HOME", dir.resolve("data").toString());
    }
}
