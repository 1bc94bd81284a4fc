package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.model.config.DotEnv;
import com.seglamater.hivemind.model.config.Environment;
import com.seglamater.hivemind.model.version.JarVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** {@code hivemind-updater}: the options every command inherits, and the configuration they give. */
@Command(name = RootCommand.NAME, mixinStandardHelpOptions = true, versionProvider = RootCommand.Version.class,
        description = {"The Hivemind updater agent: follows a signed release channel and updates the docker compose "
                + "stack (see docs/updating.md).",
                "Configuration comes from HIVEMIND_* variables: the process environment, over --env-file FILE."},
        synopsisSubcommandLabel = "COMMAND")
public final class RootCommand implements Runnable {

    public static final String NAME = "hivemind-updater";

    /**
     * @param config     the validated configuration
     * @param envFile    the file given with {@code --env-file}
     * @param fileValues what that file sets (empty without one)
     */
    public record Loaded(AgentConfig config, Optional<Path> envFile, Map<String, String> fileValues) {
    }

    @Option(names = DotEnv.OPTION, scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Read HIVEMIND_* variables from FILE (dotenv, as docker compose reads .env); "
                    + "a variable set in the environment wins over the file.")
    Path envFile;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print the stack trace of an error.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Context ctx;

    public RootCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** The configuration of this run: the environment over {@code --env-file}, validated. */
    public Loaded load() throws ConfigException {
        Map<String, String> fileValues = envFile == null ? Map.of() : DotEnv.read(envFile);
        AgentConfig config = AgentConfig.from(Environment.merge(fileValues, ctx.env()));
        return new Loaded(config, Optional.ofNullable(envFile), fileValues);
    }

    public AgentConfig config() throws ConfigException {
        return load().config();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {NAME + " " + JarVersion.of(RootCommand.class)};
        }
    }
}
