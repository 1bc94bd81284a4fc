package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.config.AgentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code run}: the daemon (the container's command). */
@Command(name = "run",
        description = {"Run the updater daemon: finish or roll back an interrupted update, then poll the channel every "
                + "HIVEMIND_UPDATE_INTERVAL, apply verified releases, take commands from the server and from the "
                + "control socket (DATA_DIR/control.sock), and report to the server.",
                "Stops on SIGTERM after the step in progress; holds the agent lock while it runs."})
public final class RunCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    @ParentCommand
    RootCommand root;

    private final Context ctx;

    public RunCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        AgentConfig config = root.config();
        try {
            return ctx.agents().runDaemon(config);
        } catch (AgentBusyException e) {
            throw new CommandFailedException(ExitCode.BUSY, e.getMessage()
                    + ": another updater daemon runs on this data directory (or a command is working on the stack)", e);
        }
    }
}
