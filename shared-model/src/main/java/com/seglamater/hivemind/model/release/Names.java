package com.seglamater.hivemind.model.release;

import java.util.regex.Pattern;

/** Validation of the names that appear in release statements and release-tree paths. */
public final class Names {

    /** Channel names become path segments of the release tree, so they are kept plain. */
    private static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    /** Compose service names (compose-spec: {@code [a-zA-Z0-9][a-zA-Z0-9_.-]*}), bounded. */
    private static final Pattern SERVICE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");

    private Names() {
    }

    /**
     * @throws IllegalArgumentException when {@code channel} is not a valid channel name
     */
    public static String requireChannel(String channel) {
        if (channel == null || !CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("channel '" + channel
                    + "' is not valid: use 1-32 lowercase letters, digits or '-', starting with a letter (e.g. canary)");
        }
        return channel;
    }

    /**
     * @throws IllegalArgumentException when {@code service} is not a valid compose service name
     */
    public static String requireService(String service) {
        if (service == null || !SERVICE.matcher(service).matches()) {
            throw new IllegalArgumentException("service name '" + service
                    + "' is not a valid compose service name ([a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 63 characters)");
        }
        return service;
    }
}
