package com.seglamater.hivemind.signer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged artifact of DESIGN.md ("Runnable artifacts"): {@code java -jar
 * manifest-signer/target/manifest-signer.jar} works from any working directory, with its
 * dependencies found through the manifest's Class-Path.
 */
class PackagedJarIT {

    @TempDir
    Path elsewhere;

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private Run java(String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("hivemind.jar")).toAbsolutePath();
        assertThat(jar).exists();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(elsewhere.toFile())
                .redirectOutput(elsewhere.resolve("out.txt").toFile())
                .redirectError(elsewhere.resolve("err.txt").toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("java -jar finishes").isTrue();
        return new Run(p.exitValue(), Files.readString(elsewhere.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(elsewhere.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void helpWorksFromAnotherWorkingDirectory() throws Exception {
        Run run = java("--help");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("keygen", "keyring", "sign", "verify", "publish", "promote", "refresh", "status");
    }

    @Test
    void keygenAndExportRunFromThePackagedJar() throws Exception {
        Run keygen = java("keygen", "--uid", "Hivemind TEST ONLY <jar@invalid>", "--output", "release.asc",
                "--no-passphrase");
        assertThat(keygen.exitCode()).as(keygen.stderr()).isZero();
        assertThat(elsewhere.resolve("release.asc")).exists();
        Run export = java("export", "--secret-key", "release.asc");
        assertThat(export.exitCode()).as(export.stderr()).isZero();
        assertThat(export.stdout()).startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----");
    }

    @Test
    void unknownCommandIsAUsageErrorWithoutStackTrace() throws Exception {
        Run run = java("frobnicate");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
