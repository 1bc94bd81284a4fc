package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.release.Names;
import com.seglamater.hivemind.model.release.ReleaseStatement;
import com.seglamater.hivemind.model.version.SemanticVersion;
import com.seglamater.hivemind.signer.tree.Leftovers;
import com.seglamater.hivemind.signer.tree.ReleaseTree;
import com.seglamater.hivemind.signer.tree.TreeLock;
import com.seglamater.hivemind.signer.tree.TreeStatement;
import com.seglamater.hivemind.signer.tree.TreeTransaction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The release tree as one publish, promote or refresh holds it: locked against another run, its
 * directories real ones (so that nothing is written outside it), what an interrupted run left
 * checked to be stale before anything is written and removed after the commit, statements read
 * as the keyring judges them, and the new files written in one {@link TreeTransaction}. What to
 * write is {@link ChannelPublisher}'s decision; messages name files relative to the tree.
 */
final class LockedTree implements AutoCloseable {

    private final Context ctx;
    private final ReleaseTree tree;
    private final TrustedKeyring keyring;
    private final Instant now;
    private final TreeLock lock;
    /** Leftovers of an interrupted run beside files that verify: removed once this run has committed. */
    private List<Path> staleLeftovers = List.of();

    private LockedTree(Context ctx, ReleaseTree tree, TrustedKeyring keyring, Instant now, TreeLock lock) {
        this.ctx = ctx;
        this.tree = tree;
        this.keyring = keyring;
        this.now = now;
        this.lock = lock;
    }

    /** Refuses a tree root that is not a directory (exit 3), before anything else is read. */
    static ReleaseTree requireDirectory(Path root) throws CommandFailedException {
        ReleaseTree tree = new ReleaseTree(root);
        if (!Files.isDirectory(tree.root())) {
            throw CommandFailedException.input("release tree " + root + " is not a directory (create it first)");
        }
        return tree;
    }

    /**
     * Locks the tree, checks that its directories are real ones and that what a crashed run left
     * behind is stale; fails before anything is written.
     *
     * @param keyringFile the keyring the statements are judged by, warned about when it is the tree's own copy
     */
    static LockedTree lock(Context ctx, ReleaseTree tree, Path keyringFile, TrustedKeyring keyring, Instant now)
            throws CommandFailedException {
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
        LockedTree locked = new LockedTree(ctx, tree, keyring, now, lock.get());
        try {
            locked.prepare(keyringFile);
        } catch (CommandFailedException | RuntimeException e) {
            try {
                locked.close();
            } catch (CommandFailedException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return locked;
    }

    private void prepare(Path keyringFile) throws CommandFailedException {
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
            statement = channel(channel);
        } else if (dir.getParent().equals(tree.root().resolve(ReleaseTree.RELEASES))) {
            SemanticVersion version;
            try {
                version = SemanticVersion.parse(dir.getFileName().toString());
            } catch (IllegalArgumentException e) {
                return; // not a release directory this tool writes; its leftovers are stale
            }
            statement = manifest(version);
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

    /** Writes must never leave the tree: its directories may not be symbolic links (exit 3). */
    private void requireRealDirectory(Path dir) throws CommandFailedException {
        Optional<String> problem = ReleaseTree.notARealDirectory(dir);
        if (problem.isPresent()) {
            throw CommandFailedException.input(relative(dir) + " in release tree " + tree.root() + " "
                    + problem.get() + "; the tree must consist of real directories so that nothing is written "
                    + "outside it");
        }
    }

    /** The channel's current statement as the keyring judges it now (exit 3 when it cannot be read). */
    TreeStatement channel(String channel) throws CommandFailedException {
        requireRealDirectory(tree.channelDir(channel));
        try {
            return tree.readChannel(channel, keyring, now);
        } catch (IOException e) {
            throw CommandFailedException.input("cannot read " + relative(tree.statement(channel)) + ": " + e.getMessage());
        }
    }

    /** The manifest of release {@code version} as the keyring judges it now (exit 3 when it cannot be read). */
    TreeStatement manifest(SemanticVersion version) throws CommandFailedException {
        requireRealDirectory(tree.releaseDir(version));
        try {
            return tree.readManifest(version, keyring, now);
        } catch (IOException e) {
            throw CommandFailedException.input("cannot read " + relative(tree.manifest(version)) + ": " + e.getMessage());
        }
    }

    /**
     * Writes, in one transaction, the channel's new statement and its signature; with
     * {@code newRelease}, the same pair first as the release's immutable manifest (what the
     * channel's statement refers to is in place before it); and the tree's keyring copy when it
     * differs from {@code keyringBytes}. Then removes the stale leftovers.
     *
     * @return the files written
     */
    List<Path> write(String channel, ReleaseStatement statement, byte[] bytes, byte[] signature, boolean newRelease,
                     byte[] keyringBytes) throws CommandFailedException {
        TreeTransaction transaction = new TreeTransaction();
        Path manifest = tree.manifest(statement.version());
        if (newRelease) {
            // The release's first statement is also its immutable record: same bytes, same signature.
            transaction.put(manifest, bytes).put(ReleaseTree.signatureOf(manifest), signature);
        }
        Path latest = tree.statement(channel);
        transaction.put(latest, bytes).put(ReleaseTree.signatureOf(latest), signature);
        if (!keyringCopyIsCurrent(keyringBytes)) {
            transaction.put(tree.keyring(), keyringBytes);
        }
        TreeTransaction.Committed committed = commit(transaction);
        removeStaleLeftovers();
        return committed.written();
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

    private void removeStaleLeftovers() {
        Leftovers.Result result = Leftovers.remove(staleLeftovers);
        for (Path removed : result.removed()) {
            ctx.err().println("warning: removed " + relative(removed) + ", left behind by an interrupted run");
        }
        result.failed().forEach((file, reason) -> ctx.err().println("warning: cannot remove " + relative(file)
                + ", left behind by an interrupted run (" + reason + ")"));
    }

    private boolean keyringCopyIsCurrent(byte[] keyringBytes) throws CommandFailedException {
        try {
            Optional<byte[]> copy = ReleaseTree.readBounded(tree.keyring(), TrustedKeyring.MAX_KEYRING_BYTES);
            return copy.isPresent() && Arrays.equals(copy.get(), keyringBytes);
        } catch (IOException e) {
            throw CommandFailedException.input("cannot read " + tree.keyring() + ": " + e.getMessage());
        }
    }

    /** {@code file} as messages name it: relative to the tree's root. */
    String relative(Path file) {
        return file == null ? "the release tree" : tree.root().relativize(file).toString();
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
