package com.seglamater.hivemind.agent.daemon;

import com.seglamater.hivemind.agent.state.Journal;
import com.seglamater.hivemind.agent.state.StateException;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * What a stop (SIGTERM: {@code docker stop}, {@code docker compose down}) does to the daemon, as
 * its shutdown hook. The JVM halts as soon as the hook returns, whatever the daemon's worker is
 * doing, so the hook asks the loop to stop, waits within {@link #WAIT} for the work under way
 * (the operation in progress, then the hand-over of the queued reports) and then says what it
 * did not wait for: an update step that was cut, with where the journal leaves it, or the reports
 * that stay queued. A step that ends within the wait ends; one that does not is cut, and the next
 * start resumes or rolls back the update from its journal.
 */
public final class Shutdown implements Runnable {

    /**
     * How long a stop waits for the work under way. Within {@code docker stop}'s default grace of
     * 10 s before it kills, so these last words are written (the stack's compose file gives the
     * updater 30 s).
     */
    public static final Duration WAIT = Duration.ofSeconds(8);

    private static final Logger LOG = Logger.getLogger(Shutdown.class.getName());

    /** Where the daemon is in stopping. */
    private enum Phase { WORKING, DELIVERING, DONE }

    /** Reads the journal of the update in progress, if any. */
    @FunctionalInterface
    public interface JournalReader {
        Optional<Journal> read() throws StateException;
    }

    private final Runnable stopLoop;
    private final JournalReader journal;
    private final Duration wait;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Phase phase = Phase.WORKING;

    /**
     * @param stopLoop asks the daemon's loop to stop ({@link Daemon#stop}); the operation in progress goes on
     * @param journal  the update in progress, for the message when it is cut
     */
    public Shutdown(Runnable stopLoop, JournalReader journal, Duration wait) {
        this.stopLoop = stopLoop;
        this.journal = journal;
        this.wait = wait;
    }

    /** The daemon's loop ended (no operation runs any more); the queued reports are being handed over. */
    public void delivering() {
        phase = Phase.DELIVERING;
    }

    /** Everything the daemon had to do is done: the hook may return at once. */
    public void done() {
        phase = Phase.DONE;
        done.countDown();
    }

    @Override
    public void run() {
        LOG.info(() -> "stopping: waiting up to " + wait.toSeconds() + " s for the operation in progress and the"
                + " reports queued; an update still running then is cut, and resumed or rolled back at the next start");
        stopLoop.run();
        boolean finished;
        try {
            finished = done.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (finished) {
            LOG.info("stopped");
            return;
        }
        LOG.warning(cut());
    }

    /** What the stop did not wait for. */
    private String cut() {
        if (phase == Phase.DELIVERING) {
            return "stopping before the queued reports were delivered: they stay in outbox/ for the next start";
        }
        Optional<Journal> open;
        try {
            open = journal.read();
        } catch (StateException e) {
            return "stopping before the operation in progress finished; its journal cannot be read ("
                    + e.getMessage() + "); the next start reads it again";
        }
        if (open.isEmpty()) {
            return "stopping before the operation in progress finished; no update was under way, nothing is left"
                    + " to resume";
        }
        Journal j = open.get();
        String step = j.step().name().toLowerCase(java.util.Locale.ROOT)
                + (j.step() == Journal.Step.RESTARTING ? " (" + j.restarted() + " of " + j.services().size()
                + " services restarted)" : "");
        String what = j.kind() == Journal.Kind.UPDATE ? "the update" : "the rollback";
        return "stopping in the middle of " + what + " to " + j.to().version() + ": the step under way is cut;"
                + " the journal records step " + step + ", from which the next start resumes or rolls back";
    }
}
