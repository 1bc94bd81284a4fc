package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.release.ReleaseStatement;
import com.seglamater.hivemind.model.verify.StatementVerifier;
import com.seglamater.hivemind.model.verify.TrustedState;
import com.seglamater.hivemind.signer.tree.ReleaseTree;
import com.seglamater.hivemind.signer.tree.TreeStatement;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * A channel's current state, as the next statement on it must continue it, and the rules for a
 * current statement that does not verify.
 *
 * <p>Only a statement whose signature is fine but whose key is no longer trusted (revoked,
 * expired, removed from the keyring) may be replaced, and only on request
 * ({@code --allow-untrusted-current}): its sequence is believable, so the channel continues after
 * it and agents see no rollback. A damaged statement proves nothing, not even its sequence; only
 * a backup helps.
 *
 * @param state     what an agent that accepted the current statement has trusted
 * @param statement the current statement, when there is one (unauthenticated when untrusted)
 * @param warning   what to say before signing when an untrusted statement is replaced
 */
record ChannelState(TrustedState state, Optional<ReleaseStatement> statement, Optional<String> warning) {

    /**
     * @param found the channel's {@code latest.json} as read
     * @param name  how to name a tree path in messages
     * @throws CommandFailedException exit 4 when the statement does not verify and may not be replaced
     */
    static ChannelState of(String channel, TreeStatement found, boolean allowUntrustedCurrent,
                           Function<Path, String> name) throws CommandFailedException {
        return switch (found) {
            case TreeStatement.Absent a -> new ChannelState(TrustedState.initial(channel, Optional.empty()),
                    Optional.empty(), Optional.empty());
            case TreeStatement.Trusted t -> new ChannelState(new TrustedState(channel, t.statement().sequence(),
                    Optional.of(StatementVerifier.sha256(t.bytes())), Optional.empty()), Optional.of(t.statement()),
                    Optional.empty());
            case TreeStatement.Untrusted u -> {
                if (u.damaged() || !allowUntrustedCurrent) {
                    throw rejected(u, true, name);
                }
                ReleaseStatement parsed = u.statement().orElseThrow(() -> rejected(u, true, name));
                yield new ChannelState(new TrustedState(channel, parsed.sequence(),
                        Optional.of(StatementVerifier.sha256(u.bytes())), Optional.empty()), Optional.of(parsed),
                        Optional.of("WARNING: replacing " + name.apply(u.file()) + ", which does NOT verify ("
                                + u.reason() + "); continuing after its sequence " + parsed.sequence()
                                + " because --allow-untrusted-current was given"));
            }
        };
    }

    /**
     * Why an untrusted statement stops the command (exit 4), with what the release team can do.
     *
     * @param replaceable whether {@code --allow-untrusted-current} could replace it (the target
     *                    channel of publish, promote or refresh; not a source channel or a manifest)
     */
    static CommandFailedException rejected(TreeStatement.Untrusted u, boolean replaceable,
                                           Function<Path, String> name) {
        String file = name.apply(u.file());
        return CommandFailedException.verification(switch (u.cause()) {
            case MISSING -> file + " is missing but its signature exists: "
                    + (u.file().getFileName().toString().equals(ReleaseTree.STATEMENT) ? "the channel has history"
                    : "the release was published") + "; restore " + u.file().getFileName();
            case DAMAGED -> file + " does not verify: " + u.reason() + ". Its content cannot be trusted "
                    + "(tampered with or damaged): restore it from a backup";
            case KEY_NOT_TRUSTED -> file + " does not verify: " + u.reason() + (replaceable
                    ? ". If its key was revoked or removed on purpose, replace it with --allow-untrusted-current"
                    : "");
        });
    }

    /** A statement at the largest sequence cannot be followed: say so (exit 5) instead of failing to build one. */
    void requireSequenceLeft(String channel, String file) throws CommandFailedException {
        if (state.sequence() >= ReleaseStatement.MAX_SEQUENCE) {
            throw CommandFailedException.refused(file + " has sequence " + state.sequence()
                    + ", the largest a statement may carry (2^53), so no statement can follow it on channel "
                    + channel + ": agents that accepted it refuse every lower sequence; publish to a new channel");
        }
    }
}
