package com.seglamater.hivemind.signer.cli;

import com.seglamater.hivemind.model.release.ImageReference;
import com.seglamater.hivemind.model.release.Names;
import com.seglamater.hivemind.model.release.ReleaseStatement;
import com.seglamater.hivemind.model.version.SemanticVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code publish}: make a release the current one of a channel. */
@Command(name = "publish",
        description = {"Publish a release to a channel of a release tree: writes releases/VERSION/manifest.json(.asc) "
                + "(once; releases are immutable), channels/CHANNEL/latest.json(.asc) with the next sequence, and "
                + "keys/release-keys.asc, all or nothing.",
                "The new statement is verified exactly as agents will before anything is written."})
public final class PublishCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    private final Context ctx;

    @Mixin
    TreeSigningOptions tree;

    @Option(names = "--channel", required = true, paramLabel = "NAME", description = "Channel, e.g. canary.")
    String channel;

    @Option(names = "--version", required = true, paramLabel = "V", description = "Semantic version, e.g. 0.1.7.")
    String version;

    @Option(names = "--image", required = true, paramLabel = "SERVICE=IMAGE",
            description = "Compose service and its image pinned by digest: "
                    + "server=registry.example.org/hivemind/server@sha256:<64 hex>. Repeat for each service.")
    List<String> images;

    @Option(names = "--minimum-version", paramLabel = "V",
            description = "Oldest installed version that may move to this one directly.")
    String minimumVersion;

    @Option(names = "--notes", paramLabel = "TEXT", description = "Short text or URL shown to operators.")
    String notes;

    @Option(names = "--allow-downgrade", description = "Allow a version older than the channel's current one.")
    boolean allowDowngrade;

    @Option(names = "--allow-untrusted-current",
            description = "Replace a current latest.json whose signature is fine but whose key is no longer trusted "
                    + "(revoked, expired or removed from the keyring). Never replaces a damaged one.")
    boolean allowUntrustedCurrent;

    public PublishCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        // Everything the user typed is checked before the tree is touched.
        String ch = usage(() -> Names.requireChannel(channel));
        SemanticVersion v = releaseVersion("--version", version);
        Optional<SemanticVersion> minimum = minimumVersion == null ? Optional.empty()
                : Optional.of(releaseVersion("--minimum-version", minimumVersion));
        Map<String, ImageReference> pinned = parseImages(images);
        Optional<String> text = Optional.ofNullable(notes);
        Instant now = ctx.now();
        Instant expires = now.plus(tree.expiresIn);
        usage(() -> new ReleaseStatement(ReleaseStatement.SCHEMA, ReleaseStatement.PRODUCT, ch, v, 1, now, expires,
                pinned, minimum, text));

        try (ChannelPublisher publisher = ChannelPublisher.open(ctx, tree)) {
            publisher.publish(ch, sequence -> new ReleaseStatement(ReleaseStatement.SCHEMA, ReleaseStatement.PRODUCT,
                    ch, v, sequence, now, expires, pinned, minimum, text), allowDowngrade, allowUntrustedCurrent);
        }
        return ExitCode.OK;
    }

    static Map<String, ImageReference> parseImages(List<String> specs) throws CommandFailedException {
        Map<String, ImageReference> images = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw CommandFailedException.usage("--image '" + spec + "' must be SERVICE=IMAGE, e.g. "
                        + "server=registry.example.org/hivemind/server@sha256:<64 hex>");
            }
            String service = usage(() -> Names.requireService(spec.substring(0, eq)));
            ImageReference image = usage(() -> ImageReference.parse(spec.substring(eq + 1)));
            if (images.put(service, image) != null) {
                throw CommandFailedException.usage("--image names service '" + service + "' twice");
            }
        }
        return images;
    }

    /**
     * A version the release team may publish: semantic, and without build metadata, which SemVer
     * leaves out of the ordering, so {@code 0.1.7+a} and {@code 0.1.7+b} would be two different
     * releases that agents cannot tell apart.
     */
    static SemanticVersion releaseVersion(String option, String text) throws CommandFailedException {
        SemanticVersion v = usage(() -> SemanticVersion.parse(text));
        if (!v.build().isEmpty()) {
            throw CommandFailedException.usage(option + " " + text + " has build metadata (+"
                    + String.join(".", v.build()) + "); release versions may not carry it, because versions that "
                    + "differ only in it are equal to agents: leave it out, or use a pre-release such as -rc.1");
        }
        return v;
    }

    interface Check<T> {
        T get();
    }

    /** Runs a validation that throws IllegalArgumentException; its message becomes a usage error. */
    static <T> T usage(Check<T> check) throws CommandFailedException {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw CommandFailedException.usage(e.getMessage());
        }
    }
}
