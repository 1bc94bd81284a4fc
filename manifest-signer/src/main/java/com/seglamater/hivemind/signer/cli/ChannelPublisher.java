package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.pgp.SignatureProblem;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.pgp.ValidSignature;
import com.seglamater.hivemind.model.release.ReleaseStatement;
import com.seglamater.hivemind.model.release.StatementCodec;
import com.seglamater.hivemind.model.verify.SignatureRejectedException;
import com.seglamater.hivemind.model.verify.StatementRejectedException;
import com.seglamater.hivemind.model.verify.StatementVerifier;
import com.seglamater.hivemind.model.verify.TrustedState;
import com.seglamater.hivemind.model.verify.VerificationPolicy;
import com.seglamater.hivemind.model.verify.VerificationRequest;
import com.seglamater.hivemind.model.verify.VerifiedStatement;
import com.seglamater.hivemind.model.version.SemanticVersion;
import com.seglamater.hivemind.signer.pgp.KeyException;
import com.seglamater.hivemind.signer.pgp.SecretKey;
import com.seglamater.hivemind.signer.tree.ReleaseTree;
import com.seglamater.hivemind.signer.tree.TreeLock;
import com.seglamater.hivemind.signer.tree.TreeStatement;
import com.seglamater.hivemind.signer.tree.TreeTransaction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/**
 * The part publish, promote and refresh share: check the channel's current statement, keep
 * releases immutable, sign, verify the result exactly as an agent will, and write the tree in
 * one transaction. Nothing in the tree changes unless every check passed.
 */
final class ChannelPublisher implements AutoCloseable {

    private final Context ctx;
    private final TreeSigningOptions options;
    private final ReleaseTree tree;
    private final Path keyringFile;
    private final byte[] keyringBytes;
    private final TrustedKeyring keyring;
    private final SecretKey key;
    private final TreeLock lock;
    private final Instant now;

    private ChannelPublisher(Context ctx, TreeSigningOptions options, ReleaseTree tree, Path keyringFile,
                             byte[] keyringBytes, TrustedKeyring keyring, SecretKey key, TreeLock lock) {
        this.ctx = ctx;
        this.options = options;
        this.tree = tree;
        this.keyringFile = keyringFile;
        this.keyringBytes = keyringBytes;
        this.keyring = keyring;
        this.key = key;
        this.lock = lock;
        this.now = ctx.now();
    }

    /** Reads the keyring and the secret key and locks the tree; fails before anything is written. */
    static ChannelPublisher open(Context ctx, TreeSigningOptions options) throws CommandFailedException {
        ReleaseTree tree = new ReleaseTree(options.tree);
        if (!Files.isDirectory(tree.root())) {
            throw CommandFailedException.input("release tree " + options.tree + " is not a directory (create it first)");
        }
        Path keyringFile = options.keyring != null ? options.keyring : tree.keyring();
        if (options.keyring == null && !Files.exists(keyringFile)) {
            throw CommandFailedException.input("the tree has no keyring at " + keyringFile
                    + ": pass --keyring FILE (the keyring agents trust)");
        }
        byte[] keyringBytes = Inputs.read(keyringFile, "keyring", TrustedKeyring.MAX_KEYRING_BYTES);
        TrustedKeyring keyring = Inputs.keyring(keyringFile, keyringBytes);
        SecretKey key = Inputs.secretKey(options.secretKey);
        try {
            key.signingKey(ctx.now());
        } catch (KeyException e) {
            throw CommandFailedException.keyUnusable(e.getMessage());
        }
        Optional<TreeLock> lock;
        try {
            lock = TreeLock.tryAcquire(tree.root());
        } catch (IOException e) {
            throw new CommandFailedException(ExitCode.INTERNAL, "cannot lock " + tree.root() + ": " + e.getMessage(), e);
        }
        if (lock.isEmpty()) {
            throw CommandFailedException.refused("release tree " + tree.root()
                    + " is locked by another publish, promote or refresh; try again when it has finished");
        }
        return new ChannelPublisher(ctx, options, tree, keyringFile, keyringBytes, keyring, key, lock.get());
    }

    ReleaseTree tree() {
        return tree;
    }

    TrustedKeyring keyring() {
        return keyring;
    }

    Instant now() {
        return now;
    }

    Instant expires() {
        return now.plus(options.expiresIn);
    }

    /** The trusted current statement of {@code channel}, or why there is none (exit 3 or 4). */
    ReleaseStatement requireTrusted(String channel) throws CommandFailedException {
        TreeStatement current = readChannel(channel);
        return switch (current) {
            case TreeStatement.Trusted t -> t.statement();
            case TreeStatement.Absent a -> throw CommandFailedException.input("channel " + channel
                    + " has no release yet (" + relative(a.file()) + " does not exist)");
            case TreeStatement.Untrusted u -> throw CommandFailedException.verification(relative(u.file())
                    + " does not verify: " + u.reason());
        };
    }

