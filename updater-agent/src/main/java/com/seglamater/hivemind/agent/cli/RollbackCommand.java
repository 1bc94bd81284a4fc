package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.control.ControlClient;
import com.seglamater.hivemind.agent.control.ControlRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code rollback}: return to the release installed before the current one. */
@Command(name = "rollback",
        description = {"Return the stack to the release installed before the current one (its pinned images; "
                + "the database dump taken before the update is restored if the schema moved on).",
                "A running daemon does the work; without one, this command does it under the agent lock."})
public final class RollbackCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    @ParentCommand
    RootCommand root;

    @Option(names = "--json", description = "Print the result as JSON (operation, success, code, reason, message, version, file).")
    boolean json;

    private final Context ctx;

    public RollbackCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        return new OperationRunner(ctx).run(root.config(), new ControlRequest.Rollback(), ControlClient.NO_TIMEOUT, json);
    }
}
