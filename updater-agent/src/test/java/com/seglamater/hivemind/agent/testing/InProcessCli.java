package com.seglamater.hivemind.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.seglamater.hivemind.agent.Main;
import com.seglamater.hivemind.agent.cli.AgentFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs {@code hivemind-updater} in-process, as {@code main} would, with a given environment and agents. */
public final class InProcessCli {

    private InProcessCli() {
    }

    /** What one run printed, and its exit code. */
    public record Result(int exitCode, String out, String err) {

        public List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        public JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    public static Result run(Map<String, String> env, AgentFactory agents, String... args) {
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