    /** The trusted manifest of release {@code version} (exit 3 when absent, 4 when it does not verify). */
    ReleaseStatement requireManifest(SemanticVersion version)
            throws CommandFailedException {
        TreeStatement manifest = readManifest(version);
        return switch (manifest) {
            case TreeStatement.Trusted t -> t.statement();
            case TreeStatement.Absent a -> throw CommandFailedException.input("release " + version
                    + " was never published: " + relative(a.file()) + " does not exist");
            case TreeStatement.Untrusted u -> throw CommandFailedException.verification(relative(u.file())
                    + " does not verify: " + u.reason());
        };
    }

    /**
     * Signs the statement {@code build} makes for the channel's next sequence and writes it.
     *
     * @param build                 the new statement, given the sequence it must carry
     * @param allowDowngrade        whether a version older than the channel's current one may be published
     * @param allowUntrustedCurrent whether a current statement that does not verify may be replaced
     */
    void publish(String channel, LongFunction<ReleaseStatement> build, boolean allowDowngrade,
                 boolean allowUntrustedCurrent) throws CommandFailedException {
        TreeStatement current = readChannel(channel);
        TrustedState trusted = trustedState(channel, current, allowUntrustedCurrent);
        ReleaseStatement statement = build.apply(trusted.sequence() + 1);
        Optional<ReleaseStatement> previous = currentStatement(current);
        if (previous.isPresent() && statement.version().isOlderThan(previous.get().version()) && !allowDowngrade) {
            throw CommandFailedException.refused("channel " + channel + " is at " + previous.get().version()
                    + ", newer than " + statement.version() + ": pass --allow-downgrade to move it back");
        }
        byte[] bytes = StatementCodec.write(statement);
        TreeTransaction transaction = new TreeTransaction();
        boolean newRelease = immutableRelease(statement);
        byte[] signature = SignCommand.sign(key, bytes, options.passphrase, ctx, now);
        VerifiedStatement verified = verifyAsAgent(bytes, signature, trusted);

        Path manifest = tree.manifest(statement.version());
        if (newRelease) {
            // The release's first statement is also its immutable record: same bytes, same signature.
            transaction.put(manifest, bytes).put(ReleaseTree.signatureOf(manifest), signature);
        }
        Path latest = tree.statement(channel);
        transaction.put(latest, bytes).put(ReleaseTree.signatureOf(latest), signature);
        if (!keyringCopyIsCurrent()) {
            transaction.put(tree.keyring(), keyringBytes);
        }
        try {
            transaction.commit();
        } catch (IOException e) {
            throw new CommandFailedException(ExitCode.INTERNAL, "writing the release tree failed and was rolled back: "
                    + e, e);
        }
        report(statement, verified, transaction.targets());
    }

    private TrustedState trustedState(String channel, TreeStatement current, boolean allowUntrustedCurrent)
            throws CommandFailedException {
        return switch (current) {
            case TreeStatement.Absent a -> TrustedState.initial(channel, Optional.empty());
            case TreeStatement.Trusted t -> new TrustedState(channel, t.statement().sequence(),
                    Optional.of(StatementVerifier.sha256(t.bytes())), Optional.empty());
            case TreeStatement.Untrusted u -> {
                if (!allowUntrustedCurrent) {
                    throw CommandFailedException.verification(relative(u.file()) + " does not verify: " + u.reason()
                            + ". If the tree was tampered with, restore it; if its key was revoked or removed, "
                            + "replace it with --allow-untrusted-current");
                }
                ReleaseStatement parsed = u.statement().orElseThrow(() -> CommandFailedException.verification(
                        relative(u.file()) + " does not verify and cannot even be parsed (" + u.reason()
                                + "), so its sequence is unknown; restore it from a backup"));
                ctx.err().println("WARNING: replacing " + relative(u.file()) + ", which does NOT verify ("
                        + u.reason() + "); continuing after its sequence " + parsed.sequence()
                        + " because --allow-untrusted-current was given");
                yield new TrustedState(channel, parsed.sequence(), Optional.of(StatementVerifier.sha256(u.bytes())),
                        Optional.empty());
            }
        };
    }

    private static Optional<ReleaseStatement> currentStatement(TreeStatement current) {
        return switch (current) {
            case TreeStatement.Absent a -> Optional.empty();
            case TreeStatement.Trusted t -> Optional.of(t.statement());
            case TreeStatement.Untrusted u -> u.statement();
        };
    }

    /**
     * releases/V/manifest.json is immutable: returns whether it must be written (absent), refuses
     * when it exists and describes another release (exit 5).
     */
    private boolean immutableRelease(ReleaseStatement statement) throws CommandFailedException {
        TreeStatement existing = readManifest(statement.version());
        Optional<ReleaseStatement> published = switch (existing) {
            case TreeStatement.Absent a -> Optional.empty();
            case TreeStatement.Trusted t -> Optional.of(t.statement());
            case TreeStatement.Untrusted u -> {
                if (u.statement().isEmpty()) {
                    throw CommandFailedException.verification(relative(u.file()) + " exists but is not a valid "
                            + "statement (" + u.reason() + "); releases are immutable, so it is not replaced");
                }
                ctx.err().println("warning: " + relative(u.file()) + " does not verify (" + u.reason()
                        + "); it is left as it is");
                yield u.statement();
            }
        };
        if (published.isEmpty()) {
            return true;
        }
        if (!published.get().sameReleaseAs(statement)) {
            throw CommandFailedException.refused("release " + statement.version() + " was already published with "
                    + "different content (" + differences(published.get(), statement) + "); releases are immutable: "
                    + "publish a new version");
        }
        return false;
    }

