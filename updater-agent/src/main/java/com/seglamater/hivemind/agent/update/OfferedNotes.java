package com.seglamater.hivemind.agent.update;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The notes of the release the channel offers, as its verified statement gives them, for the
 * status reports ({@code AgentStatus.availableNotes}), which the server's dashboard shows beside
 * the available release. Kept in memory only, so that {@code state.json} stays as older agents
 * read it (a rollback may start one on it); the first check of every process fetches and
 * verifies the statement afresh, which brings them back after a restart.
 */
public final class OfferedNotes {

    private record Offer(String version, Optional<String> notes) {
    }

    private final AtomicReference<Offer> offer = new AtomicReference<>();

    void remember(String version, Optional<String> notes) {
        offer.set(new Offer(version, notes));
    }

    /** The notes of {@code version}, if the last statement verified names that release and has notes. */
    public Optional<String> of(String version) {
        Offer last = offer.get();
        return last != null && last.version().equals(version) ? last.notes() : Optional.empty();
    }
}
