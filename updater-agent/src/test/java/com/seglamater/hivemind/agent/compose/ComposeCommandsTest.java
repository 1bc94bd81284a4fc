package com.seglamater.hivemind.agent.compose;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How calls are spelled; that they run in the stack directory is {@link CliComposeTest}'s. */
class ComposeCommandsTest {

    @Test
    void dockerCliFollowsTheComposeCommand() {
        assertThat(ComposeCommands.dockerCommand(List.of("docker", "compose"))).containsExactly("docker");
        assertThat(ComposeCommands.dockerCommand(List.of("/opt/docker/bin/docker", "compose")))
                .containsExactly("/opt/docker/bin/docker");
        assertThat(ComposeCommands.dockerCommand(List.of("docker-compose"))).containsExactly("docker");
        assertThat(ComposeCommands.dockerCommand(List.of("/usr/local/bin/docker-compose"))).containsExactly("docker");
    }

    @Test
    void aContainerNameThatCouldBeReadAsAnOptionOrAFilterIsRefused() {
        assertThat(ComposeCommands.containerName("hm-updater-apply")).isEqualTo("hm-updater-apply");
        for (String bad : new String[] {"-f", "--rm", "a b", "name$", "", "x".repeat(129)}) {
            assertThatThrownBy(() -> ComposeCommands.containerName(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ComposeCommands.containerName(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
