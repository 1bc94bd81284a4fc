package com.seglamater.hivemind.model.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Merges the dotenv file given with {@code --env-file} and the process environment.
 * A variable set (non-empty) in the process environment wins over the file, as in docker
 * compose, so an operator can override one value for one run without editing the file.
 */
public final class Environment {

    private Environment() {
    }

    /**
     * The value of {@code name}, stripped; empty when unset or blank, as a compose file's
     * {@code VAR=} line means "use the default".
     */
    public static Optional<String> value(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    public static Map<String, String> merge(Map<String, String> fileValues, Map<String, String> processEnv) {
        Map<String, String> merged = new HashMap<>(fileValues);
        processEnv.forEach((key, value) -> {
            if (value != null && !value.isBlank()) {
                merged.put(key, value);
            }
        });
        return merged;
    }

    /**
     * The configuration variables for these command-line arguments: {@code --env-file FILE}
     * (or {@code --env-file=FILE}) is the only option of this release.
     */
    public static Map<String, String> load(String program, String[] args, Map<String, String> processEnv) throws ConfigException {
        Path envFile = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals(DotEnv.OPTION)) {
                if (i + 1 >= args.length) {
                    throw new ConfigException(DotEnv.OPTION, "needs a file name");
                }
                envFile = path(args[++i]);
            } else if (arg.startsWith(DotEnv.OPTION + "=")) {
                envFile = path(arg.substring(DotEnv.OPTION.length() + 1));
            } else {
                throw new ConfigException(arg, "unknown option (usage: " + program + " [--env-file FILE])");
            }
        }
        Map<String, String> fileValues = envFile == null ? Map.of() : DotEnv.read(envFile);
        return merge(fileValues, processEnv);
    }

    private static Path path(String name) throws ConfigException {
        if (name.isEmpty()) {
            throw new ConfigException(DotEnv.OPTION, "needs a file name");
        }
        try {
            return Path.of(name);
        } catch (InvalidPathException e) {
            throw new ConfigException(DotEnv.OPTION, ConfigException.quote(name) + " is not a valid path");
        }
    }
}
