package com.seglamater.hivemind.agent.compose;

import com.seglamater.hivemind.agent.config.AgentConfig;

import java.nio.file.Path;

/**
 * The stack directory ({@code HIVEMIND_COMPOSE_PROJECT_DIR}) cannot be what every compose call
 * runs in: it is missing, not a directory, or holds no compose file. Said before a command is
 * run, because Java reports a missing working directory as "Cannot run program "docker"".
 */
public class StackDirectoryException extends ComposeException {

    /** What is wrong with the directory. */
    public enum Problem {
        MISSING("does not exist"),
        NOT_A_DIRECTORY("is not a directory"),
        NO_COMPOSE_FILE("holds no docker-compose.yml (nor compose.yaml)");

        private final String text;

        Problem(String text) {
            this.text = text;
        }
    }

    private final Path directory;
    private final Problem problem;

    public StackDirectoryException(Path directory, Problem problem) {
        super("the stack directory " + directory + " (" + AgentConfig.PROJECT_DIR + ") " + problem.text);
        this.directory = directory;
        this.problem = problem;
    }

    public Path directory() {
        return directory;
    }

    public Problem problem() {
        return problem;
    }

    /** The message without the variable's name, for a {@code ConfigException} that names it first. */
    public String withoutVariable() {
        return "the stack directory " + directory + " " + problem.text;
    }
}
