package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.release.ReleaseStatement;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;
import com.seglamater.hivemind.signer.tree.ReleaseTree;
import com.seglamater.hivemind.signer.tree.TreeLock;
import com.seglamater.hivemind.signer.tree.TreeStatement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The release tree as publish, promote and refresh hold it, without the planning around it. */
class LockedTreeTest {

    @TempDir
    Path dir;

    ReleaseFixture f;
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    Context ctx;

    @BeforeEach
    void setUp() throws Exception {
        f = new ReleaseFixture(dir);
        ctx = new Context(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Clock.fixed(ReleaseFixture.NOW, ZoneOffset.UTC),
                Map.of(), Optional.empty());
    }

    private LockedTree lock() throws Exception {
        return LockedTree.lock(ctx, LockedTree.requireDirectory(f.tree), f.keyring, f.trustedKeyring(),
                ReleaseFixture.NOW);
    }

    @Test
    void theTreeStaysLockedUntilClosed() throws Exception {
        try (LockedTree locked = lock()) {
            assertThat(TreeLock.tryAcquire(f.tree)).isEmpty();
            assertThatThrownBy(this::lock).isInstanceOfSatisfying(CommandFailedException.class,
                    e -> assertThat(e.exitCode()).isEqualTo(ExitCode.REFUSED));
        }
        try (var free = TreeLock.tryAcquire(f.tree).orElseThrow()) {
            assertThat(free).isNotNull();
        }
    }

    @Test
    void aLeftoverBesideAStatementThatDoesNotVerifyFailsTheLockAndReleasesIt() throws Exception {
        f.publishOk("canary", "1.0.0");
        byte[] bytes = Files.readAllBytes(f.latest("canary"));
        bytes[bytes.length / 2] ^= 1;
        Files.write(f.latest("canary"), bytes);
        Path leftover = Files.writeString(f.latest("canary").resolveSibling(".latest.json.12.bak"), "old");

        assertThatThrownBy(this::lock).isInstanceOfSatisfying(CommandFailedException.class,
                e -> assertThat(e.exitCode()).isEqualTo(ExitCode.VERIFICATION));

        assertThat(leftover).exists();
        assertThat(TreeLock.tryAcquire(f.tree)).as("released after the failed check").isPresent();
    }

    @Test
    void writingPutsTheStatementInPlaceAndTheKeyringCopyOnlyWhenItDiffers() throws Exception {
        f.publishOk("canary", "1.0.0");
        byte[] bytes = Files.readAllBytes(f.latest("canary"));
        byte[] signature = Files.readAllBytes(ReleaseTree.signatureOf(f.latest("canary")));
        ReleaseStatement statement = f.read(f.latest("canary"));
        byte[] keyring = Files.readAllBytes(f.keyring);

        try (LockedTree locked = lock()) {
            List<Path> written = locked.write("canary", statement, bytes, signature, false, keyring);

            assertThat(written).as("the tree's keyring copy is the keyring already").extracting(locked::relative)
                    .containsExactly("channels/canary/latest.json", "channels/canary/latest.json.asc");
            assertThat(f.latest("canary")).hasBinaryContent(bytes);
            assertThat(locked.channel("canary")).isInstanceOf(TreeStatement.Trusted.class);

            byte[] another = (new String(keyring, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8);
            assertThat(locked.write("canary", statement, bytes, signature, false, another))
                    .extracting(locked::relative).contains("keys/release-keys.asc");
            assertThat(f.treeKeyring).hasBinaryContent(another);
        }
    }
}
