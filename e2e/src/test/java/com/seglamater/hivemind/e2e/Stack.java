package com.seglamater.hivemind.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One Hivemind stack installed by compose/install.sh under a root directory of the test's
 * (ROOT/etc/hivemind, ROOT/var/lib/hivemind, …), driven by compose v2 or v1 the way an operator
 * types the commands in the stack directory. Only image names, the published port and host paths
 * differ from a production install, all through the installer's --set and --root.
 */
final class Stack implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration COMMAND = Duration.ofMinutes(5);

    enum Flavor {
        V2("docker compose"), V1("docker-compose");

        final String command;

        Flavor(String command) {
            this.command = command;
        }
    }

    record Container(String service, String id, String image, String state, String health) {
    }

    record Health(int status, String version) {
    }

    final Lab lab;
    final Flavor flavor;
    final Path root;
    final String project;
    final String gateway;
    final String subnet;
    final int port;
    final Path configDir;
    final Path stackDir;
    final Path backupDir;
    final Path agentDir;
    private final Shell shell;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Stack(Lab lab, Flavor flavor, Path root, String project, int subnetOctet, int port) {
        this.lab = lab;
        this.flavor = flavor;
        this.root = root;
        this.project = project;
        this.subnet = "172.30." + subnetOctet + ".0/24";
        this.gateway = "172.30." + subnetOctet + ".1";
        this.port = port;
        this.configDir = root.resolve("etc/hivemind");
        this.stackDir = root.resolve("var/lib/hivemind");
        this.backupDir = root.resolve("var/backup/hivemind");
        this.agentDir = stackDir.resolve("agent");
        Map<String, String> env = flavor == Flavor.V2 ? Map.of("DOCKER_CONFIG", lab.dockerConfigV2.toString()) : Map.of();
        this.shell = Shell.in(root).withEnv(env);
    }

    /** compose/install.sh --root ROOT --compose FLAVOR --set … */
    Shell.Result install(Map<String, String> settings, String... more) {
        List<String> command = new ArrayList<>(List.of(lab.repo.resolve("compose/install.sh").toString(),
                "--root", root.toString(), "--compose", flavor.command));
        settings.forEach((k, v) -> command.addAll(List.of("--set", k + "=" + v)));
        command.addAll(List.of(more));
        return shell.run(Duration.ofMinutes(10), command);
    }

    /**
     * An operator's command line in the stack directory, exactly as the docs write it with
     * {@code docker compose}; with the v1 flavor the same line with {@code docker-compose}.
     */
    Shell.Result operator(String commandLine) {
        return operator(COMMAND, commandLine);
    }

    Shell.Result operator(Duration timeout, String commandLine) {
        String line = flavor == Flavor.V1 ? commandLine.replace("docker compose ", "docker-compose ") : commandLine;
        return shell.at(stackDir).bash(timeout, line);
    }

    Shell.Result docker(String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return shell.run(Duration.ofMinutes(2), command);
    }

    /** Runs the ExecStart lines of the installed hivemind-update-check.service in its WorkingDirectory. */
    Shell.Result forcedCheck() throws IOException {
        return runUnit("hivemind-update-check.service", Duration.ofMinutes(10));
    }

    Shell.Result runUnit(String unit, Duration timeout) throws IOException {
        List<String> lines = Files.readAllLines(root.resolve("etc/systemd/system").resolve(unit));
        String dir = lines.stream().filter(l -> l.startsWith("WorkingDirectory=")).findFirst()
                .map(l -> l.substring("WorkingDirectory=".length())).orElseThrow();
        Shell.Result last = null;
        for (String line : lines) {
            if (line.startsWith("ExecStart=")) {
                last = shell.at(Path.of(dir)).bash(timeout, line.substring("ExecStart=".length()));
                if (!last.ok()) {
                    return last;
                }
            }
        }
        if (last == null) {
            throw new AssertionError(unit + " has no ExecStart");
        }
        return last;
    }

    /** The containers of this project, one-off containers included, by compose service. */
    Map<String, Container> containers() {
        String ids = docker("ps", "-a", "-q", "--filter", "label=com.docker.compose.project=" + project).orFail().out();
        Map<String, Container> byService = new LinkedHashMap<>();
        for (String id : ids.lines().map(String::strip).filter(s -> !s.isEmpty()).toList()) {
            Shell.Result inspect = docker("inspect", "--format",
                    "{{index .Config.Labels \"com.docker.compose.service\"}}|{{index .Config.Labels \"com.docker.compose.oneoff\"}}"
                            + "|{{.Config.Image}}|{{.State.Status}}|{{if .State.Health}}{{.State.Health.Status}}{{end}}|{{.Name}}",
                    id);
            if (!inspect.ok()) {
                continue; // removed meanwhile
            }
            String[] f = inspect.out().strip().split("\\|", -1);
            String key = "True".equals(f[1]) ? f[5].replaceFirst("^/", "") : f[0];
            byService.put(key, new Container(f[0], id, f[2], f[3], f[4]));
        }
        return byService;
    }

    Container container(String service) {
        return Optional.ofNullable(containers().get(service))
                .orElseThrow(() -> new AssertionError("no container of " + service + ": " + containers()));
    }

    /** Waits until each of the stack's three services runs and is healthy. */
    void awaitHealthy(Duration bound) {
        await("every service healthy", bound, () -> {
            Map<String, Container> all = containers();
            return Stream.of("hivemind-db", "hivemind-server", "hivemind-updater")
                    .allMatch(s -> all.containsKey(s) && "healthy".equals(all.get(s).health()));
        });
    }

    Health health() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            String version = response.body().isEmpty() ? "" : JSON.readTree(response.body()).path("version").asText();
            return new Health(response.statusCode(), version);
        } catch (IOException e) {
            return new Health(0, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Health(0, "");
        }
    }

    /** {@code hivemind-updater status --json} in the updater's container, as an operator would ask. */
    JsonNode status() throws IOException {
        Shell.Result result = operator("docker compose exec -T hivemind-updater hivemind-updater status --json").orFail();
        return JSON.readTree(result.out());
    }

    Optional<JsonNode> journal() throws IOException {
        Path file = agentDir.resolve("journal.json");
        try {
            return Optional.of(JSON.readTree(Files.readString(file)));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        }
    }

    String pins() throws IOException {
        Path file = stackDir.resolve("docker-compose.override.yml");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    static void await(String what, Duration bound, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(bound);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not within " + bound.toSeconds() + " s: " + what);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    /** Removes every container, network and volume of the project, and the root directory. */
    @Override
    public void close() throws IOException {
        removeLeftovers(shell, project);
        if (Files.exists(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** What a project left behind, found by compose's labels (also before a run, after a crashed one). */
    static void removeLeftovers(Shell shell, String project) {
        String label = "label=com.docker.compose.project=" + project;
        String ids = shell.run(Duration.ofMinutes(1), "docker", "ps", "-a", "-q", "--filter", label).out().strip();
        if (!ids.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f", "-v"));
            rm.addAll(ids.lines().toList());
            shell.run(Duration.ofMinutes(2), rm);
        }
        for (String kind : List.of("network", "volume")) {
            String names = shell.run(Duration.ofMinutes(1), "docker", kind, "ls", "-q", "--filter", label).out().strip();
            if (!names.isEmpty()) {
                List<String> rm = new ArrayList<>(List.of("docker", kind, "rm"));
                rm.addAll(names.lines().toList());
                shell.run(Duration.ofMinutes(1), rm);
            }
        }
    }
}
