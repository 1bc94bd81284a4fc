package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.config.Durations;
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
import com.seglamater.hivemind.signer.tree.TreeStatement;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.LongFunction;
import java.util.stream.Collectors;

/**
 * The part publish, promote and refresh share: check the channel's current statement, keep
 * releases immutable, sign, verify the result exactly as an agent will, and have the
 * {@link LockedTree} write it in one transaction. Nothing in the tree changes unless every check
 * passed.
 */
final class ChannelPublisher implements AutoCloseable {

    private final Context ctx;
    private final TreeSigningOptions options;
    private final LockedTree tree;
    private final Path keyringFile;
    private final byte[] keyringBytes;
    private final TrustedKeyring keyring;
    private final SecretKey key;
    private final Instant now;

    private ChannelPublisher(Context ctx, TreeSigningOptions options, LockedTree tree, Path keyringFile,
                             byte[] keyringBytes, TrustedKeyring keyring, SecretKey key, Instant now) {
        this.ctx = ctx;
        this.options = options;
        this.tree = tree;
        this.keyringFile = keyringFile;
        this.keyringBytes = keyringBytes;
        this.keyring = keyring;
        this.key = key;
        this.now = now;
    }

    /**
     * Reads the keyring and the secret key and locks the tree ({@link LockedTree#lock}); fails
     * before anything is written.
     */
    static ChannelPublisher open(Context ctx, TreeSigningOptions options) throws CommandFailedException {
        ReleaseTree tree = LockedTree.requireDirectory(options.tree);
        byte[] keyringBytes = Inputs.read(options.keyring, "keyring", TrustedKeyring.MAX_KEYRING_BYTES);
        TrustedKeyring keyring = Inputs.keyring(options.keyring, keyringBytes);
        SecretKey key = Inputs.secretKey(options.secretKey);
        Instant now = ctx.now();
        try {
            key.signingKey(now);
        } catch (KeyException e) {
            throw CommandFailedException.keyUnusable(e.getMessage());
        }
        LockedTree locked = LockedTree.lock(ctx, tree, options.keyring, keyring, now);
        return new ChannelPublisher(ctx, options, locked, options.keyring, keyringBytes, keyring, key, now);
    }

    Instant now() {
        return now;
    }

    Instant expires() {
        return now.plus(options.expiresIn);
    }

    /** The trusted current statement of {@code channel}, or why there is none (exit 3 or 4). */
    ReleaseStatement requireTrusted(String channel) throws CommandFailedException {
        TreeStatement current = tree.channel(channel);
        return switch (current) {
            case TreeStatement.Trusted t -> t.statement();
            case TreeStatement.Absent a -> throw noRelease(channel, a);
            case TreeStatement.Untrusted u -> throw ChannelState.rejected(u, false, tree::relative);
        };
    }

    /**
     * The release {@code channel} carries now: its trusted statement or, with
     * {@code allowUntrustedCurrent}, one whose only problem is that its key is no longer trusted.
     */
    ReleaseStatement currentRelease(String channel, boolean allowUntrustedCurrent) throws CommandFailedException {
        TreeStatement current = tree.channel(channel);
        if (current instanceof TreeStatement.Absent a) {
            throw noRelease(channel, a);
        }
        return ChannelState.of(channel, current, allowUntrustedCurrent, tree::relative).statement().orElseThrow();
    }

    private CommandFailedException noRelease(String channel, TreeStatement.Absent absent) {
        return CommandFailedException.input("channel " + channel + " has no release yet (" + tree.relative(absent.file())
                + " does not exist)");
    }

    /** The trusted manifest of release {@code version} (exit 3 when absent, 4 when it does not verify). */
    ReleaseStatement requireManifest(SemanticVersion version)
            throws CommandFailedException {
        TreeStatement manifest = tree.manifest(version);
        return switch (manifest) {
            case TreeStatement.Trusted t -> t.statement();
            case TreeStatement.Absent a -> throw CommandFailedException.input("release " + version
                    + " was never published: " + tree.relative(a.file()) + " does not exist");
            case TreeStatement.Untrusted u -> throw ChannelState.rejected(u, false, tree::relative);
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
        TreeStatement found = tree.channel(channel);
        ChannelState current = ChannelState.of(channel, found, allowUntrustedCurrent, tree::relative);
        current.requireSequenceLeft(channel, tree.relative(found.file()));
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

        List<Path> written = tree.write(channel, statement, bytes, signature, newRelease, keyringBytes);
        report(statement, verified, written);
    }

    /**
     * releases/V/manifest.json is immutable: returns whether it must be written (absent), refuses
     * when it exists and describes another release (exit 5), and when it is damaged (exit 4): its
     * content proves nothing, so it can neither be compared with nor kept.
     */
    private boolean immutableRelease(ReleaseStatement statement) throws CommandFailedException {
        TreeStatement existing = tree.manifest(statement.version());
        Optional<ReleaseStatement> published = switch (existing) {
            case TreeStatement.Absent a -> Optional.empty();
            case TreeStatement.Trusted t -> Optional.of(t.statement());
            case TreeStatement.Untrusted u when u.cause() == TreeStatement.Cause.MISSING ->
                    throw CommandFailedException.verification(tree.relative(u.file()) + " is missing but its signature "
                            + "exists: the release was published; restore " + u.file().getFileName()
                            + " from a backup or publish a new version");
            case TreeStatement.Untrusted u when u.damaged() ->
                    throw CommandFailedException.verification(tree.relative(u.file()) + " does not match its signature: "
                            + "restore it from a backup or publish a new version (" + u.reason() + ")");
            case TreeStatement.Untrusted u -> {
                ctx.err().println("warning: " + tree.relative(u.file()) + " is signed only by keys this keyring no longer "
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
            ctx.out().println("wrote:     " + tree.relative(p));
        }
    }

    @Override
    public void close() throws CommandFailedException {
        tree.close();
    }
}
