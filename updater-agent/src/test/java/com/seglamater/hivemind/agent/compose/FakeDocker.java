package com.seglamater.hivemind.agent.compose;

import com.seglamater.hivemind.agent.config.AgentConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A fake {@code docker} and {@code docker-compose} (one bash script under both names) that records
 * each call as {@code cwd␟program␟arg…} in calls.log and answers from files named after the call's
 * key: the compose subcommand ({@code pull}, {@code up}, …; {@code exec-PROGRAM} for exec;
 * {@code config} with its option appended, {@code config--services}) or the
 * docker subcommand ({@code ps}, {@code inspect}, {@code rm}). For a key: {@code out-KEY} is
 * printed to stdout, {@code err-KEY} to stderr, {@code exit-KEY} holds the exit code,
 * {@code sleep-KEY} makes it hang (its sleep's pid goes to sleep.pid); stdin is copied to
 * {@code stdin-KEY}.
 */
final class FakeDocker {

    private static final String SCRIPT = """
            #!/usr/bin/env bash
            dir="$(cd "$(dirname "$0")" && pwd)"
            { printf '%s' "$PWD"; printf '\\037%s' "$(basename "$0")" "$@"; printf '\\n'; } >> "$dir/calls.log"
            args=("$@"); i=0
            [ "${args[0]:-}" = compose ] && i=1
            [ "${args[$i]:-}" = -p ] && i=$((i + 2))
            key="${args[$i]:-none}"
            [ "$key" = exec ] && key="exec-${args[$((i + 3))]:-}"
            [ "$key" = config ] && key="config${args[$((i + 1))]:-}"
            cat > "$dir/stdin-$key"
            if [ -e "$dir/sleep-$key" ]; then sleep 60 & echo $! > "$dir/sleep.pid"; wait; fi
            [ -e "$dir/out-$key" ] && cat "$dir/out-$key"
            [ -e "$dir/err-$key" ] && cat "$dir/err-$key" >&2
            [ -e "$dir/exit-$key" ] && exit "$(cat "$dir/exit-$key")"
            exit 0
            """;

    /** v2 is {@code /dir/docker compose}; v1 is {@code /dir/docker-compose} (its docker given to CliCompose directly). */
    enum Style { V2, V1 }

    final Path bin;
    final Path projectDir;
    final Style style;

    FakeDocker(Path root, Style style) throws IOException {
        this.bin = Files.createDirectories(root.resolve("bin"));
        this.projectDir = Files.createDirectories(root.resolve("stack"));
        // CliCompose refuses a stack directory without a compose file; the fake never reads it.
        Files.writeString(projectDir.resolve("docker-compose.yml"), "services: {}\n");
        this.style = style;
        for (String name : List.of("docker", "docker-compose")) {
            Path script = bin.resolve(name);
            Files.writeString(script, SCRIPT);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        }
    }

    AgentConfig config(Duration commandTimeout) throws Exception {
        String command = style == Style.V2 ? bin.resolve("docker") + " compose" : bin.resolve("docker-compose").toString();
        AgentConfig c = AgentConfig.from(Map.of(AgentConfig.COMPOSE_COMMAND, command,
                AgentConfig.PROJECT_DIR, projectDir.toString(), AgentConfig.PROJECT_NAME, "hm",
                AgentConfig.DB_SERVICE, "db", AgentConfig.DB_USER, "hm_user", AgentConfig.DB_NAME, "hm_data"));
        // AgentConfig refuses bounds under 10 s; the record itself takes any, which the timeout test needs.
        return new AgentConfig(c.channel(), c.updateUrl(), c.interval(), c.keyring(), c.dataDir(), c.adminUrl(),
                c.adminTokenFile(), c.healthUrl(), c.approval(), c.allowHttpLoopback(), c.clockSkew(),
                c.signatureThreshold(), c.composeCommand(), c.projectDir(), c.projectName(), c.envFile(), c.pinsFile(),
                c.backupDir(), c.backupKeep(), c.services(),
                new AgentConfig.Timeouts(commandTimeout, c.timeouts().health(), c.timeouts().drain()), c.logDir());
    }

    CliCompose compose(Duration commandTimeout) throws Exception {
        AgentConfig config = config(commandTimeout);
        return style == Style.V2 ? new CliCompose(config, new ProcessRunner())
                : new CliCompose(config, List.of(bin.resolve("docker").toString()), new ProcessRunner());
    }

    /** What the program name and leading words of a compose call are in this style. */
    List<String> composePrefix() {
        return style == Style.V2 ? List.of("docker", "compose", "-p", "hm") : List.of("docker-compose", "-p", "hm");
    }

    void answer(String key, String stdout) {
        write("out-" + key, stdout.getBytes(StandardCharsets.UTF_8));
    }

    void answer(String key, byte[] stdout) {
        write("out-" + key, stdout);
    }

    void fail(String key, int exitCode, String stderr) {
        write("exit-" + key, Integer.toString(exitCode).getBytes(StandardCharsets.UTF_8));
        write("err-" + key, stderr.getBytes(StandardCharsets.UTF_8));
    }

    void hang(String key) {
        write("sleep-" + key, new byte[0]);
    }

    byte[] stdinOf(String key) throws IOException {
        return Files.readAllBytes(bin.resolve("stdin-" + key));
    }

    long sleepPid() throws IOException {
        return Long.parseLong(Files.readString(bin.resolve("sleep.pid")).strip());
    }

    /** Whether the process is gone within a few seconds (a SIGKILL takes effect asynchronously). */
    static boolean diesSoon(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                Thread.sleep(50);
            } else {
                return true;
            }
        }
        return false;
    }

    /** One recorded call: working directory, then program name and arguments. */
    record Call(Path cwd, List<String> argv) {
    }

    List<Call> calls() throws IOException {
        Path log = bin.resolve("calls.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log).stream().map(line -> {
            List<String> fields = Arrays.asList(line.split("\u001f", -1));
            return new Call(Path.of(fields.get(0)), List.copyOf(fields.subList(1, fields.size())));
        }).toList();
    }

    List<List<String>> argvs() throws IOException {
        return calls().stream().map(Call::argv).toList();
    }

    private void write(String name, byte[] content) {
        try {
            Files.write(bin.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
