package com.seglamater.hivemind.agent.compose;

import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.model.config.DotEnv;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Whether a directory can be the stack directory that compose runs in (without {@code -f}). */
public final class StackDirectory {

    /**
     * The file names compose v2 looks for in its working directory, in its order. The agent never
     * passes {@code -f}: one of them must be there, or compose says only "no configuration file
     * provided: not found".
     */
    public static final List<String> COMPOSE_FILES = List.of("compose.yaml", "compose.yml", "docker-compose.yaml",
            "docker-compose.yml");
    /** Compose's variable that lists the files instead (docs/updating.md suggests it beside the pins file). */
    static final String COMPOSE_FILE = "COMPOSE_FILE";

    private StackDirectory() {
    }

    /** {@link #require(Path, Map)} with the agent's own environment, which compose inherits. */
    public static void require(Path directory) throws StackDirectoryException {
        require(directory, System.getenv());
    }

    /**
     * @param environment where compose would find {@code COMPOSE_FILE}, besides the directory's {@code .env}
     * @throws StackDirectoryException when {@code directory} is missing, no directory, or has no
     *                                 compose file that compose would find
     */
    public static void require(Path directory, Map<String, String> environment) throws StackDirectoryException {
        if (!Files.isDirectory(directory)) {
            throw new StackDirectoryException(directory, Files.exists(directory)
                    ? StackDirectoryException.Problem.NOT_A_DIRECTORY : StackDirectoryException.Problem.MISSING);
        }
        if (COMPOSE_FILES.stream().noneMatch(name -> Files.isRegularFile(directory.resolve(name)))
                && !namesItsFiles(directory, environment)) {
            throw new StackDirectoryException(directory, StackDirectoryException.Problem.NO_COMPOSE_FILE);
        }
    }

    /** Whether COMPOSE_FILE is set, in the environment or in the directory's .env: then the files may have any name. */
    private static boolean namesItsFiles(Path directory, Map<String, String> environment) {
        String value = environment.get(COMPOSE_FILE);
        if (value != null && !value.isBlank()) {
            return true;
        }
        Path dotEnv = directory.resolve(".env");
        if (!Files.isRegularFile(dotEnv)) {
            return false;
        }
        try {
            // The statements only: a value that refers to a variable still sets COMPOSE_FILE for compose.
            return DotEnv.assignments(dotEnv, ".env").stream()
                    .anyMatch(a -> a.key().equals(COMPOSE_FILE) && !a.body().isBlank());
        } catch (ConfigException e) {
            return false; // unreadable or malformed: the missing compose file is what to report
        }
    }
}
