package com.seglamater.hivemind.agent.daemon;

import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.Release;
import com.seglamater.hivemind.agent.state.StateException;
import com.seglamater.hivemind.model.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daemon's shutdown hook says what it does: it waits within its bound for the work under
 * way, and when it returns first, the log names what was cut and where the journal leaves it.
 */
@Timeout(60)
class ShutdownTest {

    private static final Duration NO_WAIT = Duration.ZERO;
    /** Long enough never to be reached: the tests that use it end by a condition, not by the clock. */
    private static final Duration UNBOUNDED = Duration.ofMinutes(5);

    private final AtomicBoolean loopStopped = new AtomicBoolean();
    private LogCapture log;

    @BeforeEach
    void capture() {
        log = LogCapture.of(Shutdown.class);
    }

    @AfterEach
    void release() {
        log.close();
    }

    private List<String> messages(Level level) {
        return log.messages(level);
    }

    private static Journal journal(Journal.Step step, int restarted) {
        Release from = new Release("1.0.0", Map.of(), Optional.empty(), Optional.empty());
        Release to = new Release("1.1.0", Map.of(), Optional.empty(), Optional.empty());
        return new Journal("j", Journal.Kind.UPDATE, step, "canary", 7, Optional.of(from), to,
                List.of("hivemind-db", "hivemind-server"), restarted, Optional.empty(), Optional.empty(),
                Optional.empty(), Instant.parse("2026-11-20T08:00:00Z"), Map.of());
    }

    @Test
    void theStopSaysHowLongItWaitsAndNotThatTheStepFinishesFirst() {
        Shutdown shutdown = new Shutdown(() -> loopStopped.set(true), Optional::empty, Shutdown.WAIT);
        shutdown.done();

        shutdown.run();

        assertThat(loopStopped).isTrue();
        assertThat(messages(Level.INFO)).first().asString()
                .contains("waiting up to 8 s").contains("cut").doesNotContain("finishes first");
        assertThat(messages(Level.INFO)).last().isEqualTo("stopped");
        assertThat(messages(Level.WARNING)).isEmpty();
    }

    @Test
    void anOperationThatEndsWithinTheWaitEndsBeforeTheHookReturns() throws Exception {
        Shutdown[] hook = new Shutdown[1];
        // The worker ends its operation once the loop is told to stop, on its own thread, later.
        hook[0] = new Shutdown(() -> Thread.ofPlatform().start(() -> {
            loopStopped.set(true);
            hook[0].delivering();
            hook[0].done();
        }), () -> Optional.of(journal(Journal.Step.PULLED, 0)), UNBOUNDED);

        hook[0].run();

        assertThat(loopStopped).isTrue();
        assertThat(messages(Level.INFO)).last().isEqualTo("stopped");
        assertThat(messages(Level.WARNING)).isEmpty();
    }

    @Test
    void anUpdateStepStillRunningWhenTheWaitEndsIsCutAndTheLogSaysWhereTheJournalLeavesIt() {
        Shutdown shutdown = new Shutdown(() -> loopStopped.set(true),
                () -> Optional.of(journal(Journal.Step.RESTARTING, 1)), NO_WAIT);

        shutdown.run();

        assertThat(messages(Level.INFO)).doesNotContain("stopped");
        assertThat(messages(Level.WARNING)).singleElement().asString()
                .contains("the update to 1.1.0", "cut", "restarting (1 of 2 services restarted)",
                        "next start resumes or rolls back");
    }

    @Test
    void aCheckStillRunningWhenTheWaitEndsLeavesNothingToResume() {
        Shutdown shutdown = new Shutdown(() -> loopStopped.set(true), Optional::empty, NO_WAIT);

        shutdown.run();

        assertThat(messages(Level.WARNING)).singleElement().asString()
                .contains("before the operation in progress finished", "no update was under way");
    }

    @Test
    void reportsStillBeingDeliveredWhenTheWaitEndsStayQueued() {
        Shutdown shutdown = new Shutdown(() -> loopStopped.set(true),
                () -> Optional.of(journal(Journal.Step.PULLED, 0)), NO_WAIT);
        shutdown.delivering();

        shutdown.run();

        assertThat(messages(Level.WARNING)).singleElement().asString().contains("stay in outbox/");
    }

    @Test
    void aJournalThatCannotBeReadIsSaidSo() {
        Shutdown shutdown = new Shutdown(() -> loopStopped.set(true), () -> {
            throw new StateException("journal.json cannot be read (test)");
        }, NO_WAIT);

        shutdown.run();

        assertThat(messages(Level.WARNING)).singleElement().asString()
                .contains("journal cannot be read", "journal.json cannot be read (test)");
    }
}