    static String differences(ReleaseStatement old, ReleaseStatement now) {
        List<String> diffs = new ArrayList<>();
        TreeSet<String> services = new TreeSet<>(old.images().keySet());
        services.addAll(now.images().keySet());
        for (String service : services) {
            var a = old.images().get(service);
            var b = now.images().get(service);
            if (a == null) {
                diffs.add("image " + service + " is new");
            } else if (b == null) {
                diffs.add("image " + service + " is missing");
            } else if (!a.equals(b)) {
                diffs.add("image " + service + " was " + a + ", now " + b);
            }
        }
        if (!old.minimumVersion().equals(now.minimumVersion())) {
            diffs.add("minimumVersion was " + old.minimumVersion().map(Object::toString).orElse("unset")
                    + ", now " + now.minimumVersion().map(Object::toString).orElse("unset"));
        }
        if (!old.notes().equals(now.notes())) {
            diffs.add("notes differ");
        }
        if (!old.version().equals(now.version())) {
            diffs.add("version was " + old.version() + ", now " + now.version());
        }
        return String.join("; ", diffs);
    }

    /** The new statement must pass the verifier agents run, with this keyring and this clock. */
    private VerifiedStatement verifyAsAgent(byte[] bytes, byte[] signature, TrustedState trusted)
            throws CommandFailedException {
        StatementVerifier verifier = new StatementVerifier(keyring, VerificationPolicy.defaults(), ctx.clock());
        try {
            return verifier.verify(VerificationRequest.of(bytes, signature, trusted));
        } catch (SignatureRejectedException e) {
            boolean unknown = e.problems().stream().anyMatch(p -> p instanceof SignatureProblem.UnknownKey);
            if (unknown) {
                throw CommandFailedException.keyUnusable("key " + key.fingerprint() + " (" + key.certificate().displayName()
                        + ") is not in the keyring agents trust (" + keyringFile + "): add its certificate with "
                        + "'manifest-signer keyring add' and ship the keyring to agents first");
            }
            throw CommandFailedException.keyUnusable("agents would reject the new statement signed by "
                    + key.fingerprint() + ": " + e.problems().stream().map(SignatureProblem::describe)
                    .collect(Collectors.joining("; ")));
        } catch (StatementRejectedException e) {
            throw CommandFailedException.verification("agents would reject the new statement: " + e.getMessage());
        }
    }

    private boolean keyringCopyIsCurrent() throws CommandFailedException {
        try {
            Optional<byte[]> copy = ReleaseTree.readBounded(tree.keyring(), TrustedKeyring.MAX_KEYRING_BYTES);
            return copy.isPresent() && Arrays.equals(copy.get(), keyringBytes);
        } catch (IOException e) {
            throw CommandFailedException.input("cannot read " + tree.keyring() + ": " + e.getMessage());
        }
    }

    private TreeStatement readChannel(String channel) throws CommandFailedException {
        try {
            return tree.readChannel(channel, keyring, now);
        } catch (IOException e) {
            throw CommandFailedException.input("cannot read " + relative(tree.statement(channel)) + ": " + e.getMessage());
        }
    }

    private TreeStatement readManifest(SemanticVersion version)
            throws CommandFailedException {
        try {
            return tree.readManifest(version, keyring, now);
        } catch (IOException e) {
            throw CommandFailedException.input("cannot read " + relative(tree.manifest(version)) + ": " + e.getMessage());
        }
    }

    private String relative(Path file) {
        return tree.root().relativize(file).toString();
    }

    private void report(ReleaseStatement s, VerifiedStatement verified, List<Path> written) {
        ctx.out().println("channel:   " + s.channel());
        ctx.out().println("version:   " + s.version());
        ctx.out().println("sequence:  " + s.sequence());
        ctx.out().println("published: " + s.published());
        ctx.out().println("expires:   " + s.expires() + " (in " + Durations.format(Duration.between(s.published(), s.expires()))
                + "; run 'manifest-signer refresh' before then)");
        for (ValidSignature v : verified.signers()) {
            ctx.out().println("signed by: " + v.certificate() + " (" + v.signer() + ")");
        }
        for (Path p : written) {
            ctx.out().println("wrote:     " + relative(p));
        }
    }

    @Override
    public void close() throws CommandFailedException {
        try {
            lock.close();
        } catch (IOException e) {
            throw new CommandFailedException(ExitCode.INTERNAL, "cannot release the tree lock: " + e.getMessage(), e);
        }
    }
}
