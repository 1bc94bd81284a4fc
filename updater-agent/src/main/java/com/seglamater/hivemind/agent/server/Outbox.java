package com.seglamater.hivemind.agent.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.model.admin.AdminJson;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.UpdateEvent;
import com.seglamater.hivemind.model.files.PrivateFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@link Reporter} that survives the server's restart (and the agent's): reports go to
 * {@code <dataDir>/}{@value #DIR} first and reach the server over a {@link ServerLink} when it
 * answers. {@link #status} and {@link #event} only touch memory and the local disk, so they
 * never wait for the network; they never throw either (a disk failure is logged and the report
 * is kept in memory, so it is still delivered unless the agent stops first).
 *
 * <ul>
 *   <li>Each event is one file, {@code <19-digit sequence>.json}, written atomically and 0600
 *       ({@link PrivateFile}), so the names sort in the order the events were made. A file is
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
 * it in the background. All methods are safe to call from any thread.
 */
public final class Outbox implements Reporter {

    public static final String DIR = "outbox";
    public static final String STATUS_FILE = "status.json";
    public static final int DEFAULT_CAPACITY = 1000;
    /** Backoff of the delivery loop while the server does not answer. */
    public static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    public static final Duration MAX_RETRY = Duration.ofSeconds(30);

    /** Our own files are small; a bigger one is not ours. */
    static final int MAX_FILE_BYTES = 1024 * 1024;
    /** With nothing to send the loop sleeps until a report wakes it, or this long. */
    static final Duration IDLE = Duration.ofMinutes(1);
    private static final Pattern EVENT_FILE = Pattern.compile("([0-9]{19})\\.json");
    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());

    private final Path dir;
    private final ServerLink link;
    private final int capacity;
    private final ObjectMapper json = AdminJson.mapper();
    /** Released by each report; the delivery loop waits on it. */
    private final Semaphore wake = new Semaphore(0);
    /** One delivery at a time, so that events leave in order even if two threads call {@link #deliver()}. */
    private final Object delivering = new Object();

    // Guarded by this; never held during a network call.
    private final ArrayDeque<Queued> events = new ArrayDeque<>();
    private long nextSequence;
    private AgentStatus status;
    private boolean serverDown;

    private record Queued(long sequence, UpdateEvent event) {
    }

    /** What one {@link #deliver()} did: reports delivered, and whether it stopped at a failure. */
    private record Attempt(int delivered, boolean failed) {
    }

    public Outbox(Path dataDir, ServerLink link) {
        this(dataDir, link, DEFAULT_CAPACITY);
    }

    /** Loads what a previous run left in {@code <dataDir>/outbox}. */
    public Outbox(Path dataDir, ServerLink link, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.dir = dataDir.resolve(DIR);
        this.link = Objects.requireNonNull(link, "link");
        this.capacity = capacity;
        load();
    }

    @Override
    public void status(AgentStatus status) {
        Objects.requireNonNull(status, "status");
        synchronized (this) {
            this.status = status;
            write(dir.resolve(STATUS_FILE), status);
        }
        signal();
    }

    @Override
    public void event(UpdateEvent event) {
        Objects.requireNonNull(event, "event");
        synchronized (this) {
            if (events.size() >= capacity) {
                Queued dropped = events.removeFirst();
                delete(dropped);
                LOG.warning(() -> "report queue full (" + capacity + " events): dropped the oldest, " + describe(dropped.event()));
            }
            Queued queued = new Queued(nextSequence++, event);
            write(file(queued), event);
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

    private Attempt attempt() {
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
            delete(delivered);
        }
    }

    private synchronized void clearStatus(AgentStatus delivered) {
        if (status == delivered) {
            status = null;
            deleteFile(dir.resolve(STATUS_FILE));
        }
    }

    private void signal() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    // ---- background delivery -----------------------------------------------------------

    /**
     * Starts a daemon thread that delivers as soon as a report is made and, while the server
     * does not answer, retries after {@link #FIRST_RETRY}, doubling up to {@link #MAX_RETRY}.
     * Close it to stop (what is left stays on disk for the next start).
     */
    public Delivery startDelivery() {
        return startDelivery(FIRST_RETRY, MAX_RETRY, Pause.REAL);
    }

    Delivery startDelivery(Duration firstRetry, Duration maxRetry, Pause pause) {
        return new Delivery(firstRetry, maxRetry, pause);
    }

    /**
     * How the delivery loop waits between attempts: until a report wakes it or {@code wait}
     * passes. Tests pass one that records the waits instead of spending them.
     */
    @FunctionalInterface
    interface Pause {

        Pause REAL = (wake, wait) -> wake.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);

        /**
         * @param wake released by each report
         * @return whether a report woke it (its permit taken)
         */
        boolean await(Semaphore wake, Duration wait) throws InterruptedException;
    }

    /** The background delivery loop of {@link #startDelivery()}. */
    public final class Delivery implements AutoCloseable {

        /** A call in progress is bounded by the link's own timeouts; this is how long close waits for it. */
        static final Duration CLOSE_WAIT = Duration.ofSeconds(20);

        private final Duration firstRetry;
        private final Duration maxRetry;
        private final Pause pause;
        private final Thread thread;
        private volatile boolean running = true;

        private Delivery(Duration firstRetry, Duration maxRetry, Pause pause) {
            this.firstRetry = firstRetry;
            this.maxRetry = maxRetry;
            this.pause = pause;
            this.thread = Thread.ofPlatform().name("hivemind-outbox").daemon().start(this::run);
        }

        /** Delivers now rather than at the next retry (reports made through the outbox do this themselves). */
        public void wake() {
            signal();
        }

        private void run() {
            Duration backoff = null;
            while (running) {
                Duration wait;
                try {
                    if (attempt().failed()) {
                        backoff = backoff == null ? firstRetry : min(backoff.multipliedBy(2), maxRetry);
                        wait = backoff;
                    } else {
                        backoff = null;
                        wait = IDLE;
                    }
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "report delivery failed unexpectedly", e);
                    wait = maxRetry;
                }
                // An HTTP client may swallow the interrupt of close(); the flag does not get lost.
                if (!running) {
                    return;
                }
                try {
                    if (pause.await(wake, wait)) {
                        wake.drainPermits();
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Whether the loop's thread still runs: once it has ended, nothing is sent but by {@link Outbox#deliver()}. */
        boolean alive() {
            return thread.isAlive();
        }

        /** Stops the loop, interrupting a call in progress, and waits (bounded) for the thread to end. */
        @Override
        public void close() {
            running = false;
            thread.interrupt();
            signal();
            try {
                thread.join(CLOSE_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static Duration min(Duration a, Duration b) {
            return a.compareTo(b) <= 0 ? a : b;
        }
    }

    // ---- disk ---------------------------------------------------------------------------

    private Path file(Queued queued) {
        return dir.resolve(String.format("%019d.json", queued.sequence()));
    }

    private void write(Path file, Object report) {
        try {
            Files.createDirectories(dir);
            PrivateFile.write(file, json.writeValueAsBytes(report));
        } catch (IOException | RuntimeException e) {
            LOG.warning(() -> "cannot write " + file + " (" + e + "); the report is kept in memory only,"
                    + " and is lost if the agent stops before the server has it");
        }
    }

    private void delete(Queued queued) {
        deleteFile(file(queued));
    }

    private static void deleteFile(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warning(() -> "cannot delete " + file + " (" + e + "); it will be delivered again after a restart,"
                    + " which the server ignores");
        }
    }

    /** What an earlier run left: events in order, the status, and no temp files of interrupted writes. */
    private synchronized void load() {
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (EVENT_FILE.matcher(name).matches()) {
                        files.add(entry);
                    } else if (name.startsWith(".") && name.endsWith(".tmp")) {
                        deleteFile(entry);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warning(() -> "cannot read the report queue in " + dir + " (" + e + "); reports left by an earlier run"
                    + " are not delivered");
        }
        files.sort(null);
        for (Path file : files) {
            Matcher name = EVENT_FILE.matcher(file.getFileName().toString());
            name.matches();
            long sequence = Long.parseLong(name.group(1));
            nextSequence = Math.max(nextSequence, sequence + 1);
            read(file, UpdateEvent.class).ifPresent(event -> events.addLast(new Queued(sequence, event)));
        }
        while (events.size() > capacity) {
            Queued dropped = events.removeFirst();
            delete(dropped);
            LOG.warning(() -> "report queue over its bound (" + capacity + " events): dropped the oldest, "
                    + describe(dropped.event()));
        }
        status = read(dir.resolve(STATUS_FILE), AgentStatus.class).orElse(null);
    }

    /** A file that is not one of ours is a report lost, not a reason to stop: it is logged and removed. */
    private <T> Optional<T> read(Path file, Class<T> type) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
            }
            return Optional.of(json.readValue(bytes, type));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warning(() -> "queued report " + file + " cannot be read (" + AdminClient.oneLine(e.getMessage())
                    + "); it is removed");
            deleteFile(file);
            return Optional.empty();
        }
    }

    private static String describe(UpdateEvent event) {
        return event.kind().wireName() + " (id " + AdminClient.oneLine(event.id()) + ")";
    }
}
