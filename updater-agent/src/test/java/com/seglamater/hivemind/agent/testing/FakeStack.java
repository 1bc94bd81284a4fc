package com.seglamater.hivemind.agent.testing;

import com.seglamater.hivemind.agent.compose.Compose;
import com.seglamater.hivemind.agent.compose.ComposeException;
import com.seglamater.hivemind.agent.compose.ContainerState;
import com.seglamater.hivemind.agent.pins.PinsFile;
import com.seglamater.hivemind.agent.server.HealthProbe;
import com.seglamater.hivemind.agent.server.ServerUnavailableException;
import com.seglamater.hivemind.agent.state.StateException;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A compose stack in memory, behind the {@link Compose} interface: containers run the image the
 * pins file (or else the compose file) names when they were last recreated; the server's image
 * decides the version {@code /health} reports and the schema it migrates to; the database dump
 * holds the schema version. It records every call in order and fails on demand, with a
 * {@link ComposeException} ({@link #failOn}) or by "killing the agent" with a {@link Crash}
 * ({@link #crashOn}) to test the journal.
 */
public final class FakeStack implements Compose, HealthProbe {

    /** The agent process died here. */
    public static final class Crash extends RuntimeException {
        public Crash(String call) {
            super("crash at " + call);
        }
    }

    public static final String SERVER = "hivemind-server";
    public static final String UPDATER = "hivemind-updater";
    public static final String DB = "hivemind-db";

    public final List<String> calls = new ArrayList<>();
    public final Set<String> failOn = new HashSet<>();
    /** Calls that fail the first time only. */
    public final Set<String> failOnce = new HashSet<>();
    public final Set<String> crashOn = new HashSet<>();
    /** Images whose container health check reports this status. */
    public final Map<String, String> healthOfImage = new HashMap<>();
    /** Server image → version its /health reports. */
    public final Map<String, String> versionOfImage = new HashMap<>();
    /** Server image → schema version it migrates the database to at start. */
    public final Map<String, String> schemaOfImage = new HashMap<>();
    /** What docker-compose.yml names, used when the pins file names nothing for a service. */
    public final Map<String, String> composeFileImages = new HashMap<>();
    public final Map<String, ContainerState> containers = new HashMap<>();
    public final Set<String> runningOneOffs = new HashSet<>();
    public final Set<String> pulled = new HashSet<>();
    public Optional<String> schema = Optional.empty();
    /** The pins in effect when the database was last dumped (the backup must come before the pins change). */
    public Map<String, String> pinsAtLastDump = Map.of();
    public boolean serverDown;

    private final PinsFile pins;

    public FakeStack(PinsFile pins) {
        this.pins = pins;
    }

    /** Containers as a plain `docker compose up -d` would start them from the current files. */
    public FakeStack upAll() throws StateException {
        for (String service : services()) {
            startFromFiles(service);
        }
        return this;
    }

    public Optional<String> imageOf(String service) {
        return Optional.ofNullable(containers.get(service)).flatMap(ContainerState::image);
    }

    private void call(String call) throws ComposeException {
        calls.add(call);
        if (crashOn.contains(call)) {
            throw new Crash(call);
        }
        if (failOnce.remove(call) || failOn.contains(call)) {
            throw new ComposeException(call + " failed (test)");
        }
    }

    @Override
    public Set<String> services() {
        Set<String> all = new LinkedHashSet<>(List.of(DB, SERVER, UPDATER));
        all.addAll(composeFileImages.keySet());
        return all;
    }

    @Override
    public void pull(List<String> services) throws ComposeException {
        call("pull " + String.join(" ", services));
        for (String s : services) {
            pulled.add(image(s));
        }
    }

    /** The server process was asked to drain and has not been replaced since: /health says DRAINING. */
    public boolean drained;

    @Override
    public void recreate(String service) throws ComposeException {
        call("recreate " + service);
        ContainerState current = containers.get(service);
        if (current != null && current.running() && current.image().equals(Optional.of(image(service)))) {
            return; // like `up -d SERVICE`: a container already running its definition is left alone
        }
        startFromFiles(service);
        if (service.equals(SERVER)) {
            drained = false;
        }
    }

    private void startFromFiles(String service) {
        String image = image(service);
        containers.put(service, new ContainerState(service, true, true, Optional.ofNullable(healthOfImage.get(image)),
                Optional.of(image)));
        if (service.equals(SERVER) && schemaOfImage.containsKey(image)) {
            String target = schemaOfImage.get(image);
            if (schema.isEmpty() || Integer.parseInt(target) > Integer.parseInt(schema.get())) {
                schema = Optional.of(target);
            }
        }
    }

    private String image(String service) {
        try {
            return pins.read().getOrDefault(service, composeFileImages.getOrDefault(service, "registry.test/" + service + "@sha256:" + "0".repeat(64)));
        } catch (StateException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop(String service) throws ComposeException {
        call("stop " + service);
        ContainerState c = containers.get(service);
        if (c != null) {
            containers.put(service, new ContainerState(service, true, false, c.health(), c.image()));
        }
    }

    /** Docker cannot be asked about containers (a timeout, a restarting engine). */
    public boolean inspectFails;

    @Override
    public ContainerState inspect(String service) throws ComposeException {
        calls.add("inspect " + service);
        if (inspectFails) {
            throw new ComposeException("docker inspect timed out (test)");
        }
        ContainerState c = containers.get(service);
        if (c == null) {
            return ContainerState.absent(service);
        }
        // The health check keeps running: what it says now depends on the image, not on when it started.
        return new ContainerState(service, c.exists(), c.running(),
                c.image().map(healthOfImage::get), c.image());
    }

    @Override
    public void startOneOff(String service, String name, List<String> args) throws ComposeException {
        call("run " + service + " " + name + " " + String.join(" ", args));
        runningOneOffs.add(name);
    }

    @Override
    public boolean oneOffRunning(String name) throws ComposeException {
        return runningOneOffs.contains(name);
    }

    @Override
    public void removeOneOff(String name) throws ComposeException {
        call("rm " + name);
        runningOneOffs.remove(name);
    }

    /**
     * Bytes written after the dump's header, in a second part of the file that restores ignore:
     * a database this large, so that a small file system fills up while dumping.
     */
    public long dumpPadding;
    /**
     * The dump's writer takes a failed write for the end of its output and succeeds with what it
     * wrote (a client that ignores ENOSPC on its stdout).
     */
    public boolean ignoresWriteErrors;

    @Override
    public void dumpDatabase(Path target) throws ComposeException {
        call("dump");
        try {
            pinsAtLastDump = pins.read();
        } catch (StateException e) {
            throw new IllegalStateException(e);
        }
        try (OutputStream out = Files.newOutputStream(target)) {
            out.write(("PGDMP schema=" + schema.orElse("")).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
            byte[] chunk = new byte[64 * 1024];
            for (long left = dumpPadding; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        } catch (IOException e) {
            if (!ignoresWriteErrors) {
                // As CliCompose reports a dump it could not write.
                throw new ComposeException("cannot write the dump " + target + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void restoreDatabase(Path source) throws ComposeException {
        call("restore " + source.getFileName());
        try {
            String s = Files.readString(source, StandardCharsets.UTF_8).lines().findFirst().orElse("")
                    .substring("PGDMP schema=".length());
            schema = s.isEmpty() ? Optional.empty() : Optional.of(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<String> schemaVersion() throws ComposeException {
        call("schema");
        return schema;
    }

    // HealthProbe: the server's /health, from the server container's image.
    @Override
    public Health probe() throws ServerUnavailableException {
        ContainerState server = containers.get(SERVER);
        if (serverDown || server == null || !server.running()) {
            throw new ServerUnavailableException("connection refused (test)");
        }
        String version = versionOfImage.get(server.image().orElseThrow());
        return drained ? new Health(503, Optional.of("DRAINING"), Optional.ofNullable(version))
                : new Health(200, Optional.of("UP"), Optional.ofNullable(version));
    }

    /** The calls that change something, without inspections and schema reads. */
    public List<String> actions() {
        return calls.stream().filter(c -> !c.startsWith("inspect ") && !c.equals("schema")).toList();
    }
}
