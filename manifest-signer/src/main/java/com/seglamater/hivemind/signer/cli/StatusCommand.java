package com.seglamater.hivemind.signer.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.seglamater.hivemind.model.config.Durations;
import com.seglamater.hivemind.model.pgp.SignatureProblem;
import com.seglamater.hivemind.model.pgp.TrustedKeyring;
import com.seglamater.hivemind.model.pgp.ValidSignature;
import com.seglamater.hivemind.model.release.ReleaseStatement;
import com.seglamater.hivemind.signer.tree.ReleaseTree;
import com.seglamater.hivemind.signer.tree.TreeStatement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.Locale;

/** {@code status}: what every channel of a release tree carries and whether agents will accept it. */
@Command(name = "status",
        description = {"Show every channel of a release tree: version, sequence, dates, time left and signatures.",
                "Exit 4 when a channel does not verify, else 7 when one has expired or expires within "
                        + "--warn-within (an alert: run refresh), else 0."})
public final class StatusCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    /** The state of one channel, worst first. */
    enum State {
        UNTRUSTED("does not verify"), EXPIRED("EXPIRED"), EXPIRING("expires soon"), OK("ok"),
        NO_RELEASE("no release yet");

        final String label;

        State(String label) {
            this.label = label;
        }
    }

    /**
     * @param keyExpiry when a key behind the valid signatures expires before the statement does
     * @param cause     why an untrusted statement does not verify
     */
    record ChannelStatus(String channel, State state, Optional<ReleaseStatement> statement,
                         List<ValidSignature> signers, Optional<String> problem, Optional<KeyExpiry> keyExpiry,
                         Optional<TreeStatement.Cause> cause) {

        /** When agents stop accepting the statement: its own expiry, or a key's, whichever comes first. */
        Optional<Instant> effectiveExpires() {
            return statement.map(s -> keyExpiry.map(KeyExpiry::at).orElse(s.expires()));
        }
    }

    private final Context ctx;

    @Option(names = "--tree", required = true, paramLabel = "DIR", description = "Root of the release tree.")
    Path treeDir;

    @Option(names = "--keyring", paramLabel = "FILE",
            description = "Keyring agents trust (default: DIR/keys/release-keys.asc).")
    Path keyringFile;

    @Option(names = "--warn-within", paramLabel = "DURATION", defaultValue = "7d",
            converter = DurationConverter.class,
            description = "Warn about channels that expire within DURATION (default 7d).")
    Duration warnWithin;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    public StatusCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        ReleaseTree tree = new ReleaseTree(treeDir);
        if (!Files.isDirectory(tree.root())) {
            throw CommandFailedException.input("release tree " + treeDir + " is not a directory");
        }
        Path keyringPath = keyringFile != null ? keyringFile : tree.keyring();
        if (keyringFile == null && !Files.exists(keyringPath)) {
            throw CommandFailedException.input("the tree has no keyring at " + keyringPath
                    + ": pass --keyring FILE (the keyring agents trust)");
        }
        TrustedKeyring keyring = Inputs.keyring(keyringPath);
        Instant now = ctx.now();
        List<ChannelStatus> channels = new ArrayList<>();
        try {
            for (String channel : tree.channels()) {
                channels.add(status(channel, tree.readChannel(channel, keyring, now), keyring, now));
            }
        } catch (IOException e) {
            throw CommandFailedException.input("cannot read the release tree: " + e.getMessage());
        }
        int exit = exitCode(channels);
        if (json) {
            ctx.out().println(Json.write(json(channels, now, exit)));
        } else {
            print(channels, now);
        }
        for (ChannelStatus c : channels) {
            if (c.keyExpiry().isPresent() && (c.state() == State.EXPIRED || c.state() == State.EXPIRING)) {
                KeyExpiry key = c.keyExpiry().get();
                ctx.err().println("WARNING: channel " + c.channel() + " stops verifying at " + key.at() + ", when key "
                        + key.fingerprint() + " expires (before the statement itself, at "
                        + c.statement().orElseThrow().expires() + "): extend the key and ship the keyring, "
                        + "or refresh the channel with another key");
            } else if (c.state() == State.EXPIRED || c.state() == State.EXPIRING) {
                ctx.err().println("WARNING: channel " + c.channel() + (c.state() == State.EXPIRED ? " has expired at "
                        : " expires at ") + c.statement().orElseThrow().expires()
                        + ": run 'manifest-signer refresh --channel " + c.channel() + "'");
            } else if (c.state() == State.UNTRUSTED) {
                ctx.err().println("ERROR: channel " + c.channel() + " does not verify: " + c.problem().orElse("")
                        + " (" + advice(c.cause().orElseThrow()) + ")");
            }
        }
        return exit;
    }

    private static String advice(TreeStatement.Cause cause) {
        return switch (cause) {
            case DAMAGED -> "tampered with or damaged: restore it from a backup";
            case MISSING -> "the channel has history: restore latest.json from a backup";
            case KEY_NOT_TRUSTED -> "its key is no longer trusted: re-sign it with a trusted key, "
                    + "e.g. refresh --allow-untrusted-current";
        };
    }

    private static String cause(TreeStatement.Cause cause) {
        return switch (cause) {
            case DAMAGED -> "damaged";
            case MISSING -> "missing";
            case KEY_NOT_TRUSTED -> "key-not-trusted";
        };
    }

    private ChannelStatus status(String channel, TreeStatement statement, TrustedKeyring keyring, Instant now) {
        return switch (statement) {
            case TreeStatement.Absent a -> new ChannelStatus(channel, State.NO_RELEASE, Optional.empty(), List.of(),
                    Optional.empty(), Optional.empty(), Optional.empty());
            case TreeStatement.Untrusted u -> new ChannelStatus(channel, State.UNTRUSTED, u.statement(), List.of(),
                    Optional.of(u.reason()), Optional.empty(), Optional.of(u.cause()));
            case TreeStatement.Trusted t -> {
                // The earliest of the statement's expiry and every key expiry behind it (the conservative
                // view: an agent may require more than one signature).
                Optional<KeyExpiry> keyExpiry = KeyExpiry.ofSigners(t.signatures().valid(), keyring)
                        .filter(k -> k.at().isBefore(t.statement().expires()));
                Instant expires = keyExpiry.map(KeyExpiry::at).orElse(t.statement().expires());
                State state = !now.isBefore(expires) ? State.EXPIRED
                        : !now.plus(warnWithin).isBefore(expires) ? State.EXPIRING : State.OK;
                Optional<String> problems = t.signatures().problems().isEmpty() ? Optional.empty()
                        : Optional.of(String.join("; ", t.signatures().problems().stream()
                        .map(SignatureProblem::describe).toList()));
                yield new ChannelStatus(channel, state, Optional.of(t.statement()), t.signatures().valid(), problems,
                        keyExpiry, Optional.empty());
            }
        };
    }

    static int exitCode(List<ChannelStatus> channels) {
        if (channels.stream().anyMatch(c -> c.state() == State.UNTRUSTED)) {
            return ExitCode.VERIFICATION;
        }
        if (channels.stream().anyMatch(c -> c.state() == State.EXPIRED || c.state() == State.EXPIRING)) {
            return ExitCode.CHANNEL_EXPIRING;
        }
        return ExitCode.OK;
    }

    private void print(List<ChannelStatus> channels, Instant now) {
        if (channels.isEmpty()) {
            ctx.out().println("no channels under " + treeDir.resolve(ReleaseTree.CHANNELS));
        }
        for (ChannelStatus c : channels) {
            ctx.out().println(c.channel() + ": " + c.state().label);
            c.statement().ifPresent(s -> {
                ctx.out().println("  version:   " + s.version() + (c.state() == State.UNTRUSTED ? " (unverified)" : ""));
                ctx.out().println("  sequence:  " + s.sequence());
                ctx.out().println("  published: " + s.published());
                ctx.out().println("  expires:   " + s.expires() + (c.keyExpiry().isPresent() ? ""
                        : " (" + timeLeft(now, s.expires()) + ")"));
            });
            c.keyExpiry().ifPresent(k -> ctx.out().println("  key expires: " + k.at() + " (" + timeLeft(now, k.at())
                    + "; key " + k.fingerprint() + ", before the statement: it stops verifying then)"));
            for (ValidSignature v : c.signers()) {
                ctx.out().println("  signed by: " + v.certificate() + " (" + v.signer() + ")");
            }
            c.problem().ifPresent(p -> ctx.out().println("  problem:   " + p));
        }
    }

    static String timeLeft(Instant now, Instant expires) {
        Duration left = Duration.between(now, expires);
        return left.isNegative() || left.isZero() ? "expired " + Durations.describe(left) + " ago"
                : Durations.describe(left) + " left";
    }

    private ObjectNode json(List<ChannelStatus> channels, Instant now, int exit) {
        ObjectNode root = Json.object();
        root.put("now", now.toString());
        root.put("exitCode", exit);
        ArrayNode list = root.putArray("channels");
        for (ChannelStatus c : channels) {
            ObjectNode o = list.addObject();
            o.put("channel", c.channel());
            o.put("state", c.state().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            c.statement().ifPresent(s -> {
                o.put("version", s.version().toString());
                o.put("sequence", s.sequence());
                o.put("published", s.published().toString());
                o.put("expires", s.expires().toString());
            });
            if (c.state() != State.UNTRUSTED) {
                // An unverified statement's dates prove nothing: a monitor must not read them as time left.
                c.effectiveExpires().ifPresent(e -> {
                    o.put("effectiveExpires", e.toString());
                    o.put("secondsLeft", Duration.between(now, e).getSeconds());
                });
            }
            c.keyExpiry().ifPresent(k -> o.put("expiringKey", k.fingerprint()));
            c.cause().ifPresent(cause -> o.put("cause", cause(cause)));
            ArrayNode signers = o.putArray("signers");
            for (ValidSignature v : c.signers()) {
                ObjectNode s = signers.addObject();
                s.put("certificate", v.certificate());
                s.put("signingKey", v.signingKey());
                s.put("userId", v.signer());
            }
            c.problem().ifPresent(p -> o.put("problem", p));
        }
        return root;
    }
}
