package com.seglamater.hivemind.agent.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.model.admin.AdminJson;
import com.seglamater.hivemind.model.files.PrivateFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code state.json} and {@code journal.json} in the data directory. Each write goes to a temp
 * file that is synced and renamed over the old one, so a crash leaves the old content or the
 * new, never a torn file. A file that cannot be read is an error, never a fresh start: starting
 * over would forget the last accepted sequence and let an old, validly signed statement back in.
 */
public final class StateStore {

    public static final String STATE_FILE = "state.json";
    public static final String JOURNAL_FILE = "journal.json";
    /** Our own files are small; a bigger one is not ours. */
    private static final long MAX_FILE_BYTES = 1024 * 1024;

    private final Path dir;
    private final ObjectMapper json = AdminJson.mapper();

    public StateStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public AgentState load() throws StateException {
        return read(STATE_FILE, AgentState.class).orElse(AgentState.EMPTY);
    }

    public void save(AgentState state) throws StateException {
        write(STATE_FILE, state);
    }

    public Optional<Journal> journal() throws StateException {
        return read(JOURNAL_FILE, Journal.class);
    }

    public void saveJournal(Journal journal) throws StateException {
        write(JOURNAL_FILE, journal);
    }

    public void clearJournal() throws StateException {
        try {
            Files.deleteIfExists(dir.resolve(JOURNAL_FILE));
        } catch (IOException e) {
            throw new StateException("cannot remove " + dir.resolve(JOURNAL_FILE) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The database dumps the agent may still restore: the one taken before the update in progress
     * (restored if it fails), and the ones taken before the installed and the previous release
     * were installed (restored by a rollback across a schema change). Retention never removes them.
     */
    public Set<Path> dumpsInUse() throws StateException {
        Set<Path> dumps = new HashSet<>();
        journal().flatMap(Journal::backup).map(Path::of).ifPresent(dumps::add);
        AgentState state = load();
        Stream.of(state.installed(), state.previous()).flatMap(Optional::stream).map(Release::backup)
                .flatMap(Optional::stream).map(Path::of).forEach(dumps::add);
        return dumps;
    }

    private <T> Optional<T> read(String name, Class<T> type) throws StateException {
        Path file = dir.resolve(name);
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new StateException(file + " is larger than " + MAX_FILE_BYTES + " bytes; it is not a file the agent wrote");
            }
            return Optional.of(json.readValue(Files.readAllBytes(file), type));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (JsonProcessingException e) {
            throw new StateException(file + " cannot be read (" + e.getOriginalMessage()
                    + "); it was not written by this agent version or was edited. Restore it from a backup of "
                    + dir + ", or move it away to start with no trusted state", e);
        } catch (IOException e) {
            throw new StateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private void write(String name, Object value) throws StateException {
        Path file = dir.resolve(name);
        try {
            Files.createDirectories(dir);
            PrivateFile.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(value));
        } catch (IOException e) {
            throw new StateException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
