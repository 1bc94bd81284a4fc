package com.seglamater.hivemind.model.release;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;
import java.util.regex.Pattern;

/**
 * Validation of the names that appear in release statements and release-tree paths, and the
 * service names of the stack Hivemind ships.
 */
public final class Names {

    /*
     * The compose services of the shipped stack, as its compose file names them and as the
     * agent's HIVEMIND_SERVER_SERVICE, HIVEMIND_UPDATER_SERVICE and HIVEMIND_DB_SERVICE default to.
     * A release names its images by them: an agent refuses one that names a service its stack
     * does not have (unknown_service), and a published release cannot be changed afterwards.
     */
    public static final String SERVER_SERVICE = "hivemind-server";
    public static final String UPDATER_SERVICE = "hivemind-updater";
    public static final String DB_SERVICE = "hivemind-db";
    /** The three above, in that order. */
    public static final SequencedSet<String> SHIPPED_SERVICES = Collections.unmodifiableSequencedSet(
            new LinkedHashSet<>(List.of(SERVER_SERVICE, UPDATER_SERVICE, DB_SERVICE)));

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
