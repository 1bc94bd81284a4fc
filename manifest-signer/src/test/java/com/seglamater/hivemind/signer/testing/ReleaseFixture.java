package com.seglamater.hivemind.signer.testing;

import com.seglamater.hivemind.model.pgp.CryptoPolicy;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
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
 * A release tree with its keyring in {@code keys/release-keys.asc}, a test release key
 * ({@code alice}) in it, and helpers that run the tree commands.
 */
public final class ReleaseFixture {

    public static final Instant NOW = Instant.parse("2026-11-20T08:00:00Z");
    public static final String SERVER_A = "registry.example.org/hivemind/server@sha256:" + "a".repeat(64);
    public static final String SERVER_B = "registry.example.org/hivemind/server@sha256:" + "b".repeat(64);
    public static final String UPDATER = "registry.example.org/hivemind/updater@sha256:" + "c".repeat(64);

    public final Path tree;
    public final Path keys;
    public final Path keyring;
    public final TestKeys.KeyFiles alice;
    public final Cli cli = new Cli(NOW);

    public ReleaseFixture(Path dir) throws Exception {
        tree = Files.createDirectories(dir.resolve("tree"));
        keys = dir.resolve("keys");
        alice = TestKeys.create(keys, "alice", NOW.minus(Duration.ofDays(30)));
        keyring = tree.resolve("keys/release-keys.asc");
        Cli.Result added = cli.run("keyring", "add", "--keyring", keys.resolve("ring.asc").toString(),
                alice.certificate().toString());
        if (added.exitCode() != 0) {
            throw new AssertionError(added.toString());
        }
        Files.createDirectories(keyring.getParent());
        Files.copy(keys.resolve("ring.asc"), keyring);
    }

    public Cli.Result publish(String channel, String version, String... extra) {
        List<String> args = new ArrayList<>(List.of("publish", "--tree", tree.toString(), "--channel", channel,
                "--version", version, "--secret-key", alice.secret().toString()));
        // Without --image options, the release pins the default server and updater images.
        if (!List.of(extra).contains("--image")) {
            args.addAll(List.of("--image", "server=" + SERVER_A, "--image", "updater=" + UPDATER));
        }
        args.addAll(List.of(extra));
        return cli.run(args.toArray(String[]::new));
    }

    public Cli.Result publishOk(String channel, String version, String... extra) {
        Cli.Result r = publish(channel, version, extra);
        if (r.exitCode() != 0) {
            throw new AssertionError(r.toString());
        }
        return r;
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
        return new StatementVerifier(trustedKeyring(), VerificationPolicy.defaults(), Clock.fixed(at, ZoneOffset.UTC))
                .verify(VerificationRequest.of(Files.readAllBytes(latest),
                        Files.readAllBytes(latest.resolveSibling("latest.json.asc")), trusted));
    }
}
