package com.seglamater.hivemind.agent.config;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.model.config.DotEnv;
import com.seglamater.hivemind.model.files.AtomicFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Sets one variable in the operator's env file ({@code channel NAME}) and leaves everything
 * else exactly as it was: other lines, comments, order, line endings, the final newline, and
 * the file's permissions and owner. The file is the operator's, so the edit is the smallest
 * possible and atomic (a crash leaves the old file or the new, never half of one).
 *
 * <p>A statement sets the variable when docker compose would read it so ({@link DotEnv}); a
 * comment such as {@code # NAME=x} does not.
 */
public final class EnvFileEditor {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Values written unquoted must read back as themselves, so no spaces, quotes, '#' or '$'. */
    private static final Pattern PLAIN_VALUE = Pattern.compile("[A-Za-z0-9._:/@+,=-]*");

    /**
     * What {@link #set} did.
     *
     * @param file     the file written (symbolic links resolved)
     * @param line     the line (1-based) that now sets the variable
     * @param appended the variable was not set before and was added at the end
     * @param changed  false when the line already said exactly this (the file was not written)
     * @param warnings what could not be kept (e.g. the owner, when not running as root)
     */
    public record Change(Path file, int line, boolean appended, boolean changed, List<String> warnings) {
        public Change {
            warnings = List.copyOf(warnings);
        }
    }

    /** The new content, as {@link #edit} computes it. */
    record Edit(String content, int line, boolean appended, boolean changed) {
    }

    private EnvFileEditor() {
    }

    /**
     * Sets {@code name=value} in {@code file}.
     *
     * @throws ConfigException when the file does not exist, is not a regular file, is too large,
     *                         sets the variable more than once (naming the lines), or has a line
     *                         that {@link DotEnv} does not read (naming it)
     * @throws IOException     when it cannot be read or written; the file is then unchanged
     */
    public static Change set(Path file, String name, String value) throws ConfigException, IOException {
        Path real;
        try {
            // Edit the target of a symbolic link, not the link: the rename would replace the link.
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            throw new ConfigException(AgentConfig.ENV_FILE, "'" + file + "' does not exist");
        }
        if (!Files.isRegularFile(real)) {
            throw new ConfigException(AgentConfig.ENV_FILE, "'" + file + "' is not a regular file");
        }
        if (Files.size(real) > DotEnv.MAX_BYTES) {
            throw new ConfigException(AgentConfig.ENV_FILE, "'" + file + "' is larger than " + DotEnv.MAX_BYTES
                    + " bytes; it is not an env file");
        }
        PosixFileAttributes before = Files.readAttributes(real, PosixFileAttributes.class);
        // ISO-8859-1 maps every byte to one char and back, so lines we do not touch stay byte-exact
        // whatever their encoding.
        String content = new String(Files.readAllBytes(real), StandardCharsets.ISO_8859_1);
        Edit edit = edit(content, name, value, file.toString());
        if (!edit.changed()) {
            return new Change(real, edit.line(), false, false, List.of());
        }
        // The temp file must be writable by us even if the original is read-only (0400); the
        // original's mode is put back after the rename.
        Set<PosixFilePermission> writable = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        writable.addAll(before.permissions());
        AtomicFile.write(real, edit.content().getBytes(StandardCharsets.ISO_8859_1), writable);
        return new Change(real, edit.line(), edit.appended(), true, restoreAttributes(real, before));
    }

    /** The file behind the rename is ours, with owner write added; give back the original's owner and mode. */
    private static List<String> restoreAttributes(Path file, PosixFileAttributes before) {
        List<String> warnings = new ArrayList<>();
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        PosixFileAttributes now;
        try {
            now = view.readAttributes();
        } catch (IOException e) {
            return List.of("could not check the owner and permissions of " + file + ": " + e.getMessage());
        }
        if (!now.owner().equals(before.owner())) {
            try {
                view.setOwner(before.owner());
            } catch (IOException e) {
                warnings.add("could not give " + file + " back to its owner " + before.owner().getName()
                        + " (it is now owned by " + now.owner().getName() + "): " + e.getMessage());
            }
        }
        if (!now.group().equals(before.group())) {
            try {
                view.setGroup(before.group());
            } catch (IOException e) {
                warnings.add("could not give " + file + " back to its group " + before.group().getName() + ": "
                        + e.getMessage());
            }
        }
        try {
            Files.setPosixFilePermissions(file, before.permissions());
        } catch (IOException e) {
            warnings.add("could not give " + file + " back its permissions "
                    + PosixFilePermissions.toString(before.permissions()) + ": " + e.getMessage());
        }
        return warnings;
    }

    /**
     * The pure edit: {@code content} with the value of the one statement that sets {@code name}
     * replaced (what stands before it and its trailing comment kept), or the variable appended.
     * Which statement sets it is what {@link DotEnv} reads, so a comment or a line inside a
     * quoted value is not it.
     *
     * @param where the file's name, for messages
     */
    static Edit edit(String content, String name, String value, String where) throws ConfigException {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a variable name");
        }
        if (!PLAIN_VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + value + "' cannot be written unquoted");
        }
        List<DotEnv.Assignment> matches;
        try {
            matches = DotEnv.assignments(content).stream().filter(a -> a.key().equals(name)).toList();
        } catch (DotEnv.FormatException e) {
            throw new ConfigException(AgentConfig.ENV_FILE, "line " + e.line() + " of '" + where + "': " + e.problem()
                    + "; fix that line, then run this again");
        }
        if (matches.size() > 1) {
            throw new ConfigException(name, "set more than once in '" + where + "' (lines "
                    + matches.stream().map(m -> String.valueOf(m.line())).collect(Collectors.joining(", "))
                    + "); keep one of them, then run this again");
        }
        if (matches.isEmpty()) {
            return append(content, name + "=" + value);
        }
        DotEnv.Assignment m = matches.getFirst();
        String replaced = content.substring(0, m.valueStart()) + value + content.substring(m.valueEnd());
        return new Edit(replaced, m.line(), false, !replaced.equals(content));
    }

    private static Edit append(String content, String assignment) {
        String newline = content.contains("\r\n") ? "\r\n" : "\n";
        if (content.isEmpty()) {
            return new Edit(assignment + newline, 1, true, true);
        }
        long lines = content.chars().filter(c -> c == '\n').count();
        if (content.endsWith("\n")) {
            return new Edit(content + assignment + newline, (int) lines + 1, true, true);
        }
        // The file had no final newline: end the last line, and keep not having one.
        return new Edit(content + newline + assignment, (int) lines + 2, true, true);
    }
}
