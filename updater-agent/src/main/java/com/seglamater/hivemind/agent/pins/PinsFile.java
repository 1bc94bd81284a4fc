package com.seglamater.hivemind.agent.pins;

import com.seglamater.hivemind.agent.state.StateException;
import com.seglamater.hivemind.model.files.AtomicFile;
import com.seglamater.hivemind.model.release.ImageReference;
import com.seglamater.hivemind.model.release.Names;
import com.seglamater.hivemind.model.text.Printable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compose override file the agent owns (by default {@code docker-compose.override.yml} in
 * the stack directory, which compose merges over {@code docker-compose.yml} by itself): one
 * {@code image:} per service, pinned by digest, so an operator's plain {@code docker compose up -d}
 * runs exactly the release the agent installed. Written atomically; the file it replaces is kept
 * as {@code <name>.previous}. A file at that path that the agent did not write is never overwritten.
 */
public final class PinsFile {

    static final String MARKER = "# Managed by hivemind-updater.";
    /** Any name {@link Names#requireService} accepts; a name it refuses is never written. */
    private static final Pattern SERVICE = Pattern.compile("  ([^\\s:#\"]+):");
    private static final Pattern IMAGE = Pattern.compile("    image: \"([^\"]+)\"");

    private final Path file;

    public PinsFile(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public Path previousFile() {
        return file.resolveSibling(file.getFileName() + ".previous");
    }

    /** The pins in effect; empty when there is no pins file (compose runs what docker-compose.yml names). */
    public Map<String, String> read() throws StateException {
        return read(file).orElse(Map.of());
    }

    /** The pins before the last {@link #write}, if there were any. */
    public Optional<Map<String, String>> previous() throws StateException {
        return read(previousFile());
    }

    /**
     * Pins {@code images} (service → digest-pinned reference). An empty map removes the pins, so
     * that compose runs what docker-compose.yml names again (the state before the first update).
     */
    public void write(Map<String, String> images, String description) throws StateException {
        try {
            Optional<Map<String, String>> current = read(file);
            if (current.isPresent()) {
                AtomicFile.write(previousFile(), Files.readAllBytes(file), READABLE);
            }
            if (images.isEmpty()) {
                Files.deleteIfExists(file);
                return;
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFile.write(file, render(images, description).getBytes(StandardCharsets.UTF_8), READABLE);
        } catch (IOException e) {
            throw new StateException("cannot write the pins file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Compose reads this file as the operator's user too, so it is 0644, not private. */
    private static final Set<PosixFilePermission> READABLE = AtomicFile.READABLE;

    static String render(Map<String, String> images, String description) {
        StringBuilder out = new StringBuilder();
        out.append(MARKER).append(" Do not edit: it is rewritten at every update.\n");
        out.append("# ").append(description.replaceAll("[\\r\\n]", " ")).append('\n');
        out.append("# docker compose merges this file over docker-compose.yml, so `docker compose up -d` runs these images.\n");
        out.append("# `hivemind-updater rollback` returns to the release before; the pins this file replaced are kept"
                + " in the .previous file beside it.\n");
        out.append("services:\n");
        for (Map.Entry<String, String> e : new TreeMap<>(images).entrySet()) {
            Names.requireService(e.getKey());
            String image = ImageReference.parse(e.getValue()).toString();
            out.append("  ").append(e.getKey()).append(":\n");
            out.append("    image: \"").append(image).append("\"\n");
        }
        return out.toString();
    }

    private static Optional<Map<String, String>> read(Path path) throws StateException {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StateException("cannot read the pins file " + path + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).startsWith(MARKER)) {
            throw new StateException(path + " exists but was not written by hivemind-updater; move your own overrides"
                    + " to another file (e.g. compose.local.yml with COMPOSE_FILE) or set HIVEMIND_PINS_FILE");
        }
        Map<String, String> images = new LinkedHashMap<>();
        String service = null;
        for (String line : lines) {
            Matcher s = SERVICE.matcher(line);
            Matcher i = IMAGE.matcher(line);
            if (line.startsWith("#") || line.equals("services:") || line.isBlank()) {
                continue;
            } else if (s.matches()) {
                try {
                    service = Names.requireService(s.group(1));
                } catch (IllegalArgumentException e) {
                    throw new StateException(path + ": " + e.getMessage(), e);
                }
            } else if (i.matches() && service != null) {
                try {
                    images.put(service, ImageReference.parse(i.group(1)).toString());
                } catch (IllegalArgumentException e) {
                    throw new StateException(path + ": " + e.getMessage(), e);
                }
                service = null;
            } else {
                throw new StateException(path + ": unexpected line '" + Printable.of(line)
                        + "'; the file was edited by hand");
            }
        }
        return Optional.of(images);
    }
}
