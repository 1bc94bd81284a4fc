package com.seglamater.hivemind.agent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A fake {@code docker} CLI with state, for tests of the production wiring (which runs
 * {@code CliCompose}, i.e. real processes): a bash script that keeps its containers in files
 * and answers the commands the agent runs the way docker and compose v2 do.
 *
 * <ul>
 *   <li>{@code compose -p P config --services} lists the stack's services;</li>
 *   <li>{@code compose -p P up -d S} starts a new container for S with the image the
 *       pins file ({@code docker-compose.override.yml} in the working directory, as compose
 *       merges it) names for S, else the image docker-compose.yml names ({@link #composeImage});</li>
 *   <li>{@code pull}, {@code stop}, {@code run -d --no-deps --name N S ARGS} (a one-off, running
 *       until {@link #exitOneOff}), {@code exec -T DB pg_dump|pg_restore|psql}: the dump holds the
 *       schema version, a restore sets it back, and an image that {@link #migrates} moves it
 *       forward when its container starts;</li>
 *   <li>{@code docker ps -a --filter label=…service=S …} and {@code docker inspect ID…} with the
 *       JSON that {@code Inspection} reads; {@code docker ps --quiet --filter name=^/N$ --filter
 *       status=running}; {@code docker rm -f N}.</li>
 * </ul>
 *
 * Anything else fails with exit code 2, so an unexpected call shows. Every call is logged in
 * order ({@link #calls()}); the test can add its own lines to that timeline ({@link #note}).
 */
public final class StatefulDocker {

    public static final String PINS_FILE = "docker-compose.override.yml";

    private static final String SCRIPT = """
            #!/usr/bin/env bash
            set -u
            dir="$(cd "$(dirname "$0")" && pwd)"
            state="$dir/state"
            line="$PWD"
            for a in "$@"; do line="$line"$'\\037'"$a"; done
            printf '%s\\n' "$line" >> "$dir/calls.log"
            unsupported() { echo "fake docker: unsupported call: $*" >&2; exit 2; }

            # The image compose would start for a service: the pins file first, then docker-compose.yml.
            image_for() {
              local pins="$PWD/docker-compose.override.yml" image=""
              if [ -f "$pins" ]; then
                image="$(awk -v s="  $1:" '$0 == s { found = 1; next }
                  found && /^    image: "/ { sub(/^    image: "/, ""); sub(/"$/, ""); print; exit }
                  /^  [^ ]/ { found = 0 }' "$pins")"
              fi
              [ -n "$image" ] || image="$(cat "$state/compose/$1" 2>/dev/null)"
              printf '%s' "$image"
            }

            start() {
              local c="$state/containers/$1" n
              n=$(( $(cat "$state/counter" 2>/dev/null || echo 0) + 1 ))
              echo "$n" > "$state/counter"
              mkdir -p "$c"
              printf '%s' "$2" > "$c/image"
              printf '%012x%052d' "$((n * 7919 + 3054))" 0 > "$c/id"
              echo true > "$c/running"
              date -u +%Y-%m-%dT%H:%M:%S.%NZ > "$c/created"
            }

            inspect_one() {
              local c="$1" s running status
              s="$(basename "$c")"
              running="$(cat "$c/running")"
              status=exited; [ "$running" = true ] && status=running
              printf '{"Id":"%s","Created":"%s","Name":"/hivemind-%s-1","State":{"Status":"%s","Running":%s,"Health":{"Status":"healthy","FailingStreak":0,"Log":[]}},"Config":{"Image":"%s","Labels":{"com.docker.compose.service":"%s"}}}' \\
                "$(cat "$c/id")" "$(cat "$c/created")" "$s" "$status" "$running" "$(cat "$c/image")" "$s"
            }

            if [ "${1:-}" = compose ]; then
              [ "${2:-}" = -p ] || unsupported "$@"
              sub="${4:-}"
              shift 4
              [ -e "$dir/fail-$sub" ] && { cat "$dir/fail-$sub" >&2; exit 1; }
              case "$sub" in
                config)
                  case "$*" in
                    --services) cat "$state/services" ;;
                    "") ;; # the whole configuration: no service depends on another here
                    --hash=\\*) ;; # no container carries a hash here: none differs from its definition
                    *) unsupported config "$@" ;;
                  esac ;;
                pull) [ "${1:-}" = --quiet ] || unsupported pull "$@" ;;
                up)
                  [ "$#" = 2 ] && [ "$1" = -d ] || unsupported up "$@"
                  image="$(image_for "$2")"
                  [ -n "$image" ] || { echo "no such service: $2" >&2; exit 1; }
                  start "$2" "$image"
                  # A server image migrates the database forward as it starts, never back.
                  m="$(awk -v i="$image" '$1 == i { print $2 }' "$state/migrations" 2>/dev/null)"
                  if [ -n "$m" ] && [ "$m" -gt "$(cat "$state/schema")" ]; then echo "$m" > "$state/schema"; fi ;;
                stop) [ -d "$state/containers/$1" ] && echo false > "$state/containers/$1/running" ;;
                run)
                  [ "${1:-}" = -d ] && [ "${2:-}" = --no-deps ] && [ "${3:-}" = --name ] || unsupported run "$@"
                  name="$4"
                  shift 4
                  mkdir -p "$state/oneoffs"
                  printf '%s\\n' "$@" > "$state/oneoffs/$name"
                  touch "$state/oneoffs/$name.running"
                  echo "oneoff-$name" ;;
                exec)
                  [ "${1:-}" = -T ] || unsupported exec "$@"
                  case "${3:-}" in
                    pg_dump) printf 'PGDMP fake custom-format dump, schema %s\\n' "$(cat "$state/schema")" ;;
                    pg_restore)
                      cat > "$state/restored"
                      sed -n 's/^PGDMP.* schema \\([0-9][0-9]*\\)$/\\1/p' "$state/restored" > "$state/schema" ;;
                    psql) cat "$state/schema" ;;
                    *) unsupported exec "$@" ;;
                  esac ;;
                *) unsupported compose "$sub" "$@" ;;
              esac
              exit 0
            fi

            case "${1:-}" in
              ps)
                shift
                if [ "${1:-}" = -a ]; then
                  service=""
                  for a in "$@"; do
                    case "$a" in label=com.docker.compose.service=*) service="${a#label=com.docker.compose.service=}" ;; esac
                  done
                  [ -n "$service" ] && [ -f "$state/containers/$service/id" ] && cut -c1-12 "$state/containers/$service/id"
                else
                  name=""
                  for a in "$@"; do
                    case "$a" in name=*) name="${a#name=^/}"; name="${name%\\$}" ;; esac
                  done
                  [ -n "$name" ] && [ -e "$state/oneoffs/$name.running" ] && echo "0ff0ff0ff0ff"
                fi
                exit 0 ;;
              inspect)
                shift
                out="" sep=""
                for id in "$@"; do
                  for c in "$state"/containers/*; do
                    if [ -f "$c/id" ] && [[ "$(cat "$c/id")" == "$id"* ]]; then
                      out="$out$sep$(inspect_one "$c")"; sep=","
                    fi
                  done
                done
                printf '[%s]\\n' "$out"
                exit 0 ;;
              rm)
                [ "${2:-}" = -f ] || unsupported "$@"
                if [ -f "$state/oneoffs/$3" ]; then
                  rm -f "$state/oneoffs/$3" "$state/oneoffs/$3.running"; echo "$3"
                else
                  echo "Error response from daemon: No such container: $3" >&2; exit 1
                fi ;;
              *) unsupported "$@" ;;
            esac
            """;

    private final Path bin;
    private final Path state;
    private final Path projectDir;

    /** The script as {@code root/bin/docker}, its state in {@code root/bin/state}, the stack directory {@code root/stack}. */
    public StatefulDocker(Path root, List<String> services, String schema) throws IOException {
        this.bin = Files.createDirectories(root.resolve("bin"));
        this.state = Files.createDirectories(bin.resolve("state"));
        this.projectDir = Files.createDirectories(root.resolve("stack"));
        // CliCompose refuses a stack directory without a compose file; the images it would name
        // are kept in the state instead (composeImage).
        Files.writeString(projectDir.resolve("docker-compose.yml"), "services: {}\n");
        Files.createDirectories(state.resolve("compose"));
        Files.createDirectories(state.resolve("containers"));
        Path script = bin.resolve("docker");
        Files.writeString(script, SCRIPT);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(state.resolve("services"), String.join("\n", services) + "\n");
        Files.writeString(state.resolve("schema"), schema + "\n");
    }

    /** What {@code HIVEMIND_COMPOSE_COMMAND} names: this docker's compose plugin. */
    public String composeCommand() {
        return bin.resolve("docker") + " compose";
    }

    public Path projectDir() {
        return projectDir;
    }

    public Path pinsFile() {
        return projectDir.resolve(PINS_FILE);
    }

    /** The image docker-compose.yml names for {@code service} (used where the pins file names none). */
    public void composeImage(String service, String image) {
        write(state.resolve("compose").resolve(service), image);
    }

    /** A container started from {@code image} migrates the database to {@code schema} (if that is newer). */
    public void migrates(String image, String schema) {
        try {
            Files.writeString(state.resolve("migrations"), image + " " + schema + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The database's schema version now. */
    public String schema() {
        return read(state.resolve("schema")).orElseThrow();
    }

    /** What the last {@code pg_restore} read on its stdin. */
    public Optional<String> restored() {
        return read(state.resolve("restored"));
    }

    /** A running container of {@code service}, as after an earlier {@code up -d}. */
    public void running(String service, String image) {
        Path c = state.resolve("containers").resolve(service);
        try {
            Files.createDirectories(c);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(c.resolve("image"), image);
        write(c.resolve("id"), String.format("%012x%052d", Math.abs((long) service.hashCode()), 0));
        write(c.resolve("running"), "true\n");
        write(c.resolve("created"), "2026-01-01T00:00:00.000000000Z\n");
    }

    /** The image the service's container runs, if it has one. */
    public Optional<String> imageOf(String service) {
        return read(state.resolve("containers").resolve(service).resolve("image"));
    }

    /** Changes each time the service's container is recreated; empty when it has none. */
    public Optional<String> containerId(String service) {
        return read(state.resolve("containers").resolve(service).resolve("id"));
    }

    public boolean runs(String service) {
        return read(state.resolve("containers").resolve(service).resolve("running")).map("true"::equals).orElse(false);
    }

    /** The arguments of the one-off container {@code name} (service first), if one was started and not removed. */
    public Optional<List<String>> oneOff(String name) {
        return read(state.resolve("oneoffs").resolve(name)).map(text -> List.of(text.split("\n")));
    }

    /** The one-off container {@code name} has ended (it stays until {@code docker rm}). */
    public void exitOneOff(String name) throws IOException {
        Files.deleteIfExists(state.resolve("oneoffs").resolve(name + ".running"));
    }

    /** Makes compose subcommand {@code sub} fail with {@code stderr} until {@link #heal}. */
    public void fail(String sub, String stderr) {
        write(bin.resolve("fail-" + sub), stderr);
    }

    public void heal(String sub) throws IOException {
        Files.deleteIfExists(bin.resolve("fail-" + sub));
    }

    /** Adds {@code text} to the call timeline, e.g. what the fake server saw, to check the order of both. */
    public synchronized void note(String text) {
        try {
            Files.writeString(bin.resolve("calls.log"), "#" + text + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The timeline: each docker call as its arguments joined by spaces ({@code compose -p hivemind
     * up -d hivemind-server}), and each {@link #note} as {@code #text}.
     */
    public List<String> calls() throws IOException {
        Path log = bin.resolve("calls.log");
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log, StandardCharsets.UTF_8).stream().map(line -> {
            if (line.startsWith("#")) {
                return line;
            }
            List<String> fields = Arrays.asList(line.split("\u001f", -1));
            return String.join(" ", fields.subList(1, fields.size()));
        }).toList();
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
