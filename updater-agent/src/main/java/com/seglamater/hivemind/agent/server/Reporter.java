package com.seglamater.hivemind.agent.server;

import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.UpdateEvent;

/**
 * Where the update engine sends its progress. Never blocks on the server and never fails:
 * reports made while the server is down or restarting are kept (events on disk, in order)
 * and delivered when it answers again.
 */
public interface Reporter {

    /** The latest status replaces any status not yet delivered. */
    void status(AgentStatus status);

    /** Queued and delivered in order, each exactly once as far as the server can tell (ids are unique). */
    void event(UpdateEvent event);
}
