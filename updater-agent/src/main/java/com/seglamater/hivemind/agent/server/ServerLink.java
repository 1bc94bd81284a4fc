package com.seglamater.hivemind.agent.server;

import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.CommandResult;
import com.seglamater.hivemind.model.admin.DrainResult;
import com.seglamater.hivemind.model.admin.PendingCommands;
import com.seglamater.hivemind.model.admin.ServerStatus;
import com.seglamater.hivemind.model.admin.UpdateEvent;

import java.time.Duration;

/**
 * The server's admin socket ({@code /admin/v1}, docs/operators.md), as the agent uses it.
 * Every call is bounded in time; a server that is down, restarting or answers garbage is a
 * {@link ServerUnavailableException}, which callers treat as "try again later".
 */
public interface ServerLink {

    ServerStatus status() throws ServerUnavailableException;

    /** Asks the server to stop taking new work and waits up to {@code timeout} (0–300 s) for it to go idle. */
    DrainResult drain(Duration timeout) throws ServerUnavailableException;

    void undrain() throws ServerUnavailableException;

    void reportStatus(AgentStatus status) throws ServerUnavailableException;

    /** Idempotent by {@link UpdateEvent#id()}: delivering an event twice stores it once. */
    void reportEvent(UpdateEvent event) throws ServerUnavailableException;

    /** Long-polls the command queue for up to {@code wait} (0–60 s). */
    PendingCommands commands(Duration wait) throws ServerUnavailableException;

    /** Acknowledges a command; an unknown or already completed command is not an error here. */
    void commandResult(CommandResult result) throws ServerUnavailableException;
}
