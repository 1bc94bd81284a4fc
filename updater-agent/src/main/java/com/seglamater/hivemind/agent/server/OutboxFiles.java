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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@link Outbox}'s directory: each event one file, {@code <19-digit sequence>.json}, so that
 * the names sort in the order the events were made, and the latest status in
 * {@value Outbox#STATUS_FILE}; every file written atomically and 0600 ({@link PrivateFile}).
 *
 * <p>Nothing here throws: a report that cannot be written stays in the outbox's memory only, a
 * file that cannot be deleted is delivered again after a restart (which the server ignores, it
 * keys events by {@link UpdateEvent#id()}), and a file that cannot be read is a report lost,
 * logged and removed rather than a reason to stop. Not thread-safe: the outbox calls it under
 * its lock.
 */
final class OutboxFiles {

    /** Our own files are small; a bigger one is not ours. */
    static final int MAX_FILE_BYTES = 1024 * 1024;
    private static final Pattern EVENT_FILE = Pattern.compile("([0-9]{19})\\.json");
    private static final Logger LOG = Logger.getLogger(OutboxFiles.class.getName());

    private final Path dir;
    private final ObjectMapper json = AdminJson.mapper();

    /** An event waiting for delivery, with its place in the queue (and its file's name). */
    record Queued(long sequence, UpdateEvent event) {
    }

    /**
     * What an earlier run left.
     *
     * @param events       the events that could be read, oldest first
     * @param nextSequence above every event file found, readable or not, so new files sort after them
     * @param status       the status not yet delivered
     */
    record Left(List<Queued> events, long nextSequence, Optional<AgentStatus> status) {
    }

    OutboxFiles(Path dir) {
        this.dir = dir;
    }

    void writeEvent(Queued queued) {
        write(file(queued), queued.event());
    }

    void writeStatus(AgentStatus status) {
        write(dir.resolve(Outbox.STATUS_FILE), status);
    }

    void deleteEvent(Queued queued) {
        deleteFile(file(queued));
    }

    void deleteStatus() {
        deleteFile(dir.resolve(Outbox.STATUS_FILE));
    }

    /** The events in order, the status, and no temp files of interrupted writes. */
    Left load() {
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
        List<Queued> events = new ArrayList<>();
        long nextSequence = 0;
        for (Path file : files) {
            Matcher name = EVENT_FILE.matcher(file.getFileName().toString());
            name.matches();
            long sequence = Long.parseLong(name.group(1));
            nextSequence = Math.max(nextSequence, sequence + 1);
            read(file, UpdateEvent.class).ifPresent(event -> events.add(new Queued(sequence, event)));
        }
        return new Left(events, nextSequence, read(dir.resolve(Outbox.STATUS_FILE), AgentStatus.class));
    }

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

    private static void deleteFile(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warning(() -> "cannot delete " + file + " (" + e + "); it will be delivered again after a restart,"
                    + " which the server ignores");
        }
    }

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
}
