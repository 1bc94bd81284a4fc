package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.config.Durations;
import com.seglamater.hivemind.model.pgp.SignatureProblem;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.pgp.ValidSignature;
import com.seglamater.hivemind.model.release.Names;
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
import com.seglamater.hivemind.signer.tree.Leftovers;
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
    /** Leftovers of an interrupted run beside files that verify: removed once this run has committed. */
    private List<Path> staleLeftovers = List.of();

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

    /**
     * Reads the keyring and the secret key, locks the tree, checks that its directories are real
     * ones and that what a crashed run left behind is stale (it is removed after the commit);
     * fails before anything is written.
     */
    static ChannelPublisher open(Context ctx, TreeSigningOptions options) throws CommandFailedException {
        ReleaseTree tree = new ReleaseTree(options.tree);
        if (!Files.isDirectory(tree.root())) {
            throw CommandFailedException.input("release tree " + options.tree + " is not a directory (create it first)");
        }
        byte[] keyringBytes = Inputs.read(options.keyring, "keyring", TrustedKeyring.MAX_KEYRING_BYTES);
        TrustedKeyring keyring = Inputs.keyring(options.keyring, keyringBytes);
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
        ChannelPublisher publisher = new ChannelPublisher(ctx, options, tree, options.keyring, keyringBytes, keyring,
                key, lock.get());
        try {
            publisher.prepareTree();
        } catch (CommandFailedException | RuntimeException e) {
            try {
                publisher.close();
            } catch (CommandFailedException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return publisher;
    }

    private void prepareTree() throws CommandFailedException {
        for (String dir : List.of(ReleaseTree.CHANNELS, ReleaseTree.RELEASES, ReleaseTree.KEYS)) {
            requireRealDirectory(tree.root().resolve(dir));
        }
        try {
            if (Files.exists(tree.keyring()) && Files.isSameFile(keyringFile, tree.keyring())) {
                ctx.err().println("warning: --keyring is the tree's own copy (" + relative(tree.keyring())
                        + "); pass the keyring the team maintains, or a key revoked there is still trusted here");
            }
        } catch (IOException e) {
            // Only a hint; reading the keyring already succeeded.
        }
        List<Path> leftovers;
        try {
            leftovers = Leftovers.find(tree);
        } catch (IOException e) {
            throw CommandFailedException.input("cannot read the release tree " + tree.root() + ": " + e.getMessage());
        }
        for (Path leftover : leftovers) {
            requireIntactBeside(leftover, leftovers);
        }
        staleLeftovers = leftovers;
    }

    /**
     * A leftover of an interrupted run may hold the only good copy of a file (a backup) or the
     * other half of a half-written pair. It is stale only when the statement in its directory
     * verifies (or is only signed by a key no longer trusted); otherwise the run stops, names the
     * leftovers and keeps them, so the release team can restore from them.
     */
    private void requireIntactBeside(Path leftover, List<Path> all) throws CommandFailedException {
        Path dir = leftover.getParent();
        TreeStatement statement;
        if (dir.getParent().equals(tree.root().resolve(ReleaseTree.CHANNELS))) {
            String channel = dir.getFileName().toString();
            try {
                Names.requireChannel(channel);
            } catch (IllegalArgumentException e) {
                return; // not a channel directory this tool writes; its leftovers are stale
            }
            statement = readChannel(channel);
        } else if (dir.getParent().equals(tree.root().resolve(ReleaseTree.RELEASES))) {
            SemanticVersion version;
            try {
                version = SemanticVersion.parse(dir.getFileName().toString());
            } catch (IllegalArgumentException e) {
                return; // not a release directory this tool writes; its leftovers are stale
            }
            statement = readManifest(version);
        } else {
            return; // keys/: the tree's keyring copy is informational and rewritten from --keyring
        }
        if (statement instanceof TreeStatement.Untrusted u && u.damaged()) {
            String names = all.stream().filter(p -> p.getParent().equals(dir)).map(this::relative)
                    .collect(Collectors.joining(", "));
            throw CommandFailedException.verification("an interrupted run left " + names + " beside "
                    + relative(u.file()) + ", which does not verify (" + u.reason() + "). A .bak file holds the "
                    + "previous content of the file it is named after, a .tmp file new content that was never put in "
                    + "place: restore " + u.file().getFileName() + " from them or from a backup, check with 'status', "
                    + "delete the leftovers and run again");
        }
    }

    private void removeStaleLeftovers() {
        Leftovers.Result result = Leftovers.remove(staleLeftovers);
        for (Path removed : result.removed()) {
            ctx.err().println("warning: removed " + relative(removed) + ", left behind by an interrupted run");
        }
        result.failed().forEach((file, reason) -> ctx.err().println("warning: cannot remove " + relative(file)
                + ", left behind by an interrupted run (" + reason + ")"));
    }

    /** Writes must never leave the tree: its directories may not be symbolic links (exit 3). */
    private void requireRealDirectory(Path dir) throws CommandFailedException {
        Optional<String> problem = ReleaseTree.notARealDirectory(dir);
        if (problem.isPresent()) {
            throw CommandFailedException.input(relative(dir) + " in release tree " + tree.root() + " "
                    + problem.get() + "; the tree must consist of real directories so that nothing is written "
                    + "outside it");
        }
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
            case TreeStatement.Absent a -> throw noRelease(channel, a);
            case TreeStatement.Untrusted u -> throw ChannelState.rejected(u, false, this::relative);
        };
    }

    /**
     * The release {@code channel} carries now: its trusted statement or, with
     * {@code allowUntrustedCurrent}, one whose only problem is that its key is no longer trusted.
     */
    ReleaseStatement currentRelease(String channel, boolean allowUntrustedCurrent) throws CommandFailedException {
        TreeStatement current = readChannel(channel);
        if (current instanceof TreeStatement.Absent a) {
            throw noRelease(channel, a);
        }
        return ChannelState.of(channel, current, allowUntrustedCurrent, this::relative).statement().orElseThrow();
    }

    private CommandFailedException noRelease(String channel, TreeStatement.Absent absent) {
        return CommandFailedException.input("channel " + channel + " has no release yet (" + relative(absent.file())
                + " does not exist)");
    }

    /** The trusted manifest of release {@code version} (exit 3 when absent, 4 when it does not verify). */
    ReleaseStatement requireManifest(SemanticVersion version)
            throws CommandFailedException {
        TreeStatement manifest = readManifest(version);
        return switch (manifest) {
            case TreeStatement.Trusted t -> t.statement();
            case TreeStatement.Absent a -> throw CommandFailedException.input("release " + version
                    + " was never published: " + relative(a.file()) + " does not exist");
            case TreeStatement.Untrusted u -> throw ChannelState.rejected(u, false, this::relative);
        };
    }

    /**
     * Signs the statement {@code build} makes for the channel's next sequence and writes it.
     *
     * @param build                 the new statement, given the sequence it must carry
     * @param allowDowngrade        whether a version older than the channel's current one may be published
     * @param allowUntrustedCurrent whether a current statement whose key is no longer trusted may be replaced
     */
    void publish(String channel, LongFunction<ReleaseStatement> build, boolean allowDowngrade,
                 boolean allowUntrustedCurrent) throws CommandFailedException {
        TreeStatement found = readChannel(channel);
        ChannelState current = ChannelState.of(channel, found, allowUntrustedCurrent, this::relative);
        current.requireSequenceLeft(channel, relative(found.file()));
        ReleaseStatement statement = build.apply(current.state().sequence() + 1);
        Optional<ReleaseStatement> previous = current.statement();
        if (previous.isPresent() && statement.version().isOlderThan(previous.get().version()) && !allowDowngrade) {
            throw CommandFailedException.refused("channel " + channel + " is at " + previous.get().version()
                    + ", newer than " + statement.version() + ": pass --allow-downgrade to move it back");
        }
        byte[] bytes = StatementCodec.write(statement);
        boolean newRelease = immutableRelease(statement);
        KeyExpiry.requireOutlives(key, keyring, now, statement.expires());
        byte[] signature = SignCommand.sign(key, bytes, options.passphrase, ctx, now);
        VerifiedStatement verified = verifyAsAgent(bytes, signature, current.state());
        current.warning().ifPresent(ctx.err()::println);

        TreeTransaction transaction = new TreeTransaction();
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
        TreeTransaction.Committed committed = commit(transaction);
        removeStaleLeftovers();
        report(statement, verified, committed.written());
    }

    private TreeTransaction.Committed commit(TreeTransaction transaction) throws CommandFailedException {
        TreeTransaction.Committed committed;
        try {
            committed = transaction.commit();
        } catch (TreeTransaction.CommitFailedException e) {
            String failed = "writing the release tree failed: could not " + e.step() + " " + relative(e.target())
                    + " (" + e.reason() + ")";
            if (e.rolledBack()) {
                throw new CommandFailedException(ExitCode.INTERNAL, failed + "; it was rolled back and the tree "
                        + "is as it was", e);
            }
            throw new CommandFailedException(ExitCode.INTERNAL, failed + "; rollback incomplete: "
                    + e.rollbackFailures().stream().map(l -> l.describe(this::relative))
                    .collect(Collectors.joining("; "))
                    + "; check those paths and restore them from a backup", e);
        }
        for (TreeTransaction.Leftover leftover : committed.leftovers()) {
            ctx.err().println("warning: the release tree was written, but " + leftover.describe(this::relative)
                    + "; the next publish, promote or refresh removes it");
        }
        return committed;
    }

    /**
     * releases/V/manifest.json is immutable: returns whether it must be written (absent), refuses
     * when it exists and describes another release (exit 5), and when it is damaged (exit 4): its
     * content proves nothing, so it can neither be compared with nor kept.
     */
    private boolean immutableRelease(ReleaseStatement statement) throws CommandFailedException {
        TreeStatement existing = readManifest(statement.version());
        Optional<ReleaseStatement> published = switch (existing) {
            case TreeStatement.Absent a -> Optional.empty();
            case TreeStatement.Trusted t -> Optional.of(t.statement());
            case TreeStatement.Untrusted u when u.cause() == TreeStatement.Cause.MISSING ->
                    throw CommandFailedException.verification(relative(u.file()) + " is missing but its signature "
                            + "exists: the release was published; restore " + u.file().getFileName()
                            + " from a backup or publish a new version");
            case TreeStatement.Untrusted u when u.damaged() ->
                    throw CommandFailedException.verification(relative(u.file()) + " does not match its signature: "
                            + "restore it from a backup or publish a new version (" + u.reason() + ")");
            case TreeStatement.Untrusted u -> {
                ctx.err().println("warning: " + relative(u.file()) + " is signed only by keys this keyring no longer "
                        + "trusts (" + u.reason() + "); its content is compared as it is, and it is left as it is");
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
        requireRealDirectory(tree.channelDir(channel));
        try {
            return tree.readChannel(channel, keyring, now);
        } catch (IOException e) {
            throw CommandFailedException.input("cannot read " + relative(tree.statement(channel)) + ": " + e.getMessage());
        }
    }

    private TreeStatement readManifest(SemanticVersion version)
            throws CommandFailedException {
        requireRealDirectory(tree.releaseDir(version));
        try {
            return tree.readManifest(version, keyring, now);
        } catch (IOException e) {
            throw CommandFailedException.input("cannot read " + relative(tree.manifest(version)) + ": " + e.getMessage());
        }
    }

    private String relative(Path file) {
        return file == null ? "the release tree" : tree.root().relativize(file).toString();
    }

    private void report(ReleaseStatement s, VerifiedStatement verified, List<Path> written) {
        ctx.out().println("channel:   " + s.channel());
        ctx.out().println("version:   " + s.version());
        ctx.out().println("sequence:  " + s.sequence());
        ctx.out().println("published: " + s.published());
        ctx.out().println("expires:   " + s.expires() + " (in " + Durations.describe(Duration.between(s.published(), s.expires()))
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
