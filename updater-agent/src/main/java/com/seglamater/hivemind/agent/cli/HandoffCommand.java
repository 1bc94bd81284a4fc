package com.seglamater.hivemind.agent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/**
 * {@code handoff}: run by the one-off container the updater starts from the new image to
 * replace its own container (docs/updating.md, "The updater last"). Not for operators, so
 * hidden from the command list.
 */
@Command(name = "handoff", hidden = true,
        description = {"Replace the updater service's container with the new image of the update in progress, wait "
                + "until it runs, and roll the update back if it never does. Started by the updater itself."})
public final class HandoffCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    @ParentCommand
    RootCommand root;

    private final Context ctx;

    public HandoffCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        return ctx.agents().handoff(root.config());
    }
}
