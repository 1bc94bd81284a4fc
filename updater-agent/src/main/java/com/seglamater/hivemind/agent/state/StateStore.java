package com.seglamater.hivemind.agent.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.model.admin.AdminJson;
import com.seglamater.hivemind.model.files.PrivateFile;
import com.seglamater.hivemind.model.pgp.DetachedSignatureVerifier;
import com.seglamater.hivemind.model.release.Names;
import com.seglamater.hivemind.model.release.StatementCodec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code state.json}, {@code journal.json} and the statements accepted ({@code channels/}) in the
 * data directory. Each write goes to a temp file that is synced and renamed over the old one, so a
 * crash leaves the old content or the new, never a torn file. A file that cannot be read is an
 * error, never a fresh start: starting over would forget the last accepted sequence and let an
 * old, validly signed statement back in.
 */
public final class StateStore {

    public static final String STATE_FILE = "state.json";
    public static final String JOURNAL_FILE = "journal.json";
    /** {@code channels/<channel>/latest.json} and {@code latest.json.asc}: the accepted statement, byte for byte. */
    public static final String CHANNELS_DIR = "channels";
    static final String STATEMENT_FILE = "latest.json";
    static final String SIGNATURE_FILE = STATEMENT_FILE + ".asc";
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
     * Keeps the exact bytes of the statement just accepted on {@code channel} and of its signature
     * file, so that a later 304 is verified again from them ({@link #accepted}). Each file is
     * replaced atomically, the pair is not: a crash between the two writes leaves a pair that no
     * longer verifies, which the next check refuses once and then fetches afresh.
     */
    public void saveAccepted(String channel, byte[] statement, byte[] signature) throws StateException {
        Path dir = channelDir(channel);
        try {
            Files.createDirectories(dir);
            PrivateFile.write(dir.resolve(SIGNATURE_FILE), signature);
            PrivateFile.write(dir.resolve(STATEMENT_FILE), statement);
        } catch (IOException e) {
            throw new StateException("cannot write the accepted statement to " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The statement accepted last on {@code channel} and its signature, as {@link #saveAccepted}
     * kept them; empty if either file is missing (kept by no agent before this version, or
     * removed). Each is read up to its limit + 1 bytes, so that an oversized file is refused by
     * the verifier's size rule, not read whole.
     */
    public Optional<AcceptedStatement> accepted(String channel) throws StateException {
        Path dir = channelDir(channel);
        try {
            return Optional.of(new AcceptedStatement(
                    readBounded(dir.resolve(STATEMENT_FILE), StatementCodec.MAX_STATEMENT_BYTES),
                    readBounded(dir.resolve(SIGNATURE_FILE), DetachedSignatureVerifier.MAX_SIGNATURE_BYTES)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StateException("cannot read the accepted statement in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A statement and its detached signature, as accepted. */
    public record AcceptedStatement(byte[] statement, byte[] signature) {

        public AcceptedStatement {
            Objects.requireNonNull(statement, "statement");
            Objects.requireNonNull(signature, "signature");
        }
    }

    private Path channelDir(String channel) {
        return dir.resolve(CHANNELS_DIR).resolve(Names.requireChannel(channel));
    }

    private static byte[] readBounded(Path file, int limit) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(limit + 1);
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
