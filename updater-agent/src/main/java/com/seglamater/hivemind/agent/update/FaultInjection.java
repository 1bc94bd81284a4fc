package com.seglamater.hivemind.agent.update;

import com.seglamater.hivemind.model.files.PrivateFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Holds the agent at a {@link FaultPoint} a fault test asked for, so that the test can kill it
 * there with SIGKILL (docs/architecture.md, "Fault injection"). Steps such as pinning are one file
 * write: a test polling the journal cannot land a kill between them; this makes it deterministic.
 *
 * <p>The request is a file, {@value #REQUEST_FILE}, in the agent's data directory (root-only, like
 * the journal and the pins the agent trusts already), holding one point's name. A file rather than
 * an environment variable: the operator's compose file stays as it is, and a killed agent that
 * comes back does not stop again, because the request is consumed when it fires. Then the agent
 * writes {@value #HOLDING_FILE} (the point, its pid and host, which is the container's id), logs
 * one line, and waits at most {@link #HOLD} before it goes on as if nothing had been asked. A
 * request that names no point is refused with one line and removed; it never holds anything.
 *
 * <p>Without a request each point costs one failed {@code open} of a file, a handful per update.
 */
public final class FaultInjection {

    public static final String REQUEST_FILE = "fault-point";
    public static final String HOLDING_FILE = "fault-point.holding";
    /** Long enough for a test to see the hold and kill the process; bounded so a forgotten request cannot stall an update for good. */
    static final Duration HOLD = Duration.ofMinutes(10);
    /** A point's name is short; anything longer is not a request. */
    static final int MAX_REQUEST_BYTES = 128;
    /**
     * A test writes its request just before it starts the update; one older than this is a stray
     * (a data directory copied or restored with a leftover request) and is removed, never held.
     */
    static final Duration MAX_REQUEST_AGE = Duration.ofHours(1);

    private static final Logger LOG = Logger.getLogger(FaultInjection.class.getName());

    private final Path dataDir;
    private final Sleeper sleeper;
    private final Duration hold;

    public FaultInjection(Path dataDir, Sleeper sleeper) {
        this(dataDir, sleeper, HOLD);
    }

    FaultInjection(Path dataDir, Sleeper sleeper, Duration hold) {
        this.dataDir = dataDir;
        this.sleeper = sleeper;
        this.hold = hold;
    }

    /** Holds here if, and only if, a request names {@code point}. */
    void at(FaultPoint point) throws InterruptedException {
        Path request = dataDir.resolve(REQUEST_FILE);
        Optional<FaultPoint> requested = requested(request);
        if (requested.isEmpty() || !requested.get().equals(point)) {
            return;
        }
        Path holding = dataDir.resolve(HOLDING_FILE);
        try {
            // Consumed first: the process that comes back after the kill must not hold again.
            Files.deleteIfExists(request);
            PrivateFile.write(holding, ("point=" + point.name() + "\npid=" + ProcessHandle.current().pid() + "\nhost="
                    + System.getenv().getOrDefault("HOSTNAME", "") + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warning(() -> "fault injection: not holding at " + point.name() + ": " + e.getMessage());
            return;
        }
        LOG.warning(() -> "fault injection: holding at " + point.name() + " (requested by " + request + ") for at most "
                + hold.toMinutes() + " min");
        try {
            sleeper.sleep(hold);
            LOG.warning(() -> "fault injection: released at " + point.name() + " after " + hold.toMinutes()
                    + " min; the update goes on");
        } finally {
            try {
                Files.deleteIfExists(holding);
            } catch (IOException e) {
                LOG.fine(() -> "fault injection: " + e.getMessage());
            }
        }
    }

    /** The point the request file names; empty when there is none, or when it names none (then it is refused and removed). */
    private static Optional<FaultPoint> requested(Path request) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(request)) {
            bytes = in.readNBytes(MAX_REQUEST_BYTES + 1);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warning(() -> "fault injection: cannot read " + request + ": " + e.getMessage());
            return Optional.empty();
        }
        try {
            if (bytes.length > MAX_REQUEST_BYTES) {
                throw new IllegalArgumentException("longer than " + MAX_REQUEST_BYTES + " bytes");
            }
            Instant written = Files.getLastModifiedTime(request).toInstant();
            if (written.isBefore(Instant.now().minus(MAX_REQUEST_AGE))) {
                throw new IllegalArgumentException("written at " + written + ", more than "
                        + MAX_REQUEST_AGE.toHours() + " h ago: a leftover, not a test's request");
            }
            String name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString().strip();
            return Optional.of(FaultPoint.parse(name));
        } catch (IllegalArgumentException | IOException e) {
            String reason = e instanceof CharacterCodingException ? "not UTF-8" : String.valueOf(e.getMessage());
            LOG.warning(() -> "fault injection: refused " + request + ": " + reason + "; removed, nothing is held");
            try {
                Files.deleteIfExists(request);
            } catch (IOException removal) {
                LOG.warning(() -> "fault injection: cannot remove " + request + ": " + removal.getMessage());
            }
            return Optional.empty();
        }
    }
}
