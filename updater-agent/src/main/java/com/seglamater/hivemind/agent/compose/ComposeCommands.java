package com.seglamater.hivemind.agent.compose;

import com.seglamater.hivemind.agent.config.AgentConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How {@link CliCompose}'s calls are spelled and run: {@code COMPOSE -p PROJECT SUBCOMMAND…}
 * without {@code -f}, and {@code DOCKER SUBCOMMAND…}, each in the stack directory with the
 * command timeout. Before each call the stack directory is checked ({@link StackDirectory}): Java
 * would report a missing one as "Cannot run program "docker"". Messages name a call without its
 * {@code -p PROJECT} and an exec'd program without its options ({@code docker compose exec
 * hivemind-db psql …}), so that the cause that follows is read.
 */
final class ComposeCommands {

    /** A container name the agent gives or accepts (docker's own rule). */
    static final Pattern CONTAINER_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

    private final List<String> compose;
    private final List<String> docker;
    private final Path projectDir;
    private final String project;
    private final AgentConfig.Services services;
    private final Duration timeout;
    private final ProcessRunner runner;

    ComposeCommands(AgentConfig config, List<String> docker, ProcessRunner runner) {
        this.compose = List.copyOf(config.composeCommand());
        this.docker = List.copyOf(docker);
        this.projectDir = config.projectDir();
        this.project = config.projectName();
        this.services = config.services();
        this.timeout = config.timeouts().command();
        this.runner = runner;
    }

    /** {@code docker compose} and {@code /x/docker compose} bring their docker; with v1 it is {@code docker} from PATH. */
    static List<String> dockerCommand(List<String> composeCommand) {
        return composeCommand.size() == 2 ? List.of(composeCommand.get(0)) : List.of("docker");
    }

    Path projectDir() {
        return projectDir;
    }

    /** The compose project, whose label marks its containers. */
    String project() {
        return project;
    }

    ProcessRunner.Result compose(List<String> subcommand) throws ComposeException {
        // The project option is the same in every call and would only lengthen the message.
        return run(invocation(composeArgv(subcommand)).withSummary(Invocation.abbreviate(concat(compose, subcommand))));
    }

    /** {@link #compose}, its output never logged (the whole configuration holds the services' secrets). */
    ProcessRunner.Result composeQuietly(List<String> subcommand) throws ComposeException {
        return run(invocation(composeArgv(subcommand)).withQuietStdout()
                .withSummary(Invocation.abbreviate(concat(compose, subcommand))));
    }

    ProcessRunner.Result docker(List<String> subcommand, String summary) throws ComposeException {
        return run(invocation(concat(docker, subcommand)).withSummary(Invocation.abbreviate(docker) + " " + summary));
    }

    /** {@code docker SUBCOMMAND…} whose output is never logged (an inspection holds the containers' environments). */
    ProcessRunner.Result dockerQuietly(List<String> subcommand) throws ComposeException {
        return run(invocation(concat(docker, subcommand)).withQuietStdout());
    }

    /**
     * {@code exec -T DB PROGRAM --username=… --dbname=… --no-password OPTIONS…}; no password prompt
     * can hang it. Named {@code COMPOSE exec DB PROGRAM …}: the options (SQL among them) would bury the cause.
     */
    Invocation database(String program, String... options) {
        List<String> exec = concat(List.of("exec", "-T", services.database(), program, "--username=" + services.dbUser(),
                "--dbname=" + services.dbName(), "--no-password"), List.of(options));
        return invocation(composeArgv(exec)).withSummary(
                Invocation.abbreviate(concat(compose, List.of("exec", services.database(), program))) + " …");
    }

    /** Runs a call in the stack directory, once it is known to be one; a missing docker names the variable that chose it. */
    ProcessRunner.Result run(Invocation invocation) throws ComposeException {
        StackDirectory.require(projectDir);
        try {
            return runner.run(invocation);
        } catch (ProgramNotFoundException e) {
            throw new ProgramNotFoundException(e.program(), e.getMessage() + " (" + AgentConfig.COMPOSE_COMMAND + "="
                    + String.join(" ", compose) + ")", e);
        }
    }

    static String containerName(String name) {
        if (name == null || !CONTAINER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a container name: " + name);
        }
        return name;
    }

    static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    private List<String> composeArgv(List<String> subcommand) {
        return concat(concat(compose, List.of("-p", project)), subcommand);
    }

    private Invocation invocation(List<String> argv) {
        return Invocation.of(argv, projectDir, timeout);
    }
}
