package com.seglamater.hivemind.agent.compose;

import com.seglamater.hivemind.agent.compose.ComposeOutput.Container;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.model.files.AtomicFile;
import com.seglamater.hivemind.model.release.Names;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import static com.seglamater.hivemind.agent.compose.ComposeCommands.concat;
import static com.seglamater.hivemind.agent.compose.ComposeCommands.containerName;

/**
 * {@link Compose} by the docker compose CLI (v2 {@code docker compose} or v1 {@code docker-compose}).
 * Every call is {@code COMPOSE -p PROJECT SUBCOMMAND…} in the stack directory and without
 * {@code -f}, so compose merges docker-compose.yml and docker-compose.override.yml (the pins)
 * by itself, exactly as in an operator's plain {@code docker compose up -d} there. Containers are
 * inspected with the docker CLI by their compose labels. How a call is spelled, run and named in
 * messages is {@link ComposeCommands}'s; how its output is read, {@link ComposeOutput}'s.
 *
 * <p>Killing a timed-out {@code exec} ends the client only: a pg_dump inside the database
 * container may run on until it finishes.
 */
public final class CliCompose implements Compose {

    private static final Logger LOG = Logger.getLogger(CliCompose.class.getName());
    /** The temporary name compose gives the new container while it recreates one: {@code <12 hex of the old id>_<name>}. */
    private static final Pattern INTERRUPTED_RECREATION = Pattern.compile("[0-9a-f]{12}_[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    /**
     * The schema version in one psql session without an error on a fresh database: the DO block's
     * query is planned only when its branch runs, and the value crosses to the next command in a
     * session setting (psql 9.6+ runs several -c in one session). Versions by installed rank: Flyway
     * refuses out-of-order migrations by default, so the last one applied is the highest.
     */
    static final String FIND_SCHEMA_VERSION = "DO $$ BEGIN IF to_regclass('public.flyway_schema_history') IS NOT NULL THEN"
            + " PERFORM set_config('hivemind.schema_version', (SELECT version FROM public.flyway_schema_history"
            + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1), false); END IF; END $$";
    static final String SHOW_SCHEMA_VERSION = "SELECT current_setting('hivemind.schema_version', true)";

    private final ComposeCommands commands;

    public CliCompose(AgentConfig config, ProcessRunner runner) {
        this(config, ComposeCommands.dockerCommand(config.composeCommand()), runner);
    }

    /** With the docker CLI given (tests: a v1 {@code docker-compose} beside a fake {@code docker}). */
    CliCompose(AgentConfig config, List<String> docker, ProcessRunner runner) {
        this.commands = new ComposeCommands(config, docker, runner);
    }

    @Override
    public Set<String> services() throws ComposeException {
        Set<String> names = ComposeOutput.services(commands.compose(List.of("config", "--services")).stdout());
        if (names.isEmpty()) {
            throw new ComposeException("compose config --services listed no services in " + commands.projectDir());
        }
        return Collections.unmodifiableSet(names);
    }

    @Override
    public void pull(List<String> services) throws ComposeException {
        if (services.isEmpty()) {
            return; // "pull" without services would pull the whole stack
        }
        commands.compose(concat(List.of("pull", "--quiet"), services.stream().map(CliCompose::service).toList()));
    }

    /**
     * {@code up -d SERVICE}, after removing what an interrupted recreation left. That command also
     * recreates a dependency (the database) whose container no longer matches its definition: an
     * operator's change to .env not applied yet, or a container another compose made (v1 on the
     * host hashes definitions differently). That would happen on the side, outside the update's
     * plan and its rollback: then {@code --no-deps} keeps the command to this one service. Not
     * {@code --no-deps} always: compose v2 hashes a definition without its depends_on then, so the
     * operator's next plain {@code up -d} would restart the service once more.
     */
    @Override
    public void recreate(String service) throws ComposeException {
        service(service); // refused before anything runs
        List<Container> containers = containers();
        removeInterruptedRecreations(service, containers);
        List<String> drifted = dependenciesNotAsDefined(service, containers);
        if (drifted.isEmpty()) {
            commands.compose(List.of("up", "-d", service));
        } else {
            LOG.info(() -> "recreating " + service + " alone: its dependencies " + String.join(", ", drifted)
                    + " no longer match their definition, and an update changes nothing but its own services");
            commands.compose(List.of("up", "-d", "--no-deps", service));
        }
    }

    /** The services {@code service} depends on, directly or not, whose container differs from its definition. */
    private List<String> dependenciesNotAsDefined(String service, List<Container> containers) throws ComposeException {
        // The whole configuration holds the services' environments (the database password): never logged.
        String config = commands.composeQuietly(List.of("config")).stdout();
        Set<String> dependencies = ComposeConfig.dependencies(config, service);
        if (dependencies.isEmpty()) {
            return List.of();
        }
        Map<String, String> defined = ComposeOutput.configHashes(commands.compose(List.of("config", "--hash=*")).stdout());
        Set<String> drifted = new TreeSet<>();
        for (Container c : containers) {
            if (dependencies.contains(c.service()) && !c.configHash().equals(defined.get(c.service()))) {
                drifted.add(c.service());
            }
        }
        return List.copyOf(drifted);
    }

    private List<Container> containers() throws ComposeException {
        return ComposeOutput.containers(commands.docker(List.of("ps", "-a",
                "--filter", "label=com.docker.compose.project=" + commands.project(),
                "--filter", "label=com.docker.compose.oneoff=False",
                "--format", ComposeOutput.CONTAINER_FORMAT), "ps -a (the project's containers)").stdout());
    }

    /**
     * Compose (v1 and v2) recreates a container through a second one named {@code <old id>_<name>}
     * and renames it at the end. A compose client killed between the two (the updater's container
     * killed mid-update, a host reboot) leaves that container behind, and every later
     * {@code up} of the service then fails on the name ("Conflict. The container name … is already
     * in use"). Such a container belongs to a recreation nobody finishes: it goes.
     */
    private void removeInterruptedRecreations(String service, List<Container> containers) throws ComposeException {
        for (Container c : containers) {
            if (c.service().equals(service) && INTERRUPTED_RECREATION.matcher(c.name()).matches()) {
                LOG.warning(() -> "removing container " + c.name() + " of " + service
                        + ", left by a recreation that was interrupted");
                commands.docker(List.of("rm", "-f", c.id()), "rm -f " + c.name());
            }
        }
    }

    @Override
    public void stop(String service) throws ComposeException {
        commands.compose(List.of("stop", service(service)));
    }

    @Override
    public ContainerState inspect(String service) throws ComposeException {
        List<String> ids = ComposeOutput.lines(commands.docker(List.of("ps", "-a",
                "--filter", "label=com.docker.compose.project=" + commands.project(),
                "--filter", "label=com.docker.compose.service=" + service(service),
                "--filter", "label=com.docker.compose.oneoff=False",
                "--format", "{{.ID}}"), "ps -a … service=" + service).stdout());
        if (ids.isEmpty()) {
            return ContainerState.absent(service);
        }
        // Quiet: the output holds each container's environment (the database password among it).
        String json = commands.dockerQuietly(concat(List.of("inspect"), ids)).stdout();
        return Inspection.choose(service, json, LOG);
    }

    @Override
    public void startOneOff(String service, String name, List<String> args) throws ComposeException {
        commands.compose(concat(List.of("run", "-d", "--no-deps", "--name", containerName(name), service(service)), args));
    }

    @Override
    public boolean oneOffRunning(String name) throws ComposeException {
        // Anchored: docker's name filter matches substrings otherwise.
        String ids = commands.docker(List.of("ps", "--quiet", "--filter", "name=^/" + containerName(name) + "$",
                "--filter", "status=running"), "ps --filter name=" + name + " --filter status=running").stdout();
        return !ids.isBlank();
    }

    @Override
    public void removeOneOff(String name) throws ComposeException {
        try {
            commands.docker(List.of("rm", "-f", containerName(name)), "rm -f " + name);
        } catch (CommandFailedException e) {
            if (e.stderrTail().stream().noneMatch(line -> line.contains("No such container"))) {
                throw e;
            }
            LOG.fine(() -> "no container " + name + " to remove");
        }
    }

    @Override
    public void dumpDatabase(Path target) throws ComposeException {
        Path file = target.toAbsolutePath();
        Path temp;
        try {
            temp = AtomicFile.createTemp(file, AtomicFile.OWNER_ONLY);
        } catch (IOException e) {
            throw new ComposeException("cannot create a file beside " + target + ": " + e.getMessage(), e);
        }
        try {
            commands.run(commands.database("pg_dump", "--format=custom", "--compress=6").withStdoutTo(temp));
            Optional<String> problem = DumpFile.problem(temp);
            if (problem.isPresent()) {
                throw new ComposeException("pg_dump wrote no usable dump: " + problem.get());
            }
            AtomicFile.replace(temp, file);
            LOG.info(() -> "database dumped to " + file + " (" + size(file) + " bytes)");
        } catch (IOException e) {
            throw new ComposeException("cannot write the dump " + target + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public void restoreDatabase(Path source) throws ComposeException {
        Optional<String> problem = DumpFile.problem(source);
        if (problem.isPresent()) {
            throw new ComposeException("refusing to restore: " + problem.get());
        }
        // Without owners and grants: a dump may come from another cluster (the embedded database, another
        // host) whose roles this one lacks; Hivemind uses one role and no grants of its own.
        commands.run(commands.database("pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner",
                "--no-privileges").withStdinFrom(source));
        LOG.info(() -> "database restored from " + source);
    }

    @Override
    public Optional<String> schemaVersion() throws ComposeException {
        return ComposeOutput.schemaVersion(commands.run(commands.database("psql", "-X", "-q", "-At", "-v",
                "ON_ERROR_STOP=1", "-c", FIND_SCHEMA_VERSION, "-c", SHOW_SCHEMA_VERSION)).stdout());
    }

    private static String service(String name) throws IllegalArgumentException {
        return Names.requireService(name);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warning(() -> "cannot remove " + file + ": " + e.getMessage());
        }
    }
}
