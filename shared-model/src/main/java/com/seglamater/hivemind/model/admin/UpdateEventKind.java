package com.seglamater.hivemind.model.admin;

import com.seglamater.hivemind.model.release.Names;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What an {@link UpdateEvent} reports. On the wire it is its {@link #wireName()}, a string
 * ({@code "apply-started"}, {@code "restarted-hivemind-server"}, …; docs/updating.md lists them), so
 * the JSON of the admin socket is the same as when kinds were plain strings.
 *
 * <p>{@link #failure()} says whether the kind reports that an update, a rollback or a check did
 * not do what it was for: the server audits such events as failures. A name this version does not
 * know (an agent newer than the server) is read as {@link Unknown}, stored like any other, and
 * counts as a failure, so that an auditor looks at it rather than missing it.
 */
public sealed interface UpdateEventKind permits UpdateEventKind.Fixed, UpdateEventKind.Restarted,
        UpdateEventKind.Unknown {

    /** The name on the wire and in the server's history. */
    String wireName();

    /** Whether this event reports a failure (the server's audit outcome). */
    boolean failure();

    /** The kind named {@code wireName}; never fails, a name not known here is {@link Unknown}. */
    static UpdateEventKind of(String wireName) {
        return known(wireName).orElseGet(() -> new Unknown(wireName));
    }

    private static Optional<UpdateEventKind> known(String wireName) {
        Objects.requireNonNull(wireName, "wireName");
        Fixed fixed = Fixed.BY_NAME.get(wireName);
        if (fixed != null) {
            return Optional.of(fixed);
        }
        if (wireName.startsWith(Restarted.PREFIX)) {
            try {
                return Optional.of(new Restarted(wireName.substring(Restarted.PREFIX.length())));
            } catch (IllegalArgumentException notAService) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The kinds with a name of their own. */
    enum Fixed implements UpdateEventKind {
        /** A check found a release, or could not reach the release host. */
        CHECK("check", false),
        /** A check refused the channel's statement; the code is the verifier's. */
        REJECTED("rejected", true),
        /** An operator restored a database dump. */
        RESTORED("restored", false),
        /** An update began (journaled, nothing changed yet). */
        APPLY_STARTED("apply-started", false),
        /** An operator's rollback to the previous release began. */
        ROLLBACK_REQUESTED("rollback-requested", false),
        BACKED_UP("backed-up", false),
        PULLED("pulled", false),
        /** The database was restored as part of a rollback. */
        DATABASE_RESTORED("database-restored", false),
        /** Everything but the updater runs the new release; a one-off updater replaces the sidecar. */
        HANDOFF("handoff", false),
        /** The release (or, after an operator's rollback, the previous one) runs. */
        APPLIED("applied", false),
        /** An update stopped before it changed anything (its backup failed). */
        APPLY_STOPPED("apply-stopped", true),
        /** The agent stopped during an update before any service restarted; found at its next start. */
        APPLY_INTERRUPTED("apply-interrupted", true),
        /** An update failed and is being undone; the code says why. */
        ROLLBACK_STARTED("rollback-started", true),
        /** A failed update was undone but for the updater, which a one-off of the previous image replaces. */
        ROLLBACK_HANDOFF("rollback-handoff", true),
        /** A failed update was undone: the previous release runs again. */
        ROLLED_BACK("rolled-back", true),
        /** Undoing a failed update failed: the stack needs an operator. */
        ROLLBACK_FAILED("rollback-failed", true);

        private static final Map<String, Fixed> BY_NAME = Arrays.stream(values())
                .collect(Collectors.toUnmodifiableMap(Fixed::wireName, Function.identity()));

        private final String wireName;
        private final boolean failure;

        Fixed(String wireName, boolean failure) {
            this.wireName = wireName;
            this.failure = failure;
        }

        @Override
        public String wireName() {
            return wireName;
        }

        @Override
        public boolean failure() {
            return failure;
        }
    }

    /** A service was recreated and found healthy during an update or a rollback: {@code restarted-<service>}. */
    record Restarted(String service) implements UpdateEventKind {

        static final String PREFIX = "restarted-";

        public Restarted {
            Names.requireService(service);
        }

        @Override
        public String wireName() {
            return PREFIX + service;
        }

        @Override
        public boolean failure() {
            return false;
        }
    }

    /** A name this version does not know: kept verbatim, and a failure until a reader knows better. */
    record Unknown(String wireName) implements UpdateEventKind {

        public Unknown {
            if (known(wireName).isPresent()) {
                throw new IllegalArgumentException("'" + wireName + "' is a known kind");
            }
        }

        @Override
        public boolean failure() {
            return true;
        }
    }
}
