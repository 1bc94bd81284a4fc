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
 * Updates: what the agent reports and is asked to do. The users' API on the main listener, the
 * agent's on the admin socket, and the command queue between them (closed when the server stops).
 */
record UpdatesPart(CommandQueue commands, UpdatesService api, AgentService agent) {

    static UpdatesPart wire(DbClient db, AuditLog audit, Clock clock) {
        UpdateStore updates = new UpdateStore(db, audit);
        CommandQueue commands = new CommandQueue(updates, clock);
        return new UpdatesPart(commands, new UpdatesService(updates, new UpdateCommands(db, updates, commands, audit, clock), clock),
                new AgentService(db, updates, commands, audit, clock));
    }
}
