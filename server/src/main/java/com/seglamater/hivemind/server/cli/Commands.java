package com.seglamater.hivemind.server.cli;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.model.config.Environment;
import com.seglamater.hivemind.server.config.ServerConfig;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the server's commands ({@code users …}, {@code audit …}) share: one line on stderr per
 * failure with its exit code, usage errors with the usage, and the server's configuration read
 * as the server reads it.
 *
 * <p>Not cli-support's {@code CliConventions}, which the signer and the agent use: that models one
 * program per command line, while here each group ({@code users}, {@code audit}) has its own name
 * in messages and its own exit code for an unexpected failure (1 and 3, documented since they
 * shipped), a database failure is printed as its root cause alone, and a usage error with the
 * whole usage.
 */
public final class Commands {

    private Commands() {
    }

    /** A group of commands ({@code users}, {@code audit}): its name in messages and its code for the unexpected. */
    public record Group(String program, int unexpected) {
    }

    /**
     * Sets how {@code root} and its commands end: a {@link CommandFailure}'s own exit code,
     * {@code usage} for a usage error (with the usage), and the group's {@code unexpected} code for
     * any other exception (most likely the database), each as one line after the group's name.
     * picocli asks the root's handlers whichever command failed, so they find the group by the
     * failed command's first word below the root ({@code groups}; {@code top} for the root itself).
     */
    public static CommandLine configure(CommandLine root, PrintWriter out, PrintWriter err, int usage, Group top,
                                        Map<String, Group> groups) {
        root.setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler((e, line, parsed) -> failed(e, groupOf(line, top, groups), err));
        root.setParameterExceptionHandler((e, arguments) -> {
            err.println(groupOf(e.getCommandLine(), top, groups).program() + ": " + e.getMessage());
            e.getCommandLine().usage(err);
            return usage;
        });
        return root;
    }

    /** A command's failure as one line on {@code err}, and its exit code (see {@link #configure}). */
    static int failed(Exception e, Group group, PrintWriter err) {
        if (e instanceof CommandFailure f) {
            err.println(group.program() + ": " + f.getMessage());
            return f.code();
        }
        err.println(group.program() + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage())));
        return group.unexpected();
    }

    private static Group groupOf(CommandLine failed, Group top, Map<String, Group> groups) {
        CommandLine line = failed;
        while (line.getParent() != null && line.getParent().getParent() != null) {
            line = line.getParent();
        }
        return line.getParent() == null ? top : groups.getOrDefault(line.getCommandName(), top);
    }

    /** Runs a configured command line on all of {@code args}. */
    public static int executeAll(CommandLine commandLine, String[] args, PrintWriter out, PrintWriter err) {
        int code = commandLine.execute(args);
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
