package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.release.Names;
import com.seglamater.hivemind.model.release.ReleaseStatement;
import com.seglamater.hivemind.model.version.SemanticVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.concurrent.Callable;

import static com.seglamater.hivemind.signer.cli.PublishCommand.usage;

/** {@code promote}: publish a release that one channel carries to another channel. */
@Command(name = "promote",
        description = {"Publish an already published release to another channel (canary -> beta -> stable).",
                "The release is taken from releases/VERSION/manifest.json, which must verify; VERSION defaults "
                        + "to the current release of the --from channel."})
public final class PromoteCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    private final Context ctx;

    @Mixin
    TreeSigningOptions tree;

    @Option(names = "--from", required = true, paramLabel = "CHANNEL", description = "Channel to take the release from.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "CHANNEL", description = "Channel to publish it to.")
    String to;

    @Option(names = "--version", paramLabel = "V", description = "Release to promote (default: current of --from).")
    String version;

    @Option(names = "--allow-downgrade", description = "Allow a version older than the target channel's current one.")
    boolean allowDowngrade;

    @Option(names = "--allow-untrusted-current",
            description = "Replace a target latest.json whose signature is fine but whose key is no longer trusted "
                    + "(revoked, expired or removed from the keyring). Never replaces a damaged one.")
    boolean allowUntrustedCurrent;

    public PromoteCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        String source = usage(() -> Names.requireChannel(from));
        String target = usage(() -> Names.requireChannel(to));
        if (source.equals(target)) {
            throw CommandFailedException.usage("--from and --to are both '" + source + "'; use refresh to re-sign a channel");
        }
        SemanticVersion requested = version == null ? null : PublishCommand.releaseVersion("--version", version);
        try (ChannelPublisher publisher = ChannelPublisher.open(ctx, tree)) {
            SemanticVersion v = requested != null ? requested : publisher.requireTrusted(source).version();
            ReleaseStatement manifest = publisher.requireManifest(v);
            Instant now = publisher.now();
            Instant expires = publisher.expires();
            publisher.publish(target, sequence -> manifest.republish(target, sequence, now, expires),
                    allowDowngrade, allowUntrustedCurrent);
        }
        return ExitCode.OK;
    }
}
