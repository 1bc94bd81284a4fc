package com.seglamater.hivemind.agent.daemon;

import com.seglamater.hivemind.model.files.AtomicFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Touches {@code <dataDir>/daemon.alive} every {@link #PERIOD} while the daemon runs: the
 * container health check ({@code hivemind-updater-healthcheck} in the image) reads its age, so
 * it needs neither a second JVM nor a client for the control socket. A thread of its own, because
 * the daemon's loop legitimately blocks for the length of an update. The file holds the identity
 * of the daemon's container (its host name): the data directory is shared by every updater
 * container in turn, and a beat left by the one before (killed, so it never removed the file)
 * must not make a new container look healthy before its own daemon runs.
 */
public final class Heartbeat implements AutoCloseable {

    public static final String FILE = "daemon.alive";
    /** The health check calls a beat older than a minute dead: several missed beats, not one slow disk. */
    static final Duration PERIOD = Duration.ofSeconds(10);
    private static final Logger LOG = Logger.getLogger(Heartbeat.class.getName());

    private final Path file;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    private Heartbeat(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("heartbeat").daemon().unstarted(r));
    }

    /**
     * Writes {@code identity} and beats once now (so a failure to write shows at start), then
     * beats every {@link #PERIOD}.
     *
     * @param identity what the health check compares with its container's host name
     */
    public static Heartbeat start(Path dataDir, String identity, Clock clock) throws IOException {
        Heartbeat heartbeat = new Heartbeat(dataDir.resolve(FILE), clock);
        AtomicFile.write(heartbeat.file, (identity + "\n").getBytes(StandardCharsets.UTF_8), AtomicFile.READABLE);
        heartbeat.beat();
        heartbeat.timer.scheduleAtFixedRate(heartbeat::beatQuietly, PERIOD.toMillis(), PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
        return heartbeat;
    }

    void beat() throws IOException {
        if (!Files.exists(file)) {
            Files.createFile(file);
        }
        Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
    }

    private void beatQuietly() {
        try {
            beat();
        } catch (IOException | RuntimeException e) {
            // The health check turns unhealthy, which is the point; the log says why.
            LOG.warning(() -> "cannot touch " + file + ": " + e.getMessage());
        }
    }

    /** Stops beating and removes the file: a stopped daemon is not alive, whatever the file's age. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warning(() -> "cannot remove " + file + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "heartbeat " + file;
    }
}
