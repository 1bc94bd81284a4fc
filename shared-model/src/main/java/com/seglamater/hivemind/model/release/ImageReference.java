package com.seglamater.hivemind.model.release;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A container image pinned by digest: {@code registry[:port]/repository@sha256:<64 lowercase hex>}.
 *
 * <p>Tags are refused, also in the {@code repo:tag@digest} form, because a tag can be moved
 * after signing and the digest is what the signature vouches for. The registry must be named
 * explicitly (a host with a dot or a port, or {@code localhost}), so a short name can never
 * be resolved against a registry the release team did not mean.
 */
public record ImageReference(String registry, String repository, String digest) {

    public static final int MAX_LENGTH = 512;

    private static final Pattern REGISTRY = Pattern.compile(
            "(localhost|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+)(:(?<port1>[0-9]{1,5}))?"
                    + "|[a-z0-9]([a-z0-9-]*[a-z0-9])?:(?<port2>[0-9]{1,5})");
    /** Docker's limit on the length of a repository name, registry included. */
    private static final int MAX_NAME_LENGTH = 255;
    // Docker distribution grammar for path components.
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(digest, "digest");
        String text = registry + "/" + repository + "@" + digest;
        java.util.regex.Matcher host = REGISTRY.matcher(registry);
        if (!host.matches()) {
            throw new IllegalArgumentException("image '" + text + "' does not start with a registry host "
                    + "(a name with a dot or a port, or localhost): '" + registry + "'");
        }
        String port = host.group("port1") != null ? host.group("port1") : host.group("port2");
        if (port != null && (Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535)) {
            throw new IllegalArgumentException("image '" + text + "' names registry port " + port
                    + ", outside 1-65535");
        }
        if (registry.length() + 1 + repository.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("image '" + text + "' has a name longer than " + MAX_NAME_LENGTH
                    + " characters");
        }
        if (repository.isEmpty()) {
            throw new IllegalArgumentException("image '" + text + "' has an empty repository");
        }
        for (String component : repository.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("image '" + text + "' has an invalid repository path component '"
                        + component + "' (lowercase letters, digits and . _ - separators)");
            }
        }
        if (!DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("image '" + text + "' has digest '" + digest
                    + "': expected sha256: followed by 64 lowercase hex digits");
        }
    }

    /**
     * Parses a digest-pinned reference.
     *
     * @throws IllegalArgumentException naming what is wrong (tag, missing digest, bad registry…)
     */
    public static ImageReference parse(String text) {
        Objects.requireNonNull(text, "image reference");
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("image reference is longer than " + MAX_LENGTH + " characters");
        }
        int at = text.indexOf('@');
        if (at < 0) {
            String hint = lastPathPart(text).contains(":") ? " (tags are not allowed: pin the image by digest)" : "";
            throw new IllegalArgumentException("image '" + text + "' is not pinned by digest: expected "
                    + "registry/repository@sha256:<64 hex>" + hint);
        }
        String name = text.substring(0, at);
        String digest = text.substring(at + 1);
        if (lastPathPart(name).contains(":")) {
            throw new IllegalArgumentException("image '" + text
                    + "' names a tag as well as a digest: tags are not allowed, give only the digest");
        }
        int slash = name.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("image '" + text
                    + "' does not name a registry: expected registry/repository@sha256:…");
        }
        return new ImageReference(name.substring(0, slash), name.substring(slash + 1), digest);
    }

    private static String lastPathPart(String name) {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    /** The name without the digest, {@code registry/repository}. */
    public String name() {
        return registry + "/" + repository;
    }

    @Override
    public String toString() {
        return name() + "@" + digest;
    }
}
