package com.seglamater.hivemind.agent.daemon;

import com.seglamater.hivemind.agent.ops.OperationCode;
import com.seglamater.hivemind.agent.ops.OperationResult;
import com.seglamater.hivemind.agent.ops.Operations;
import com.seglamater.hivemind.agent.server.ServerLink;
import com.seglamater.hivemind.agent.server.ServerUnavailableException;
import com.seglamater.hivemind.model.admin.CommandResult;
import com.seglamater.hivemind.model.admin.OperatorCommand;
import com.seglamater.hivemind.model.admin.PendingCommands;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Long-polls the server's command queue (check now, apply, approve, roll back) and acknowledges
 * each command with the outcome of the operation it asked for. While the server is down it
 * retries with a backoff from 1 s to 30 s.
 */
public final class CommandPoller {

    static final Duration WAIT = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(CommandPoller.class.getName());

    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final ServerLink server;
    private final Operations operations;
    private final Duration firstBackoff;

    public CommandPoller(ServerLink server, Operations operations) {
        this(server, operations, FIRST_BACKOFF);
    }

    CommandPoller(ServerLink server, Operations operations, Duration firstBackoff) {
        this.server = server;
        this.operations = operations;
        this.firstBackoff = firstBackoff;
    }

    /** Polls until {@code running} turns false or the thread is interrupted. */
    public void run(BooleanSupplier running) {
        Duration backoff = firstBackoff;
        while (running.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
            try {
                PendingCommands pending = server.commands(WAIT);
                backoff = firstBackoff;
                for (OperatorCommand command : pending.commands()) {
                    handle(command);
                }
            } catch (ServerUnavailableException e) {
                LOG.fine(() -> "command queue: " + e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** Runs one command and acknowledges it; an acknowledgement the server misses is redelivered by its lease. */
    void handle(OperatorCommand command) throws ServerUnavailableException {
        LOG.info(() -> "command " + command.id() + " " + command.kind() + " from " + command.requestedBy());
        OperationResult result = switch (command.kind()) {
            case CHECK_NOW -> operations.check(false);
            // An apply that names a release installs only that one, like an approval.
            case APPLY -> command.version().map(operations::approve).orElseGet(() -> operations.check(true));
            case APPROVE -> command.version().isPresent()
                    ? operations.approve(command.version().get())
                    : OperationResult.failed("approve", OperationCode.BAD_REQUEST, "an approval must name the release approved");
            case ROLLBACK -> operations.rollback();
        };
        String message = result.message().length() > 4000 ? result.message().substring(0, 4000) + "…" : result.message();
        server.commandResult(new CommandResult(command.id(), result.success(), message));
    }
}
