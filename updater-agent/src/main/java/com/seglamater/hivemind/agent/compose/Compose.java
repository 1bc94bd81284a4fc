package com.seglamater.hivemind.agent.compose;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The stack as the agent drives it: docker compose in the stack directory, with the agent's
 * pins file in effect. Everything that touches Docker goes through here, so the update engine
 * can be tested with a fake that records calls and fails on demand.
 *
 * <p>Every method runs external commands with a timeout and logs their output; a command that
 * fails, times out or answers something unexpected is a {@link ComposeException} naming it.
 */
public interface Compose {

    /** The services the stack defines ({@code config --services}). */
    Set<String> services() throws ComposeException;

    /** Pulls the images of these services, as the pins file names them ({@code pull SERVICE…}). */
    void pull(List<String> services) throws ComposeException;

    /**
     * Recreates one service from its current definition ({@code up -d SERVICE}); dependencies that
     * run as defined are left alone. Compose keeps the old container until the new image is
     * present, and the images were pulled before.
     */
    void recreate(String service) throws ComposeException;

    /** Stops one service's container ({@code stop SERVICE}), e.g. before its database is restored. */
    void stop(String service) throws ComposeException;

    /**
     * The service's (non one-off) container, found by its compose labels
     * ({@code com.docker.compose.project}, {@code com.docker.compose.service}).
     */
    ContainerState inspect(String service) throws ComposeException;

    /**
     * Starts a detached one-off container of the updater service, from the image the pins file
     * names now, running the agent with {@code args} ({@code run -d --no-deps --name NAME SERVICE ARGS…}).
     * It outlives the calling agent, which is what lets the updater replace its own container.
     *
     * @param name container name, so that a leftover from an earlier attempt can be found and removed
     */
    void startOneOff(String service, String name, List<String> args) throws ComposeException;

    /** Whether the one-off container {@code name} exists and is running ({@code docker ps --filter name=…}). */
    boolean oneOffRunning(String name) throws ComposeException;

    /** Removes a one-off container by name if it exists ({@code docker rm -f NAME}); no error when absent. */
    void removeOneOff(String name) throws ComposeException;

    /**
     * Dumps the database into {@code target} ({@code exec -T DB pg_dump --format=custom}, which is
     * compressed). {@code target} is written completely or not at all.
     */
    void dumpDatabase(Path target) throws ComposeException;

    /** Restores a dump made by {@link #dumpDatabase} ({@code exec -T DB pg_restore --clean --if-exists --single-transaction}). */
    void restoreDatabase(Path source) throws ComposeException;

    /**
     * The database schema's version: the highest successful Flyway migration
     * ({@code flyway_schema_history}), empty when the database has none yet.
     */
    Optional<String> schemaVersion() throws ComposeException;
}
