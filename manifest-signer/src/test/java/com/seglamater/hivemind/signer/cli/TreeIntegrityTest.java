package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.signer.testing.Cli;
import com.seglamater.hivemind.signer.testing.ReleaseFixture;
import com.seglamater.hivemind.signer.testing.TestKeys;
import com.seglamater.hivemind.signer.testing.TreeSnapshot;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static com.seglamater.hivemind.signer.testing.ReleaseFixture.SERVER_B;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What publish, promote and refresh do with a tree that is not as they left it: damaged or
 * orphaned release manifests, directories that are symbolic links, and the leftovers of a run
 * that was killed mid-write.
 */
class TreeIntegrityTest {

    @TempDir
    Path dir;

    private ReleaseFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new ReleaseFixture(dir);
        f.publishOk("canary", "0.1.0");
    }

    private Path manifestSignature() {
        return f.manifest("0.1.0").resolveSibling("manifest.json.asc");
    }

    @Test
    void aDamagedReleaseManifestIsNeitherComparedNorKept() throws Exception {
        // Only a field outside the release's identity changes, so a comparison would find it "the same".
        Files.writeString(f.manifest("0.1.0"),
                Files.readString(f.manifest("0.1.0")).replace("\"sequence\" : 1", "\"sequence\" : 2"));
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = f.publish("beta", "0.1.0");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.errLines()).singleElement().asString()
                .contains("releases/0.1.0/manifest.json does not match its signature: restore it from a backup "
                        + "or publish a new version")
                .contains("does not match the data");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void aReleaseManifestWithoutItsSignatureIsDamaged() throws Exception {
        Files.delete(manifestSignature());
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = f.publish("beta", "0.1.0");

        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.errLines()).singleElement().asString()
                .contains("releases/0.1.0/manifest.json does not match its signature: restore it from a backup")
                .contains("manifest.json.asc is missing");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void aReleaseWhoseManifestIsGoneButWhoseSignatureRemainsIsNotPublishedAgain() throws Exception {
        Files.delete(f.manifest("0.1.0"));
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = f.publish("beta", "0.1.0", "--image", "hivemind-server=" + SERVER_B);

        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.errLines()).singleElement().asString().contains("releases/0.1.0/manifest.json is missing but "
                + "its signature exists: the release was published; restore manifest.json from a backup or publish "
                + "a new version");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }

    @Test
    void aReleaseManifestSignedByAKeyRevokedSinceIsComparedWithAWarningAndKept() throws Exception {
        TestKeys.KeyFiles bob = f.addKey("bob", Optional.empty());
        f.revoke(f.alice);
        byte[] manifest = Files.readAllBytes(f.manifest("0.1.0"));

        Cli.Result other = f.publish("beta", "0.1.0", "--image", "hivemind-server=" + SERVER_B, "--secret-key",
                bob.secret().toString());
        assertThat(other.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(other.err()).contains("release 0.1.0 was already published with different content");

        Cli.Result same = f.publish("beta", "0.1.0", "--secret-key", bob.secret().toString());
        assertThat(same.exitCode()).as(same.toString()).isZero();
        assertThat(same.errLines()).singleElement().asString()
                .startsWith("warning: releases/0.1.0/manifest.json is signed only by keys this keyring no longer trusts")
                .contains("was revoked");
        assertThat(Files.readAllBytes(f.manifest("0.1.0"))).isEqualTo(manifest);
        assertThat(same.out()).doesNotContain("releases/0.1.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"channels", "releases", "keys", "channels/beta", "releases/0.2.0"})
    void aTreeDirectoryThatIsASymbolicLinkIsRefusedAndNothingIsWrittenThroughIt(String name) throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path link = f.tree.resolve(name);
        if (Files.exists(link)) {
            // Move the real directory out of the tree, so the link leads to what the tree held.
            Files.move(link, outside.resolve("moved"));
            Files.createSymbolicLink(link, outside.resolve("moved"));
        } else {
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, outside);
        }
        Map<String, String> tree = TreeSnapshot.of(f.tree);
        Map<String, String> elsewhere = TreeSnapshot.of(outside);

        Cli.Result r = f.publish("beta", "0.2.0");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.INPUT);
        assertThat(r.errLines()).singleElement().asString()
                .contains(name + " in release tree " + f.tree.toAbsolutePath().normalize() + " is a symbolic link");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(tree);
        assertThat(TreeSnapshot.of(outside)).isEqualTo(elsewhere);
    }

    @Test
    void aSymbolicallyLinkedFileIsReplacedNotWrittenThrough() throws Exception {
        Path outside = Files.writeString(dir.resolve("outside.asc"), "not the keyring");
        Files.delete(f.treeKeyring);
        Files.createSymbolicLink(f.treeKeyring, outside);

        f.publishOk("canary", "0.1.1");

        assertThat(outside).hasContent("not the keyring");
        assertThat(Files.isSymbolicLink(f.treeKeyring)).isFalse();
        assertThat(f.treeKeyring).hasSameBinaryContentAs(f.keyring);
    }

    @Test
    void leftoversOfAnInterruptedRunAreRemovedAndNamedAndNothingElseIsTouched() throws Exception {
        Path channel = f.latest("canary").getParent();
        Path release = f.manifest("0.1.0").getParent();
        Files.writeString(channel.resolve(".latest.json.4021930527189423150.tmp"), "half");
        Files.writeString(channel.resolve(".latest.json.asc.1b3c9f0e2a.bak"), "old");
        Files.writeString(release.resolve(".manifest.json.asc.77.tmp"), "half");
        Files.writeString(f.treeKeyring.resolveSibling(".release-keys.asc.3fa.bak"), "old");
        // Not names a transaction makes: left alone.
        Files.writeString(channel.resolve(".notes.txt.12.tmp"), "mine");
        Files.writeString(channel.resolve("latest.json.bak"), "mine");
        Files.writeString(channel.resolve(".latest.json.xyz.bak"), "mine");

        Cli.Result r = f.refresh("canary");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.errLines()).containsExactly(
                "warning: removed channels/canary/.latest.json.4021930527189423150.tmp, left behind by an interrupted run",
                "warning: removed channels/canary/.latest.json.asc.1b3c9f0e2a.bak, left behind by an interrupted run",
                "warning: removed releases/0.1.0/.manifest.json.asc.77.tmp, left behind by an interrupted run",
                "warning: removed keys/.release-keys.asc.3fa.bak, left behind by an interrupted run");
        assertThat(TreeSnapshot.files(f.tree)).containsExactly(
                "channels/canary/.latest.json.xyz.bak", "channels/canary/.notes.txt.12.tmp",
                "channels/canary/latest.json", "channels/canary/latest.json.asc", "channels/canary/latest.json.bak",
                "keys/release-keys.asc", "releases/0.1.0/manifest.json", "releases/0.1.0/manifest.json.asc");
    }

    @Test
    void leftoversAreOnlyRemovedUnderTheLock() throws Exception {
        Path leftover = Files.writeString(f.latest("canary").resolveSibling(".latest.json.12.tmp"), "half");
        try (var held = com.seglamater.hivemind.signer.tree.TreeLock.tryAcquire(f.tree).orElseThrow()) {
            Cli.Result r = f.refresh("canary");
            assertThat(r.exitCode()).isEqualTo(ExitCode.REFUSED);
            assertThat(r.errLines()).singleElement().asString().contains("is locked by another publish");
        }
        assertThat(leftover).exists();
    }

    @Test
    void leftoversBesideAChannelThatNoLongerVerifiesAreKeptAndNamedBecauseTheyMayBeTheOnlyGoodCopy() throws Exception {
        // A run killed between renaming latest.json and latest.json.asc: the backup holds the old statement.
        Path latest = f.latest("canary");
        Path backup = latest.resolveSibling(".latest.json.1a2b3c.bak");
        Files.copy(latest, backup);
        Files.writeString(latest, Files.readString(latest).replace("\"sequence\" : 1", "\"sequence\" : 2"));
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result r = f.refresh("canary");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.VERIFICATION);
        assertThat(r.err()).contains("an interrupted run left channels/canary/.latest.json.1a2b3c.bak")
                .contains("restore latest.json");
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
        assertThat(backup).exists();
    }

    @Test
    void staleLeftoversAreKeptWhenTheCommandFailsSoAFailedCommandChangesNothing() throws Exception {
        Path leftover = Files.writeString(f.latest("canary").resolveSibling(".latest.json.99.tmp"), "half");
        f.publishOk("canary", "0.2.0");
        Files.writeString(leftover, "half");
        Map<String, String> before = TreeSnapshot.of(f.tree);

        Cli.Result downgrade = f.publish("canary", "0.1.5");

        assertThat(downgrade.exitCode()).as(downgrade.toString()).isEqualTo(ExitCode.REFUSED);
        assertThat(leftover).exists();
        assertThat(TreeSnapshot.of(f.tree)).isEqualTo(before);
    }
}
