package com.seglamater.hivemind.agent.testing;

import com.seglamater.hivemind.agent.server.Reporter;
import com.seglamater.hivemind.agent.server.ServerLink;
import com.seglamater.hivemind.agent.server.ServerUnavailableException;
import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.CommandResult;
import com.seglamater.hivemind.model.admin.DrainResult;
import com.seglamater.hivemind.model.admin.OperatorCommand;
import com.seglamater.hivemind.model.admin.PendingCommands;
import com.seglamater.hivemind.model.admin.ServerStatus;
import com.seglamater.hivemind.model.admin.UpdateEvent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The admin socket and the report sink for engine tests: records drains, statuses, events and command results. */
public final class RecordingServer implements ServerLink, Reporter {

    public final List<String> drains = new CopyOnWriteArrayList<>();
    public final List<AgentStatus> statuses = new CopyOnWriteArrayList<>();
    public final List<UpdateEvent> events = new CopyOnWriteArrayList<>();
    public final List<CommandResult> results = new CopyOnWriteArrayList<>();
    public final List<OperatorCommand> queue = new CopyOnWriteArrayList<>();
    /** Called at each drain, e.g. to add the drain to a FakeStack's call log. */
    public Consumer<String> onDrain = s -> { };
    public boolean down;

    private void up() throws ServerUnavailableException {
        if (down) {
            throw new ServerUnavailableException("server down (test)");
        }
    }

    @Override
    public ServerStatus status() throws ServerUnavailableException {
        up();
        return new ServerStatus("UP", "0.0.0", 0);
    }

    @Override
    public DrainResult drain(Duration timeout) throws ServerUnavailableException {
        up();
        drains.add("drain");
        onDrain.accept("drain");
        return new DrainResult(true, 0);
    }

    @Override
    public void undrain() throws ServerUnavailableException {
        up();
        drains.add("undrain");
        onDrain.accept("undrain");
    }

    @Override
    public void reportStatus(AgentStatus status) throws ServerUnavailableException {
        up();
        statuses.add(status);
    }

    @Override
    public void reportEvent(UpdateEvent event) throws ServerUnavailableException {
        up();
        events.add(event);
    }

    @Override
    public PendingCommands commands(Duration wait) throws ServerUnavailableException {
        up();
        List<OperatorCommand> out = new ArrayList<>(queue);
        queue.clear();
        return new PendingCommands(out);
    }

    @Override
    public void commandResult(CommandResult result) throws ServerUnavailableException {
        up();
        results.add(result);
    }

    // Reporter: straight through (the Outbox is tested on its own).
    @Override
    public void status(AgentStatus status) {
        statuses.add(status);
    }

    @Override
    public void event(UpdateEvent event) {
        events.add(event);
    }

    public List<String> eventKinds() {
        return events.stream().map(e -> e.kind().wireName()).toList();
    }
}
