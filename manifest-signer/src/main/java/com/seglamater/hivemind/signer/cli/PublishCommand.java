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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code publish}: make a release the current one of a channel. */
@Command(name = "publish",
        description = {"Publish a release to a channel of a release tree: writes releases/VERSION/manifest.json(.asc) "
                + "(once; releases are immutable), channels/CHANNEL/latest.json(.asc) with the next sequence, and "
                + "keys/release-keys.asc, all or nothing.",
                "The new statement is verified exactly as agents will before anything is written.",
                "--image may only name the shipped stack's services unless --allow-service names another one."})
public final class PublishCommand implements Callable<Integer> {

    static final String IMAGE_EXAMPLE = Names.SERVER_SERVICE + "=registry.example.org/hivemind/server@sha256:<64 hex>";

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
            description = "Compose service of the shipped stack (" + Names.SERVER_SERVICE + ", " + Names.UPDATER_SERVICE
                    + ", " + Names.DB_SERVICE + ") and its image pinned by digest: " + IMAGE_EXAMPLE
                    + ". Repeat for each service.")
    List<String> images;

    @Option(names = "--allow-service", paramLabel = "NAME",
            description = "Also accept --image for service NAME, which the shipped stack does not have: for a stack "
                    + "of your own whose compose file has it (agents refuse a release naming a service their stack "
                    + "lacks, and a published release cannot be changed). Repeat for each such service.")
    List<String> allowedServices;

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
        Map<String, ImageReference> pinned = parseImages(images,
                allowedServices(allowedServices == null ? List.of() : allowedServices));
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

    /** The services {@code --image} may name: the shipped stack's and those of {@code --allow-service}. */
    static Set<String> allowedServices(List<String> extra) throws CommandFailedException {
        Set<String> allowed = new LinkedHashSet<>(Names.SHIPPED_SERVICES);
        for (String service : extra) {
            allowed.add(usage(() -> Names.requireService(service)));
        }
        return allowed;
    }

    static Map<String, ImageReference> parseImages(List<String> specs, Set<String> allowedServices)
            throws CommandFailedException {
        Map<String, ImageReference> images = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw CommandFailedException.usage("--image '" + spec + "' must be SERVICE=IMAGE, e.g. " + IMAGE_EXAMPLE);
            }
            String service = usage(() -> Names.requireService(spec.substring(0, eq)));
            if (!allowedServices.contains(service)) {
                throw CommandFailedException.usage(notInTheStack(service));
            }
            ImageReference image = usage(() -> ImageReference.parse(spec.substring(eq + 1)));
            if (images.put(service, image) != null) {
                throw CommandFailedException.usage("--image names service '" + service + "' twice");
            }
        }
        return images;
    }

    /**
     * Checked here because no later step can: the tree's own verification knows no stack, and
     * agents only refuse the release once it is published for good.
     */
    private static String notInTheStack(String service) {
        String guess = "hivemind-" + service;
        String hint = Names.SHIPPED_SERVICES.contains(guess) ? " (did you mean '" + guess + "'?)" : "";
        return "--image names service '" + service + "', which the shipped stack does not have" + hint
                + ": its services are " + String.join(", ", Names.SHIPPED_SERVICES)
                + ". Agents would refuse the release (unknown_service), and it could not be changed once published. "
                + "For a stack of your own that has this service, pass --allow-service " + service;
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
