package com.seglamater.hivemind.agent.cli;

import com.seglamater.hivemind.agent.Main;
import com.seglamater.hivemind.agent.config.AgentConfig;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs {@code hivemind-updater} in-process, as {@code main} would, with a given environment and agents. */
final class Updater {

    record Result(int exitCode, String out, String err) {

        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    final FakeAgents agents;
    private final Map<String, String> env = new HashMap<>();

    Updater(FakeAgents agents) {
        this.agents = agents;
    }

    /** An updater whose data directory and env file live in {@code dir}. */
    static Updater in(Path dir) {
        return new Updater(new FakeAgents())
                .env(AgentConfig.DATA_DIR, dir.toString())
                .env(AgentConfig.ENV_FILE, dir.resolve(".env").toString());
    }

    Updater env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(o, e, env, agents, args);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
