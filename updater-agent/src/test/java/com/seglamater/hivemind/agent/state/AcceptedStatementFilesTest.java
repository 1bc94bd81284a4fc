package com.seglamater.hivemind.agent.state;

import com.seglamater.hivemind.model.pgp.DetachedSignatureVerifier;
import com.seglamater.hivemind.model.release.StatementCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The copy of the accepted statement that a 304 is verified again from ({@link StateStore#saveAccepted}). */
class AcceptedStatementFilesTest {

    @TempDir
    Path dir;

    @Test
    void keepsBothFilesByteForByteOwnerOnlyPerChannel() throws Exception {
        StateStore store = new StateStore(dir.resolve("data"));
        store.saveAccepted("canary", new byte[]{1, 2, 3}, new byte[]{4, 5});
        store.saveAccepted("stable", new byte[]{6}, new byte[]{7});

        StateStore.AcceptedStatement canary = store.accepted("canary").orElseThrow();
        assertThat(canary.statement()).containsExactly(1, 2, 3);
        assertThat(canary.signature()).containsExactly(4, 5);
        assertThat(store.accepted("stable").orElseThrow().statement()).containsExactly(6);
        Path file = dir.resolve("data").resolve(StateStore.CHANNELS_DIR).resolve("canary").resolve("latest.json");
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 3);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readAllBytes(file.resolveSibling("latest.json.asc"))).containsExactly(4, 5);
    }

    @Test
    void aMissingFileIsNoCopy() throws Exception {
        StateStore store = new StateStore(dir);
        assertThat(store.accepted("canary")).isEmpty();
        store.saveAccepted("canary", new byte[]{1}, new byte[]{2});
        Files.delete(dir.resolve(StateStore.CHANNELS_DIR).resolve("canary").resolve("latest.json.asc"));
        assertThat(store.accepted("canary")).isEmpty();
    }

    @Test
    void anOversizedFileIsReadOnlyToOneByteOverItsLimitSoTheVerifierRefusesIt() throws Exception {
        StateStore store = new StateStore(dir);
        store.saveAccepted("canary", new byte[StatementCodec.MAX_STATEMENT_BYTES * 4],
                new byte[DetachedSignatureVerifier.MAX_SIGNATURE_BYTES * 4]);

        StateStore.AcceptedStatement copy = store.accepted("canary").orElseThrow();

        assertThat(copy.statement()).hasSize(StatementCodec.MAX_STATEMENT_BYTES + 1);
        assertThat(copy.signature()).hasSize(DetachedSignatureVerifier.MAX_SIGNATURE_BYTES + 1);
    }

    @Test
    void aChannelNameThatIsNoPathSegmentIsRefused() {
        StateStore store = new StateStore(dir);
        assertThatThrownBy(() -> store.saveAccepted("../x", new byte[1], new byte[1]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
