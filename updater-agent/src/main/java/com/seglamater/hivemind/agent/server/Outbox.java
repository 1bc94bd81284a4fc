package com.seglamater.hivemind.agent.server;

import com.seglamater.hivemind.agent.server.OutboxFiles.Queued;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.UpdateEvent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@link Reporter} that survives the server's restart (and the agent's): reports go to
 * {@code <dataDir>/}{@value #DIR} first and reach the server over a {@link ServerLink} when it
 * answers. {@link #status} and {@link #event} only touch memory and the local disk, so they
 * never wait for the network; they never throw either (a disk failure is logged and the report
 * is kept in memory, so it is still delivered unless the agent stops first).
 *
 * <ul>
 *   <li>Each event is one file, in the order the events were made ({@link OutboxFiles}). A file is
 *       deleted once the server has the event. A crash between the two sends the event again
 *       after the restart, which the server stores once (it keys events by {@link UpdateEvent#id()}).</li>
 *   <li>At most {@code capacity} events wait (default {@value #DEFAULT_CAPACITY}); when the queue
 *       is full the <em>oldest</em> is dropped, with a warning in the log, because the newest
 *       say more about the stack as it is now.</li>
 *   <li>Only the latest status waits ({@value #STATUS_FILE}): a newer one replaces one not yet
 *       delivered.</li>
 * </ul>
 *
 * {@link #deliver()} sends events in order, then the status, and stops at the first failure so
 * that order is kept; a report the server refuses for good ({@link ServerRefusedException#permanent()})
 * is dropped with a warning rather than blocking the queue forever. {@link #startDelivery()} runs
 * it in the background ({@link OutboxDelivery}). All methods are safe to call from any thread.
 */
public final class Outbox implements Reporter {

    public static final String DIR = "outbox";
    public static final String STATUS_FILE = "status.json";
    public static final int DEFAULT_CAPACITY = 1000;

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

    private final OutboxFiles files;
    private final ServerLink link;
    private final int capacity;
    /** Released by each report; the delivery loop waits on it. */
    private final Semaphore wake = new Semaphore(0);
    /** One delivery at a time, so that events leave in order even if two threads call {@link #deliver()}. */
    private final Object delivering = new Object();

    // Guarded by this; never held during a network call.
    private final ArrayDeque<Queued> events = new ArrayDeque<>();
    private long nextSequence;
    private AgentStatus status;
    private boolean serverDown;

    /** What one {@link #deliver()} did: reports delivered, and whether it stopped at a failure. */
    record Attempt(int delivered, boolean failed) {
    }

    public Outbox(Path dataDir, ServerLink link) {
        this(dataDir, link, DEFAULT_CAPACITY);
    }

    /** Loads what a previous run left in {@code <dataDir>/outbox}. */
    public Outbox(Path dataDir, ServerLink link, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.files = new OutboxFiles(dataDir.resolve(DIR));
        this.link = Objects.requireNonNull(link, "link");
        this.capacity = capacity;
        load();
    }

    @Override
    public void status(AgentStatus status) {
        Objects.requireNonNull(status, "status");
        synchronized (this) {
            this.status = status;
            files.writeStatus(status);
        }
        signal();
    }

    @Override
    public void event(UpdateEvent event) {
        Objects.requireNonNull(event, "event");
        synchronized (this) {
            if (events.size() >= capacity) {
                Queued dropped = events.removeFirst();
                files.deleteEvent(dropped);
                LOG.warning(() -> "report queue full (" + capacity + " events): dropped the oldest, " + describe(dropped.event()));
            }
            Queued queued = new Queued(nextSequence++, event);
            files.writeEvent(queued);
            events.addLast(queued);
        }
        signal();
    }

    /** Whether an event or a status waits for delivery. */
    public synchronized boolean pending() {
        return !events.isEmpty() || status != null;
    }

    public synchronized int queuedEvents() {
        return events.size();
    }

    /**
     * Sends what waits: the events oldest first, each deleted once the server has it, then the
     * status. Stops at the first failure, leaving it and everything after it queued.
     *
     * @return the number of reports (events and status) delivered
     */
    public int deliver() {
        return attempt().delivered();
    }

    /** {@link #deliver()}, saying whether it stopped at a failure (the delivery loop then backs off). */
    Attempt attempt() {
        synchronized (delivering) {
            int delivered = 0;
            for (Queued queued = first(); queued != null; queued = first()) {
                Queued next = queued;
                Optional<ServerUnavailableException> failure = send(() -> link.reportEvent(next.event()),
                        "event " + describe(next.event()));
                if (failure.isPresent() && !dropsForGood(failure.get())) {
                    return failed(delivered, failure.get());
                }
                remove(next);
                delivered += failure.isEmpty() ? 1 : 0;
            }
            AgentStatus latest;
            synchronized (this) {
                latest = status;
            }
            if (latest != null) {
                Optional<ServerUnavailableException> failure = send(() -> link.reportStatus(latest), "status");
                if (failure.isPresent() && !dropsForGood(failure.get())) {
                    return failed(delivered, failure.get());
                }
                clearStatus(latest);
                delivered += failure.isEmpty() ? 1 : 0;
            }
            recovered(delivered);
            return new Attempt(delivered, false);
        }
    }

    private interface Send {
        void run() throws ServerUnavailableException;
    }

    /** Empty when delivered; the failure otherwise (a bug below us counts as one, never escapes). */
    private static Optional<ServerUnavailableException> send(Send send, String what) {
        try {
            send.run();
            return Optional.empty();
        } catch (ServerUnavailableException e) {
            return Optional.of(e);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "delivering " + what + " failed unexpectedly", e);
            return Optional.of(new ServerUnavailableException("delivering " + what + " failed: " + e));
        }
    }

    /** A report the server will refuse every time would block the queue forever: drop it. */
    private static boolean dropsForGood(ServerUnavailableException failure) {
        if (failure instanceof ServerRefusedException refused && refused.permanent()) {
            LOG.warning(() -> "the server refused a report for good, so it is dropped: " + failure.getMessage());
            return true;
        }
        return false;
    }

    private Attempt failed(int delivered, ServerUnavailableException failure) {
        boolean first;
        int left;
        synchronized (this) {
            first = !serverDown;
            serverDown = true;
            left = events.size() + (status != null ? 1 : 0);
        }
        if (first) {
            LOG.info(() -> "reports wait for the server (" + left + " queued): " + failure.getMessage());
        } else {
            LOG.fine(() -> "reports still wait for the server: " + failure.getMessage());
        }
        return new Attempt(delivered, true);
    }

    private void recovered(int delivered) {
        boolean wasDown;
        synchronized (this) {
            wasDown = serverDown;
            serverDown = false;
        }
        if (wasDown) {
            LOG.info(() -> "the server answers again; " + delivered + " queued report(s) delivered");
        }
    }

    private synchronized Queued first() {
        return events.peekFirst();
    }

    /** {@code delivered} may already be gone: dropped from a full queue while it was being sent. */
    private synchronized void remove(Queued delivered) {
        if (events.peekFirst() == delivered) {
            events.removeFirst();
            files.deleteEvent(delivered);
        }
    }

    private synchronized void clearStatus(AgentStatus delivered) {
        if (status == delivered) {
            status = null;
            files.deleteStatus();
        }
    }

    /** Wakes the delivery loop; one wake-up is enough however many reports wait. */
    void signal() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** Waits as {@code pause} does for a report, or {@code wait}; the wake-ups of several reports are used up at once. */
    void awaitReport(OutboxDelivery.Pause pause, Duration wait) throws InterruptedException {
        if (pause.await(wake, wait)) {
            wake.drainPermits();
        }
    }

    /**
     * Starts a daemon thread that delivers as soon as a report is made and, while the server
     * does not answer, retries with backoff ({@link OutboxDelivery}). Close it to stop (what is
     * left stays on disk for the next start).
     */
    public OutboxDelivery startDelivery() {
        return new OutboxDelivery(this, OutboxDelivery.FIRST_RETRY, OutboxDelivery.MAX_RETRY, OutboxDelivery.Pause.REAL);
    }

    /** What an earlier run left; more than {@code capacity} events (a smaller bound now) lose the oldest. */
    private synchronized void load() {
        OutboxFiles.Left left = files.load();
        events.addAll(left.events());
        nextSequence = left.nextSequence();
        while (events.size() > capacity) {
            Queued dropped = events.removeFirst();
            files.deleteEvent(dropped);
            LOG.warning(() -> "report queue over its bound (" + capacity + " events): dropped the oldest, "
                    + describe(dropped.event()));
        }
        status = left.status().orElse(null);
    }

    private static String describe(UpdateEvent event) {
        return event.kind().wireName() + " (id " + AdminClient.oneLine(event.id()) + ")";
    }
}
