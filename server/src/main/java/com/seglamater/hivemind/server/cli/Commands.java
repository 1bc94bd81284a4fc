package com.seglamater.hivemind.server.cli;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.model.config.Environment;
import com.seglamater.hivemind.server.config.ServerConfig;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the server's commands ({@code users …}, {@code audit …}) share: one line on stderr per
 * failure with its exit code, usage errors with the usage, and the server's configuration read
 * as the server reads it.
 *
 * <p>Not yet cli-support's {@code CliConventions}, which the signer and the agent use: these
 * commands print a database failure as its root cause alone and a usage error with the whole
 * usage, which their tests and docs rely on; the server CLI's rework (issue 13) should move them.
 */
public final class Commands {

    private Commands() {
    }

    /**
     * Runs {@code commandLine} on the arguments after {@code hivemind-server <group>} and returns the
     * exit code: a {@link CommandFailure}'s own, {@code usage} for a usage error, and
     * {@code unexpected} for any other exception (most likely the database), each as one line
     * after {@code program}.
     */
    public static int execute(CommandLine commandLine, String program, String[] args, PrintWriter out, PrintWriter err,
                              int usage, int unexpected) {
        commandLine.setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler((e, line, parsed) -> {
                    if (e instanceof CommandFailure f) {
                        err.println(program + ": " + f.getMessage());
                        return f.code();
                    }
                    err.println(program + ": " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage())));
                    return unexpected;
                });
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            err.println(program + ": " + e.getMessage());
            e.getCommandLine().usage(err);
            return usage;
        });
        int code = commandLine.execute(Arrays.copyOfRange(args, 1, args.length));
        out.flush();
        err.flush();
        return code;
    }

    /** The configuration as the server would read it, with {@code --env-file} when given; an error is {@code usage}. */
    public static ServerConfig config(String program, String envFile, Map<String, String> env, int usage) {
        List<String> args = new ArrayList<>();
        if (envFile != null) {
            args.add("--env-file");
            args.add(envFile);
        }
        try {
            return ServerConfig.from(Environment.load(program, args.toArray(String[]::new), env));
        } catch (ConfigException e) {
            throw new CommandFailure(usage, e.getMessage());
        }
    }

    /** The innermost cause's message on one line (the driver's "Connection to … refused"), or empty. */
    public static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? "" : oneLine(root.getMessage());
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ");
    }
}
