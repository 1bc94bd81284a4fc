package com.seglamater.hivemind.server;

import com.seglamater.hivemind.server.audit.AuditLog;
import com.seglamater.hivemind.server.updates.AgentService;
import com.seglamater.hivemind.server.updates.CommandQueue;
import com.seglamater.hivemind.server.updates.UpdateCommands;
import com.seglamater.hivemind.server.updates.UpdateStore;
import com.seglamater.hivemind.server.updates.UpdatesService;
import io.helidon.dbclient.DbClient;

import java.time.Clock;

/**
 * Updates: what the agent reports and is asked to do. The store of its reports and of the
 * commands, the admins' way to queue a command (for the API and the dashboard), the users' API on
 * the main listener, the agent's on the admin socket, and the command queue between them (closed
 * when the server stops).
 */
record UpdatesPart(UpdateStore store, UpdateCommands requests, CommandQueue commands, UpdatesService api,
                   AgentService agent) {

    static UpdatesPart wire(DbClient db, AuditLog audit, Clock clock) {
        UpdateStore store = new UpdateStore(db, audit);
        CommandQueue commands = new CommandQueue(store, clock);
        UpdateCommands requests = new UpdateCommands(db, store, commands, audit, clock);
        return new UpdatesPart(store, requests, commands, new UpdatesService(store, requests, clock),
                new AgentService(db, store, commands, audit, clock));
    }
}
