package com.seglamater.hivemind.agent.server;

import com.seglamater.hivemind.model.admin.AgentStatus;
import com.seglamater.hivemind.model.admin.CommandResult;
import com.seglamater.hivemind.model.admin.DrainResult;
import com.seglamater.hivemind.model.admin.PendingCommands;
import com.seglamater.hivemind.model.admin.ServerStatus;
import com.seglamater.hivemind.model.admin.UpdateEvent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/** The admin socket as the outbox sees it: up or down, with a record of what arrived, in order. */
final class FakeLink implements ServerLink {

    volatile boolean up;
    volatile Function<UpdateEvent, ServerUnavailableException> failure = e -> null;
    volatile Consumer<UpdateEvent> duringEvent = e -> { };
    volatile Consumer<AgentStatus> duringStatus = s -> { };
    final List<String> calls = new CopyOnWriteArrayList<>();
    /** The same as {@link #calls}, to wait on. */
    final BlockingQueue<String> arrivals = new LinkedBlockingQueue<>();
    final AtomicInteger attempts = new AtomicInteger();

    @Override
    public void reportEvent(UpdateEvent event) throws ServerUnavailableException {
        attempts.incrementAndGet();
        if (!up) {
            throw new ServerUnavailableException("admin socket unreachable: Connection refused");
        }
        ServerUnavailableException e = failure.apply(event);
        if (e != null) {
            throw e;
        }
        duringEvent.accept(event);
        calls.add("event " + event.id());
        arrivals.add("event " + event.id());
    }

    @Override
    public void reportStatus(AgentStatus status) throws ServerUnavailableException {
        attempts.incrementAndGet();
        if (!up) {
            throw new ServerUnavailableException("admin socket unreachable: Connection refused");
        }
        duringStatus.accept(status);
        calls.add("status " + status.channel());
        arrivals.add("status " + status.channel());
    }

    @Override
    public ServerStatus status() {
        throw new UnsupportedOperationException();
    }

    @Override
    public DrainResult drain(Duration timeout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void undrain() {
        throw new UnsupportedOperationException();
    }

    @Override
    public PendingCommands commands(Duration wait) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void commandResult(CommandResult result) {
        throw new UnsupportedOperationException();
    }
}
