package com.seglamater.hivemind.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.seglamater.hivemind.agent.config.AgentConfig;
import com.seglamater.hivemind.agent.config.EnvFileEditor;
import com.seglamater.hivemind.model.config.ConfigException;
import com.seglamater.hivemind.model.config.DotEnv;
import com.seglamater.hivemind.model.release.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code channel [NAME]}: show the channel followed, or switch it by editing the one
 * {@code HIVEMIND_UPDATE_CHANNEL} line of the operator's env file ({@code HIVEMIND_ENV_FILE}).
 * It does not restart anything: compose applies the file at the next {@code up -d}.
 */
@Command(name = "channel",
        description = {"Without NAME: show the channel in effect and what the env file says.",
                "With NAME: set " + AgentConfig.CHANNEL + "=NAME in the operator's env file (" + AgentConfig.ENV_FILE
                        + ", default /etc/hivemind/.env), changing only that line; then run 'docker compose up -d' in "
                        + "the stack directory to apply it."})
public final class ChannelCommand implements Callable<Integer> {

    @Mixin
    HelpOption help;

    @ParentCommand
    RootCommand root;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "The channel to follow, e.g. canary or stable.")
    String name;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    private final Context ctx;

    public ChannelCommand(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
        if (name != null) {
            try {
                Names.requireChannel(name);
            } catch (IllegalArgumentException e) {
                throw CommandFailedException.usage(e.getMessage());
            }
        }
        RootCommand.Loaded loaded = root.load();
        return name == null ? show(loaded) : set(loaded.config().envFile());
    }

    private int set(Path envFile) throws Exception {
        EnvFileEditor.Change change;
        try {
            change = EnvFileEditor.set(envFile, AgentConfig.CHANNEL, name);
        } catch (IOException e) {
            // Name the operator's file, not the temp file the write went through.
            String why = e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.toString();
            throw new CommandFailedException(ExitCode.FAILED, "cannot write " + envFile + ": " + why
                    + " (nothing was changed)", e);
        }
        change.warnings().forEach(w -> ctx.err().println(RootCommand.NAME + ": warning: " + w));
        String override = ctx.env().get(AgentConfig.CHANNEL);
        if (override != null && !override.isBlank() && !override.strip().equals(name)) {
            ctx.err().println("note: " + AgentConfig.CHANNEL + "=" + override.strip()
                    + " in this environment overrides the file for commands run from it");
        }
        if (json) {
            ObjectNode o = Json.object();
            o.put("channel", name);
            o.put("envFile", envFile.toString());
            o.put("changed", change.changed());
            o.put("appended", change.appended());
            o.put("line", change.line());
            ctx.out().println(Json.write(o));
        } else {
            ctx.out().println((change.changed() ? "Channel set to " : "Channel already set to ") + name + " in "
                    + envFile + ". Run `docker compose up -d` in the stack directory to apply it.");
        }
        return ExitCode.OK;
    }

    /** Where the channel in effect comes from, as {@code Environment.merge} and {@code AgentConfig} decide. */
    private String source(RootCommand.Loaded loaded) {
        if (!ctx.env().getOrDefault(AgentConfig.CHANNEL, "").isBlank()) {
            return "environment";
        }
        if (!loaded.fileValues().getOrDefault(AgentConfig.CHANNEL, "").isBlank()) {
            return "env-file";
        }
        return "default";
    }

    private int show(RootCommand.Loaded loaded) {
        AgentConfig config = loaded.config();
        Path file = config.envFile();
        String status;
        Optional<String> inFile = Optional.empty();
        String problem = null;
        if (!Files.exists(file)) {
            status = "missing";
        } else {
            try {
                inFile = Optional.ofNullable(DotEnv.read(file, AgentConfig.ENV_FILE).get(AgentConfig.CHANNEL)).filter(v -> !v.isBlank());
                status = inFile.isPresent() ? "set" : "unset";
            } catch (ConfigException e) {
                status = "unreadable";
                problem = e.problem();
            }
        }
        String source = source(loaded);
        if (json) {
            ObjectNode o = Json.object();
            o.put("channel", config.channel());
            o.put("source", source);
            o.put("envFile", file.toString());
            o.put("envFileStatus", status);
            o.put("envFileChannel", inFile.orElse(null));
            ctx.out().println(Json.write(o));
            return ExitCode.OK;
        }
        ctx.out().println("channel in effect: " + config.channel() + " (" + switch (source) {
            case "environment" -> "from " + AgentConfig.CHANNEL + " in the environment";
            case "env-file" -> "from " + loaded.envFile().orElseThrow();
            default -> "the default";
        } + ")");
        ctx.out().println("env file " + file + ": " + switch (status) {
            case "missing" -> "does not exist";
            case "unreadable" -> "cannot be read: " + problem;
            case "set" -> AgentConfig.CHANNEL + "=" + inFile.orElseThrow();
            default -> "does not set " + AgentConfig.CHANNEL + " (the default, "
                    + AgentConfig.DEFAULTS.get(AgentConfig.CHANNEL) + ", applies)";
        });
        String fileChannel = inFile.orElse(status.equals("unset") ? AgentConfig.DEFAULTS.get(AgentConfig.CHANNEL) : null);
        if (fileChannel != null && !fileChannel.equals(config.channel())) {
            ctx.out().println("The env file names another channel: run `docker compose up -d` in the stack directory "
                    + "to apply it.");
        }
        return ExitCode.OK;
    }
}
