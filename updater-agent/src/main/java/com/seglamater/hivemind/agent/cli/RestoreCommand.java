package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.control.ControlClient;
import com.seglamater.hivemind.agent.control.ControlRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code restore FILE}: load a database dump, after dumping the current state. */
@Command(name = "restore",
        description = {"Restore the database from a dump written by 'backup' or by an update. A dump of the current "
                + "state is taken first, so a restore can itself be undone.",
                "A running daemon does the work; without one, this command does it under the agent lock."})
public final class RestoreCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    @ParentCommand
    RootCommand root;

    @Parameters(paramLabel = "FILE", description = "The dump to restore.")
    Path dump;

    @Option(names = "--json", description = "Print the result as JSON (operation, success, code, reason, message, version, file).")
    boolean json;

    private final Context ctx;

    public RestoreCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(dump)) {
            throw CommandFailedException.usage("dump " + dump + (Files.exists(dump) ? " is not a file" : " does not exist"));
        }
        // Absolute: the daemon resolves paths against its own working directory, not the operator's.
        return new OperationRunner(ctx).run(root.config(), ControlRequest.Restore.of(dump), ControlClient.NO_TIMEOUT,
                json);
    }
}
