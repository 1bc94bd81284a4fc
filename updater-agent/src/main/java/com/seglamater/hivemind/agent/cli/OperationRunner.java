package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.control.ControlClient;
import com.seglamater.hivemind.agent.control.ControlRequest;
import com.seglamater.hivemind.agent.ops.OperationResult;

import java.io.IOException;
import java.io.PrintStream;
import java.net.SocketTimeoutException;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs one operation where it must run: on the daemon's worker when a daemon answers on the
 * control socket (it holds the agent lock), else in this process under the lock. Prints the
 * outcome and maps it to the exit code.
 */
final class OperationRunner {

    /**
     * How long a plain {@code check} waits for the daemon: a poll takes seconds, so a longer wait
     * means the worker is busy with an update. Changing operations wait without limit.
     */
    static final Duration POLL_TIMEOUT = Duration.ofMinutes(2);

    private final Context ctx;

    OperationRunner(Context ctx) {
        this.ctx = ctx;
    }

    int run(AgentConfig config, ControlRequest request, Duration daemonTimeout, boolean json) throws Exception {
        OperationResult result = execute(config, request, daemonTimeout);
        print(result, json);
        return ExitCode.of(result);
    }

    private OperationResult execute(AgentConfig config, ControlRequest request, Duration daemonTimeout)
            throws Exception {
        Optional<ControlClient> daemon;
        try {
            daemon = ControlClient.connect(config.dataDir());
        } catch (AccessDeniedException e) {
            throw CommandFailedException.usage("cannot use the updater daemon's control socket " + e.getFile()
                    + ": " + e.getReason());
        } catch (IOException e) {
            throw new CommandFailedException(ExitCode.FAILED, "cannot connect to the updater daemon in "
                    + config.dataDir() + ": " + e.getMessage(), e);
        }
        if (daemon.isPresent()) {
            try (ControlClient client = daemon.get()) {
                // Before a wait that can last minutes, so the operator knows who is working.
                ctx.err().println("asking the running updater daemon…");
                ctx.err().flush();
                return client.call(request, daemonTimeout);
            } catch (SocketTimeoutException e) {
                throw new CommandFailedException(ExitCode.BUSY, e.getMessage()
                        + ": it may be applying an update (see '" + RootCommand.NAME + " status')", e);
            } catch (IOException e) {
                throw new CommandFailedException(ExitCode.FAILED, "no answer from the updater daemon: " + e.getMessage()
                        + " (see '" + RootCommand.NAME + " status' for what happened)", e);
            }
        }
        try (LocalAgent agent = ctx.agents().local(config, request)) {
            return request.dispatch(agent);
        } catch (AgentBusyException e) {
            throw new CommandFailedException(ExitCode.BUSY, e.getMessage()
                    + " and no daemon answers on its control socket: another command or an update is running; "
                    + "try again when it is done", e);
        }
    }

    private void print(OperationResult result, boolean json) {
        if (json) {
            ctx.out().println(Json.write(result));
            return;
        }
        PrintStream stream = result.success() ? ctx.out() : ctx.err();
        stream.println(result.success() ? result.message() : RootCommand.NAME + ": " + result.message());
        result.version().ifPresent(v -> stream.println("version: " + v));
        result.file().ifPresent(f -> stream.println("file: " + f));
    }
}
