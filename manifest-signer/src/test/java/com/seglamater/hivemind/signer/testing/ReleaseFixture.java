package com.seglamater.hivemind.signer.testing;

import com.seglamater.hivemind.model.pgp.CryptoPolicy;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.release.Names;
import com.seglamater.hivemind.model.release.ReleaseStatement;
import com.seglamater.hivemind.model.release.StatementCodec;
import com.seglamater.hivemind.model.verify.StatementRejectedException;
import com.seglamater.hivemind.model.verify.StatementVerifier;
import com.seglamater.hivemind.model.verify.TrustedState;
import com.seglamater.hivemind.model.verify.VerificationPolicy;
import com.seglamater.hivemind.model.verify.VerificationRequest;
import com.seglamater.hivemind.model.verify.VerifiedStatement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An empty release tree, the team's keyring beside it (outside the tree, as in real life) with a
 * test release key ({@code alice}) in it, and helpers that run the tree commands with
 * {@code --keyring} pointing at that keyring.
 */
public final class ReleaseFixture {

    public static final Instant NOW = Instant.parse("2026-11-20T08:00:00Z");
    public static final String SERVER_A = "registry.example.org/hivemind/server@sha256:" + "a".repeat(64);
    public static final String SERVER_B = "registry.example.org/hivemind/server@sha256:" + "b".repeat(64);
    public static final String UPDATER = "registry.example.org/hivemind/updater@sha256:" + "c".repeat(64);

    public final Path tree;
    /** Where the test keys and the team's keyring live, outside the tree. */
    public final Path keys;
    /** The keyring the team maintains: what {@code --keyring} names. */
    public final Path keyring;
    /** The tree's informational copy of the keyring, which publish, promote and refresh write. */
    public final Path treeKeyring;
    public final TestKeys.KeyFiles alice;
    public final Cli cli = new Cli(NOW);

    public ReleaseFixture(Path dir) throws Exception {
        tree = Files.createDirectories(dir.resolve("tree"));
        keys = dir.resolve("keys");
        alice = TestKeys.create(keys, "alice", NOW.minus(Duration.ofDays(30)));
        keyring = keys.resolve("release-keys.asc");
        treeKeyring = tree.resolve("keys/release-keys.asc");
        cli.run("keyring", "add", "--keyring", keyring.toString(), alice.certificate().toString()).assertSuccess();
    }

    /**
     * Runs {@code command} on the tree with {@code args}, signing with alice's key and checking
     * against the team keyring unless {@code args} name another {@code --secret-key} or {@code --keyring}.
     */
    public Cli.Result signing(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "--tree", tree.toString()));
        all.addAll(List.of(args));
        if (!all.contains("--secret-key")) {
            all.addAll(List.of("--secret-key", alice.secret().toString()));
        }
        if (!all.contains("--keyring")) {
            all.addAll(List.of("--keyring", keyring.toString()));
        }
        return cli.run(all.toArray(String[]::new));
    }

    public Cli.Result publish(String channel, String version, String... extra) {
        List<String> args = new ArrayList<>(List.of("--channel", channel, "--version", version));
        // Without --image options, the release pins the default server and updater images.
        if (!List.of(extra).contains("--image")) {
            args.addAll(List.of("--image", "hivemind-server=" + SERVER_A, "--image", "hivemind-updater=" + UPDATER));
        }
        args.addAll(List.of(extra));
        return signing("publish", args.toArray(String[]::new));
    }

    public Cli.Result promote(String... args) {
        return signing("promote", args);
    }

    public Cli.Result refresh(String channel, String... extra) {
        List<String> args = new ArrayList<>(List.of("--channel", channel));
        args.addAll(List.of(extra));
        return signing("refresh", args.toArray(String[]::new));
    }

    public Cli.Result status(String... extra) {
        List<String> args = new ArrayList<>(List.of("status", "--tree", tree.toString()));
        args.addAll(List.of(extra));
        return cli.run(args.toArray(String[]::new));
    }

    public Cli.Result publishOk(String channel, String version, String... extra) {
        return publish(channel, version, extra).assertSuccess();
    }

    /** Adds a new test key to the team keyring; {@code validity} empty for a key that never expires. */
    public TestKeys.KeyFiles addKey(String name, Optional<Duration> validity) throws Exception {
        TestKeys.KeyFiles key = TestKeys.create(keys, name, NOW.minus(Duration.ofDays(1)), Optional.empty(), validity);
        cli.run("keyring", "add", "--keyring", keyring.toString(), key.certificate().toString()).assertSuccess();
        return key;
    }

    /** Revokes {@code key} in the team keyring with the revocation certificate keygen made. */
    public void revoke(TestKeys.KeyFiles key) {
        cli.run("keyring", "revoke", "--keyring", keyring.toString(), "--revocation", key.revocation().toString())
                .assertSuccess();
    }

    /**
     * Writes {@code statement} signed by {@code key} as {@code file} and {@code file.asc}, as some
     * earlier run (or another tool) would have, bypassing the checks of publish.
     */
    public void writeSigned(Path file, ReleaseStatement statement, TestKeys.KeyFiles key) throws Exception {
        byte[] bytes = StatementCodec.write(statement);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        Files.write(file.resolveSibling(file.getFileName() + ".asc"), key.key().sign(bytes, Optional.empty(), NOW));
    }

    public Path latest(String channel) {
        return tree.resolve("channels/" + channel + "/latest.json");
    }

    public Path manifest(String version) {
        return tree.resolve("releases/" + version + "/manifest.json");
    }

    public ReleaseStatement read(Path statement) throws Exception {
        return StatementCodec.parse(Files.readAllBytes(statement));
    }

    public TrustedKeyring trustedKeyring() throws Exception {
        return TrustedKeyring.parse(Files.readAllBytes(keyring), CryptoPolicy.defaults());
    }

    /** Verifies a channel's latest.json exactly as an agent that has trusted nothing yet does. */
    public VerifiedStatement verifyAsAgent(String channel, Instant at) throws Exception {
        return verifyAsAgent(channel, at, TrustedState.initial(channel, Optional.empty()));
    }

    public VerifiedStatement verifyAsAgent(String channel, Instant at, TrustedState trusted)
            throws StatementRejectedException, Exception {
        Path latest = latest(channel);
        // An agent of the shipped stack: it knows exactly the shipped services.
        return new StatementVerifier(trustedKeyring(), VerificationPolicy.defaults(), Clock.fixed(at, ZoneOffset.UTC))
                .verify(new VerificationRequest(Files.readAllBytes(latest),
                        Files.readAllBytes(latest.resolveSibling("latest.json.asc")), channel, trusted,
                        Names.SHIPPED_SERVICES, false));
    }
}
