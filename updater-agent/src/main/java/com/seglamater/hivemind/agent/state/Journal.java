package com.seglamater.hivemind.agent.state;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The plan of the update in progress and how far it got ({@code journal.json}, written
 * atomically before every step), so that an agent that dies at any step resumes or rolls back
 * on its next start. There is at most one; it is removed when the update ends either way.
 *
 * @param id           unique per update; report ids derive from it
 * @param kind         an update to a channel's release, or an operator's rollback to the previous one
 * @param step         the step reached (the work of that step may or may not have happened)
 * @param channel      the channel the release came from
 * @param sequence     the statement's sequence (for {@link FailedRelease})
 * @param from         the release that ran before, if known
 * @param to           the release being installed
 * @param services     the services to recreate, in order, the updater last if it changes
 * @param restarted    how many of {@code services} were recreated (the next one may be half done)
 * @param backup       the dump taken before anything changed
 * @param schemaBefore the database schema's version before anything changed
 * @param failure      why it is rolling back
 * @param startedAt    when the update began
 * @param previousPins the pins file's content before the update, for a stack whose release the
 *                     agent did not know yet (its first update): what a rollback puts back
 */
public record Journal(String id, Kind kind, Step step, String channel, long sequence, Optional<Release> from,
                      Release to, List<String> services, int restarted, Optional<String> backup,
                      Optional<String> schemaBefore, Optional<String> failure, Instant startedAt,
                      Map<String, String> previousPins) {

    public enum Kind { UPDATE, ROLLBACK }

    /** In order; a crash leaves the journal at the step that was about to run or running. */
    public enum Step {
        /** Planned, nothing done: on restart the update is dropped (and retried by the next check). */
        PLANNED,
        /** Database dumped; the stack is untouched. */
        BACKED_UP,
        /** The pins file names the new images. */
        PINNED,
        /** The new images are present. */
        PULLED,
        /** Recreating {@code services} one at a time; {@code restarted} of them are done. */
        RESTARTING,
        /** Everything but the updater runs the new release; a one-off updater replaces the sidecar. */
        HANDOFF,
        /** Going back to {@code from}. */
        ROLLING_BACK,
        /** Going back failed: the stack needs an operator. Nothing is applied until one acts. */
        ROLLBACK_FAILED
    }

    public Journal {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        services = List.copyOf(services);
        if (restarted < 0 || restarted > services.size()) {
            throw new IllegalArgumentException("restarted " + restarted + " is outside 0.." + services.size());
        }
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(schemaBefore, "schemaBefore");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(startedAt, "startedAt");
        previousPins = Map.copyOf(previousPins);
    }

    public Journal at(Step next) {
        return new Journal(id, kind, next, channel, sequence, from, to, services, restarted, backup, schemaBefore,
                failure, startedAt, previousPins);
    }

    public Journal withRestarted(int count) {
        return new Journal(id, kind, step, channel, sequence, from, to, services, count, backup, schemaBefore,
                failure, startedAt, previousPins);
    }

    public Journal withBackup(Optional<String> dump, Optional<String> schema) {
        return new Journal(id, kind, step, channel, sequence, from, to, services, restarted, dump, schema,
                failure, startedAt, previousPins);
    }

    public Journal rollingBack(String reason) {
        return new Journal(id, kind, Step.ROLLING_BACK, channel, sequence, from, to, services, restarted, backup,
                schemaBefore, Optional.of(reason), startedAt, previousPins);
    }

    /** Images the stack had before: the release before, or what was pinned before the first update. */
    public Map<String, String> fromImages() {
        return from.map(Release::images).orElse(previousPins);
    }
}
