package com.seglamater.hivemind.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** compose/build-images.sh refuses what would build a wrong image, before it builds anything. The builds are Lab's. */
class BuildImagesTest {

    private static final Path SCRIPT = Path.of("..", "compose", "build-images.sh").toAbsolutePath().normalize();

    private static Shell.Result build(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
        command.addAll(List.of(args));
        return Shell.in(dir).withEnv(Map.of("JAVA_HOME", System.getProperty("java.home"))).run(Duration.ofMinutes(1), command);
    }

    @Test
    void helpListsTheOptionsAndTheExitCodes(@TempDir Path dir) {
        Shell.Result help = build(dir, "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--version V", "--keyring FILE", "--push", "--base IMAGE", "Exit codes");
    }

    @Test
    void badArgumentsAreUsageErrors(@TempDir Path dir) throws Exception {
        Path notAKeyring = Files.writeString(dir.resolve("keys.txt"), "not a keyring\n");
        Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
        cases.put(List.of("--version", "2"), "is not a semantic version");
        cases.put(List.of("--version", "v1.0.0"), "is not a semantic version");
        cases.put(List.of("--only", "database"), "--only takes server or updater");
        cases.put(List.of("--bogus"), "unknown argument '--bogus'");
        cases.put(List.of("--repository", "Bad Name"), "is not an image repository prefix");
        cases.put(List.of("--only", "updater"), "--keyring FILE is required for the updater image");
        cases.put(List.of("--only", "updater", "--keyring", notAKeyring.toString()), "is not an armored OpenPGP public keyring");
        cases.put(List.of("--only", "updater", "--keyring", dir.resolve("missing.asc").toString()), "missing.asc: no such file");
        cases.forEach((args, message) -> {
            Shell.Result result = build(dir, args.toArray(String[]::new));
            assertThat(result.exit()).as(args + ": " + result).isEqualTo(2);
            assertThat(result.err()).as(args.toString()).startsWith("build-images.sh: ").contains(message);
        });
    }
}
