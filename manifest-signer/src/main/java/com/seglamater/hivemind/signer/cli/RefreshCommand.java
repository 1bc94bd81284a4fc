package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.release.Names;
import com.seglamater.hivemind.model.release.ReleaseStatement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.concurrent.Callable;

import static com.seglamater.hivemind.signer.cli.PublishCommand.usage;

/** {@code refresh}: re-sign a channel's current release so agents keep trusting it. */
@Command(name = "refresh",
        description = {"Re-sign the current release of a channel with the next sequence and a new expiry.",
                "The current statement must verify; it may have expired (that is what refresh is for). "
                        + "With --allow-untrusted-current, one whose key is no longer trusted is re-signed too.",
                "Run it on a schedule, well within --expires-in."})
public final class RefreshCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    private final Context ctx;

    @Mixin
    TreeSigningOptions tree;

    @Option(names = "--channel", required = true, paramLabel = "NAME", description = "Channel to refresh.")
    String channel;

    @Option(names = "--allow-untrusted-current",
            description = "Re-sign a current latest.json whose signature is fine but whose key is no longer trusted "
                    + "(revoked, expired or removed from the keyring). Never re-signs a damaged one.")
    boolean allowUntrustedCurrent;

    public RefreshCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        String ch = usage(() -> Names.requireChannel(channel));
        try (ChannelPublisher publisher = ChannelPublisher.open(ctx, tree)) {
            ReleaseStatement current = publisher.currentRelease(ch, allowUntrustedCurrent);
            Instant now = publisher.now();
            Instant expires = publisher.expires();
            // Same version, so the downgrade check does not apply.
            publisher.publish(ch, sequence -> current.republish(ch, sequence, now, expires), false,
                    allowUntrustedCurrent);
        }
        return ExitCode.OK;
    }
}
