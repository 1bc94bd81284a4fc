package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.control.ControlRequest;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.testing.ScriptedOperations;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** An {@link AgentFactory} whose local agent is {@link #operations}; it records what was asked of it. */
final class FakeAgents implements AgentFactory {

    final ScriptedOperations operations = new ScriptedOperations();
    final List<AgentConfig> localConfigs = new ArrayList<>();
    final List<ControlRequest> localRequests = new ArrayList<>();
    final List<AgentConfig> daemonConfigs = new ArrayList<>();
    final AtomicInteger openAgents = new AtomicInteger();
    boolean busy;
    int daemonExitCode;
    RuntimeException failure;

    FakeAgents busy() {
        this.busy = true;
        return this;
    }

    FakeAgents failing(RuntimeException e) {
        this.failure = e;
        return this;
    }

    @Override
    public LocalAgent local(AgentConfig config, ControlRequest request) throws AgentBusyException {
        localConfigs.add(config);
        localRequests.add(request);
        if (failure != null) {
            throw failure;
        }
        if (busy) {
            throw new AgentBusyException(config.dataDir());
        }
        openAgents.incrementAndGet();
        return new LocalAgent() {
            @Override
            public OperationResult check(boolean apply) {
                return operations.check(apply);
            }

            @Override
            public OperationResult approve(String version) {
                return operations.approve(version);
            }

            @Override
            public OperationResult downgrade() {
                return operations.downgrade();
            }

            @Override
            public OperationResult rollback() {
                return operations.rollback();
            }

            @Override
            public OperationResult backup() {
                return operations.backup();
            }

            @Override
            public OperationResult restore(Path dump) {
                return operations.restore(dump);
            }

            @Override
            public void close() {
                openAgents.decrementAndGet();
            }
        };
    }

    @Override
    public int runDaemon(AgentConfig config) throws AgentBusyException {
        daemonConfigs.add(config);
        if (failure != null) {
            throw failure;
        }
        if (busy) {
            throw new AgentBusyException(config.dataDir());
        }
        return daemonExitCode;
    }

    final List<AgentConfig> handoffConfigs = new java.util.ArrayList<>();

    @Override
    public int handoff(AgentConfig config) {
        handoffConfigs.add(config);
        return daemonExitCode;
    }
}
