package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.control.ControlClient;
import com.seglamater.hivemind.agent.control.ControlRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code check}: poll the channel now, and with {@code --apply} install what it offers. */
@Command(name = "check",
        description = {"Poll the release channel now and verify what it offers.",
                "With --apply, install a verified release at once (also one awaiting approval, or one that "
                        + "failed and was rolled back before).",
                "A running daemon does the work (its worker holds the agent lock); without one, this command does it "
                        + "under the lock. Interrupting the command does not stop an update the daemon started."})
public final class CheckCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    @ParentCommand
    RootCommand root;

    @Option(names = "--apply", description = "Install the verified release now instead of only reporting it.")
    boolean apply;

    @Option(names = "--allow-downgrade", description = "With --apply: install the channel's release even if it is "
            + "older than what runs (e.g. after switching to a channel that lags behind). Every other check still holds.")
    boolean allowDowngrade;

    @Option(names = "--json", description = "Print the result as JSON (operation, success, code, reason, message, version, "
            + "file); when code is rejected, reason is the verifier's code (signature_rejected, expired, …).")
    boolean json;

    private final Context ctx;

    public CheckCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (allowDowngrade && !apply) {
            throw new CommandFailedException(ExitCode.USAGE, "--allow-downgrade needs --apply: a downgrade is only ever"
                    + " installed on request");
        }
        ControlRequest request = allowDowngrade ? new ControlRequest.Downgrade() : new ControlRequest.Check(apply);
        return new OperationRunner(ctx).run(root.config(), request,
                apply ? ControlClient.NO_TIMEOUT : OperationRunner.POLL_TIMEOUT, json);
    }
}
