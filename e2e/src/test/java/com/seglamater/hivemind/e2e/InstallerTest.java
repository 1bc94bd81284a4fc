package com.seglamater.hivemind.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * compose/install.sh without starting anything (no engine needed): its refusals, its dry run, and
 * what it writes with --no-start under a test root, twice. The run that starts a stack is
 * StackLifecycle's first step.
 */
class InstallerTest {

    private static final Path INSTALL = Path.of("..", "compose", "install.sh").toAbsolutePath().normalize();

    private static Shell.Result install(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of(INSTALL.toString()));
        command.addAll(List.of(args));
        return Shell.in(dir).run(Duration.ofMinutes(1), command);
    }

    private static void requireComposeAndRoot() {
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean compose = Shell.in(Path.of(".")).run(Duration.ofSeconds(30), "docker-compose", "version").ok();
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(root && compose, "needs root and docker-compose (CI has both)");
        }
    }

    @Test
    void helpSaysWhatItDoesAndExitsZero(@TempDir Path dir) {
        Shell.Result help = install(dir, "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--root DIR", "--set KEY=VALUE", "--dry-run", "--no-start", "Exit codes");
    }

    @Test
    void wrongInvocationsAreUsageErrorsWithOneClearLine(@TempDir Path dir) {
        for (String[] args : new String[][] {{"--frobnicate"}, {"--root", "relative/dir"}, {"--set", "lowercase=x"},
                {"--set", "NOVALUE"}, {"--compose", "podman-compose"}, {"--root", "/tmp/a|b"},
                // compose would interpolate these in the .env it reads
                {"--set", "ADMIN_API_KEY=abc$HOME"}, {"--set", "HIVEMIND_UPDATE_URL=\"https://x\""},
                // and would trim this, so the value would not read back as itself
                {"--set", "HIVEMIND_UPDATE_CHANNEL=beta "},
                // directories the installer makes itself: a value here would send the stack elsewhere
                {"--set", "HIVEMIND_LOG_DIR=/srv/log"}, {"--set", "HIVEMIND_STACK_DIR=/srv/stack"}}) {
            Shell.Result result = install(dir, args);
            assertThat(result.exit()).as(String.join(" ", args) + ": " + result).isEqualTo(2);
            assertThat(result.err().strip()).as(String.join(" ", args)).startsWith("install.sh: ").doesNotContain("\n");
        }
    }

    @Test
    void aDryRunSaysWhatItWouldDoAndChangesNothing(@TempDir Path dir) throws Exception {
        requireComposeAndRoot();
        Path root = Files.createDirectory(dir.resolve("root"));
        Shell.Result dry = install(dir, "--root", root.toString(), "--compose", "docker-compose", "--dry-run");
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("would write " + root + "/etc/hivemind/.env (mode 0600)",
                "would write " + root + "/var/lib/hivemind/docker-compose.yml",
                "would write " + root + "/etc/systemd/system/hivemind.service", "would run: (cd " + root
                        + "/var/lib/hivemind && docker-compose up -d)");
        try (Stream<Path> files = Files.list(root)) {
            assertThat(files).as("nothing written").isEmpty();
        }
    }

    @Test
    void itWritesTheLayoutOnceAndNeverOverwritesTheSettings(@TempDir Path dir) throws Exception {
        requireComposeAndRoot();
        Path root = Files.createDirectory(dir.resolve("root"));
        Shell.Result first = install(dir, "--root", root.toString(), "--compose", "docker-compose", "--no-start",
                "--set", "HIVEMIND_UPDATE_CHANNEL=beta", "--set", "COMPOSE_PROJECT_NAME=hm-installer-test-" + ProcessHandle.current().pid());
        assertThat(first.exit()).as(first.toString()).isZero();
        Path env = root.resolve("etc/hivemind/.env");
        assertThat(mode(env)).isEqualTo("rw-------");
        assertThat(mode(root.resolve("etc/hivemind"))).isEqualTo("rwx------");
        assertThat(mode(root.resolve("var/backup/hivemind"))).isEqualTo("rwx------");
        assertThat(Files.getAttribute(root.resolve("var/log/hivemind/server"), "unix:uid")).as("the server image's user")
                .isEqualTo(10001);
        String settings = Files.readString(env);
        assertThat(settings).containsPattern("(?m)^DB_PASSWORD=[A-Za-z0-9]{40}$")
                .containsPattern("(?m)^ADMIN_API_KEY=[A-Za-z0-9]{48}$")
                .contains("HIVEMIND_STACK_DIR=" + root + "/var/lib/hivemind\n", "HIVEMIND_UPDATE_CHANNEL=beta\n")
                .contains("COMPOSE_PROJECT_NAME=hm-installer-test-" + ProcessHandle.current().pid() + "\n")
                .doesNotContain("COMPOSE_PROJECT_NAME=hivemind");
        assertThat(Files.readSymbolicLink(root.resolve("var/lib/hivemind/.env"))).isEqualTo(env);
        assertThat(root.resolve("var/lib/hivemind/docker-compose.yml")).hasSameTextualContentAs(Path.of("..", "compose", "docker-compose.yml"));
        String unit = Files.readString(root.resolve("etc/systemd/system/hivemind-update-check.service"));
        assertThat(unit).contains("WorkingDirectory=" + root + "/var/lib/hivemind\n")
                .contains("ExecStart=docker-compose exec -T hivemind-updater hivemind-updater check");

        // Again: idempotent, the secrets kept; --set can no longer apply and is refused.
        Shell.Result again = install(dir, "--root", root.toString(), "--compose", "docker-compose", "--no-start");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).contains("kept " + env).doesNotContain("wrote ");
        assertThat(Files.readString(env)).isEqualTo(settings);
        Shell.Result set = install(dir, "--root", root.toString(), "--compose", "docker-compose", "--no-start",
                "--set", "HIVEMIND_UPDATE_CHANNEL=stable");
        assertThat(set.exit()).isEqualTo(2);
        assertThat(set.err()).contains("exists already, --set would not be applied");
        assertThat(Files.readString(env)).isEqualTo(settings);
    }

    @Test
    void aForeignEnvFileInTheStackDirectoryIsNotReplaced(@TempDir Path dir) throws Exception {
        requireComposeAndRoot();
        Path root = Files.createDirectory(dir.resolve("root"));
        Files.createDirectories(root.resolve("var/lib/hivemind"));
        Files.writeString(root.resolve("var/lib/hivemind/.env"), "MINE=1\n");
        Shell.Result result = install(dir, "--root", root.toString(), "--compose", "docker-compose", "--no-start",
                "--set", "COMPOSE_PROJECT_NAME=hm-installer-test-" + ProcessHandle.current().pid());
        assertThat(result.exit()).as(result.toString()).isEqualTo(1);
        assertThat(result.err()).contains(".env exists and is not a link to");
        assertThat(Files.readString(root.resolve("var/lib/hivemind/.env"))).isEqualTo("MINE=1\n");
    }

    @Test
    void aDatabaseVolumeWithoutItsSettingsFileIsRefused(@TempDir Path dir) throws Exception {
        requireComposeAndRoot();
        String project = "hm-installer-test-" + ProcessHandle.current().pid();
        Shell docker = Shell.in(dir);
        boolean engine = docker.run(Duration.ofSeconds(30), "docker", "info").ok();
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(engine, "no Docker engine answers (scripts/test starts one)");
        }
        docker.run(Duration.ofSeconds(30), "docker", "volume", "create", project + "_hivemind-db-data").orFail();
        try {
            Path root = Files.createDirectory(dir.resolve("root"));
            Shell.Result result = install(dir, "--root", root.toString(), "--compose", "docker-compose", "--no-start",
                    "--set", "COMPOSE_PROJECT_NAME=" + project);
            assertThat(result.exit()).as(result.toString()).isEqualTo(2);
            assertThat(result.err()).contains("exists but " + root + "/etc/hivemind/.env does not")
                    .contains("holds the database's password");
            assertThat(root.resolve("etc/hivemind/.env")).as("no new password that could never match").doesNotExist();
        } finally {
            docker.run(Duration.ofSeconds(30), "docker", "volume", "rm", project + "_hivemind-db-data");
        }
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
