package com.seglamater.hivemind.agent.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The units in systemd/ are valid for systemd and call commands the agent has. */
class SystemdUnitsTest {

    private static final Path UNITS = Path.of("..", "systemd");

    @Test
    void systemdAnalyzeAcceptsEveryUnit(@TempDir Path dir) throws Exception {
        boolean available = Stream.of(System.getenv("PATH").split(":"))
                .anyMatch(p -> Files.isExecutable(Path.of(p, "systemd-analyze")));
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(available, "systemd-analyze is not installed (apt-get install systemd); CI installs it");
        }
        assertThat(available).as("systemd-analyze on PATH").isTrue();
        // The units need docker.service, which a build machine may not have: a stand-in satisfies the reference.
        Path docker = dir.resolve("docker.service");
        Files.writeString(docker, "[Unit]\nDescription=stand-in for the test\n[Service]\nExecStart=/bin/true\n");
        List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify", docker.toString()));
        try (Stream<Path> files = Files.list(UNITS)) {
            files.filter(f -> f.toString().endsWith(".service") || f.toString().endsWith(".timer"))
                    .map(f -> f.toAbsolutePath().normalize().toString()).sorted().forEach(command::add);
        }
        assertThat(command).hasSizeGreaterThanOrEqualTo(7);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).as("no warnings either").isBlank();
    }

    @Test
    void theUnitsCallTheAgentsCommands() throws IOException {
        String check = Files.readString(UNITS.resolve("hivemind-update-check.service"));
        assertThat(check).contains("exec -T hivemind-updater hivemind-updater check")
                .contains("up --detach --no-recreate hivemind-updater");
        assertThat(Files.readString(UNITS.resolve("hivemind-backup.service")))
                .contains("exec -T hivemind-updater hivemind-updater backup");
        assertThat(Files.readString(UNITS.resolve("hivemind-update-check.timer"))).contains("Unit]", "OnCalendar=");
        // The stack at boot, in the stack directory of the deployment layout (the installer rewrites the path).
        assertThat(Files.readString(UNITS.resolve("hivemind.service"))).contains("WorkingDirectory=/var/lib/hivemind\n",
                "ExecStart=docker compose up --detach\n", "WantedBy=multi-user.target")
                // A `compose stop` would mark the containers stopped by hand: a stop and start of docker would leave them down.
                .doesNotContain("ExecStop");
        assertThat(Files.readString(UNITS.resolve("hivemind-backup.service")))
                .contains("up --detach --no-recreate hivemind-updater\nExecStart=docker compose exec -T hivemind-updater");
        assertThat(check).contains("WorkingDirectory=/var/lib/hivemind\n").doesNotContain("--project-name");
    }
}
