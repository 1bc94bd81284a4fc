package com.seglamater.hivemind.agent.pins;

import com.seglamater.hivemind.agent.state.StateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PinsFileTest {

    static final String SERVER_A = "registry.example.org/hivemind/server@sha256:" + "a".repeat(64);
    static final String SERVER_B = "registry.example.org/hivemind/server@sha256:" + "b".repeat(64);
    static final String UPDATER = "registry.example.org/hivemind/updater@sha256:" + "c".repeat(64);

    @TempDir
    Path dir;

    PinsFile pins() {
        return new PinsFile(dir.resolve("docker-compose.override.yml"));
    }

    @Test
    void writesAndReadsBackThePinsAndKeepsThePreviousOnes() throws Exception {
        PinsFile pins = pins();
        assertThat(pins.read()).as("no file: nothing pinned").isEmpty();
        assertThat(pins.previous()).isEmpty();

        pins.write(Map.of("hivemind-server", SERVER_A, "hivemind-updater", UPDATER), "release 1.0.0");
        assertThat(pins.read()).isEqualTo(Map.of("hivemind-server", SERVER_A, "hivemind-updater", UPDATER));
        assertThat(pins.previous()).isEmpty();

        pins.write(Map.of("hivemind-server", SERVER_B, "hivemind-updater", UPDATER), "release 1.1.0");
        assertThat(pins.read()).containsEntry("hivemind-server", SERVER_B);
        assertThat(pins.previous()).contains(Map.of("hivemind-server", SERVER_A, "hivemind-updater", UPDATER));
        assertThat(Files.readString(pins.file())).startsWith(PinsFile.MARKER).contains("release 1.1.0");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("no temp file left").containsExactlyInAnyOrder("docker-compose.override.yml",
                            "docker-compose.override.yml.previous");
        }
    }

    @Test
    void theFileIsReadableByTheOperatorsComposeToo() throws Exception {
        pins().write(Map.of("hivemind-server", SERVER_A), "release 1.0.0");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pins().file()))).isEqualTo("rw-r--r--");
    }

    @Test
    void writingNoPinsRemovesTheFileSoComposeRunsWhatDockerComposeYmlNames() throws Exception {
        pins().write(Map.of("hivemind-server", SERVER_A), "release 1.0.0");
        pins().write(Map.of(), "nothing");
        assertThat(pins().file()).doesNotExist();
        assertThat(pins().previous()).contains(Map.of("hivemind-server", SERVER_A));
    }

    @Test
    void anOverrideFileTheOperatorWroteIsNeverOverwritten() throws Exception {
        String own = "services:\n  hivemind-server:\n    ports: [\"8080:8585\"]\n";
        Files.writeString(pins().file(), own);

        assertThatThrownBy(() -> pins().write(Map.of("hivemind-server", SERVER_A), "release 1.0.0"))
                .isInstanceOf(StateException.class).hasMessageContaining("not written by hivemind-updater")
                .hasMessageContaining("HIVEMIND_PINS_FILE");
        assertThat(Files.readString(pins().file())).isEqualTo(own);
    }

    @Test
    void aHandEditedPinsFileIsRefusedRatherThanGuessed() throws Exception {
        pins().write(Map.of("hivemind-server", SERVER_A), "release 1.0.0");
        Files.writeString(pins().file(), Files.readString(pins().file()) + "    ports: [\"80:8585\"]\n");

        assertThatThrownBy(() -> pins().read()).isInstanceOf(StateException.class).hasMessageContaining("edited by hand");
    }

    @Test
    void aTagInThePinsFileIsRefused() throws Exception {
        pins().write(Map.of("hivemind-server", SERVER_A), "release 1.0.0");
        Files.writeString(pins().file(), Files.readString(pins().file()).replace(SERVER_A,
                "registry.example.org/hivemind/server:latest"));

        assertThatThrownBy(() -> pins().read()).isInstanceOf(StateException.class).hasMessageContaining("not pinned by digest");
    }

    @Test
    void onlyDigestPinnedImagesForValidServicesAreWritten() {
        assertThatThrownBy(() -> pins().write(Map.of("hivemind-server", "registry.example.org/hivemind/server:1.0"), "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pins().write(Map.of("bad name\n  evil:", SERVER_A), "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(pins().file()).doesNotExist();
    }

    @Test
    void aDescriptionCannotBreakOutOfItsCommentLine() throws Exception {
        pins().write(Map.of("hivemind-server", SERVER_A), "release 1.0.0\nservices:\n  x:\n    image: evil");
        assertThat(pins().read()).isEqualTo(Map.of("hivemind-server", SERVER_A));
    }
}
