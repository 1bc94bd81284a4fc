package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.control.ControlClient;
import com.seglamater.hivemind.agent.control.ControlRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code backup}: dump the database now. */
@Command(name = "backup",
        description = {"Dump the database into the backup directory (HIVEMIND_BACKUP_DIR), the same dump an update "
                + "takes first; the oldest dumps beyond HIVEMIND_BACKUP_KEEP are removed.",
                "A running daemon does the work; without one, this command does it under the agent lock."})
public final class BackupCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    @ParentCommand
    RootCommand root;

    @Option(names = "--json", description = "Print the result as JSON (operation, success, code, reason, message, version, file).")
    boolean json;

    private final Context ctx;

    public BackupCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        return new OperationRunner(ctx).run(root.config(), new ControlRequest.Backup(), ControlClient.NO_TIMEOUT, json);
    }
}
