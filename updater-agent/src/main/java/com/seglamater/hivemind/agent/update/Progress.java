package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.agent.ops.CheckOutcome;
import com.seglamater.hivemind.agent.server.Reporter;
import com.seglamater.hivemind.agent.state.AgentState;
import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.LastCheck;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.UpdateEvent;
import com.seglamater.hivemind.model.admin.UpdateEventKind;

import java.time.Clock;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Turns the agent's state into reports for the server: the status that replaces the last one,
 * and update events whose ids derive from the journal, so an event re-sent after a crash and
 * resume is stored once.
 */
public final class Progress {

    private static final Logger LOG = Logger.getLogger(Progress.class.getName());

    private final Reporter reporter;
    private final String channel;
    private final boolean approvalRequired;
    private final Clock clock;
    private final OfferedNotes notes;
    private final java.util.concurrent.atomic.AtomicLong repeats = new java.util.concurrent.atomic.AtomicLong();

    /** {@code notes}: those of the release the channel offers, kept by the {@link Checker}. */
    public Progress(Reporter reporter, String channel, boolean approvalRequired, Clock clock, OfferedNotes notes) {
        this.reporter = reporter;
        this.channel = channel;
        this.approvalRequired = approvalRequired;
        this.clock = clock;
        this.notes = notes;
    }

    public String channel() {
        return channel;
    }

    public void status(AgentState state, AgentStatus.State doing, Optional<String> step) {
        Optional<LastCheck> check = state.lastCheck();
        // A refused statement is the error operators need to see first (AgentStatus: the reason code in lastError).
        Optional<String> error = check.filter(c -> c.result() == CheckOutcome.REJECTED)
                .map(c -> c.code().orElse(CheckOutcome.REJECTED.wireName()) + ": " + c.message())
                .or(state::lastError);
        Optional<String> installed = state.installed().map(Release::version);
        // AgentStatus: availableVersion is a release other than the one installed. Once the check's
        // offer is installed it is no longer available; reported as such, the server would show the
        // running release as an update until the next poll.
        Optional<String> available = check.flatMap(LastCheck::availableVersion)
                .filter(v -> !installed.equals(Optional.of(v)));
        reporter.status(new AgentStatus(channel, installed, doing, step,
                check.map(LastCheck::at), check.map(c -> c.result().wireName()),
                available, available.flatMap(notes::of).map(Progress::bounded), approvalRequired,
                check.flatMap(LastCheck::warning),
                error.map(Progress::bounded), clock.instant()));
    }

    /** The admin socket takes text fields of up to 4096 characters. */
    static String bounded(String text) {
        return text.length() <= 4000 ? text : text.substring(0, 4000) + "…";
    }

    /** An event of the update {@code journal} describes; {@code kind} is unique within that update. */
    public void event(Journal journal, UpdateEventKind kind, Optional<String> code, String message) {
        LOG.info(() -> kind.wireName() + " " + journal.from().map(Release::version).orElse("?") + " -> " + journal.to().version()
                + ": " + message);
        // Events of a rollback can repeat within one update (a retried rollback, the same service
        // restored): each gets its own id so the server, which stores an id once, keeps them all.
        boolean repeatable = journal.step() == Journal.Step.ROLLING_BACK || journal.step() == Journal.Step.ROLLBACK_FAILED;
        String id = journal.id() + ":" + kind.wireName() + (repeatable ? ":" + clock.millis() + "-" + repeats.incrementAndGet() : "");
        reporter.event(new UpdateEvent(id, clock.instant(), kind,
                journal.from().map(Release::version), Optional.of(journal.to().version()), code, bounded(message)));
    }

    /** An event outside an update (a check, a refused statement, a backup); {@code id} must be unique. */
    public void event(String id, UpdateEventKind kind, Optional<String> from, Optional<String> to,
                      Optional<String> code, String message) {
        LOG.info(() -> kind.wireName() + ": " + message);
        reporter.event(new UpdateEvent(id, clock.instant(), kind, from, to, code, bounded(message)));
    }
}
