#!/usr/bin/env bash
# The updater agent's resident memory when idle, in its own image (issue 15: at most 96 MiB):
# the image's daemon (`hivemind-updater run`) in a container on a throwaway stack directory,
# polling a release host that does not answer and reporting to a server that is not there (what
# an idle agent does, minus the bytes of a 304), measured after BENCH_IDLE_SECONDS, once with the
# image's own JVM options (JAVA_DEFAULT_OPTS, MALLOC_ARENA_MAX) and once with the JVM's defaults.
# Prints the process's VmRSS (anonymous + file-backed), the container's memory as `docker stats`
# counts it, and the thread count. docs/benchmarks.md records the figures.
#
# Usage: updater-agent/bench/idle-memory.sh IMAGE
#   IMAGE  an updater image built by compose/build-images.sh, e.g. ghcr.io/seglamater/hivemind-updater:0.1.0
# Environment: BENCH_IDLE_SECONDS (default 60), BENCH_RUNS (runs per configuration, default 3).
# Needs a running Docker engine; the containers it starts are removed when it ends.
set -euo pipefail

IMAGE=${1:-}
IDLE=${BENCH_IDLE_SECONDS:-60}
RUNS=${BENCH_RUNS:-3}
log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 2; }

[ -n "$IMAGE" ] || die "usage: updater-agent/bench/idle-memory.sh IMAGE (an updater image built by compose/build-images.sh)"
docker image inspect "$IMAGE" >/dev/null 2>&1 || die "no image $IMAGE in the local engine (build it with compose/build-images.sh)"

containers=()
cleanup() { [ ${#containers[@]} -eq 0 ] || docker rm -f "${containers[@]}" >/dev/null 2>&1 || true; }
trap cleanup EXIT

kib_to_mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# measure LABEL [docker run options…]: one idle run; prints "rss anon file cgroup threads".
measure() {
    local name="hivemind-bench-idle-$$-${#containers[@]}"
    containers+=("$name")
    # Port 9 (discard) on the container's own loopback: nothing answers there.
    docker run -d --name "$name" --init --network none \
        --tmpfs /stack --tmpfs /backup --tmpfs /log \
        -e HIVEMIND_COMPOSE_PROJECT_DIR=/stack -e HIVEMIND_DATA_DIR=/stack/agent \
        -e HIVEMIND_UPDATE_URL=http://127.0.0.1:9/releases -e HIVEMIND_UPDATE_ALLOW_HTTP_LOOPBACK=true \
        -e HIVEMIND_UPDATE_INTERVAL=5m \
        -e HIVEMIND_ADMIN_URL=http://127.0.0.1:9 -e HIVEMIND_HEALTH_URL=http://127.0.0.1:9/health \
        -e HIVEMIND_BACKUP_DIR=/backup -e HIVEMIND_ENV_FILE=/stack/.env -e HIVEMIND_LOG_DIR=/log \
        "$@" --entrypoint sh "$IMAGE" -c \
        'mkdir -p /stack/agent && printf "services:\n  hivemind-server:\n    image: example.invalid/x\n" > /stack/docker-compose.yml && touch /stack/.env && exec hivemind-updater run' \
        >/dev/null
    sleep "$IDLE"
    local init java
    init=$(docker inspect -f '{{.State.Pid}}' "$name")
    [ "$init" != 0 ] || { docker logs "$name" >&2; die "the agent exited during the idle period"; }
    java=$(pgrep -P "$init" java || true)
    [ -n "$java" ] || { docker logs "$name" >&2; die "no java process under the container's init"; }
    local rss anon file threads cgroup
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$java/status")
    anon=$(awk '/^RssAnon:/ { print $2 }' "/proc/$java/status")
    file=$(awk '/^RssFile:/ { print $2 }' "/proc/$java/status")
    threads=$(awk '/^Threads:/ { print $2 }' "/proc/$java/status")
    cgroup=$(docker stats --no-stream --format '{{.MemUsage}}' "$name" | cut -d/ -f1 | tr -d ' ')
    docker rm -f "$name" >/dev/null
    printf '%s %s %s %s %s\n' "$(kib_to_mib "$rss")" "$(kib_to_mib "$anon")" "$(kib_to_mib "$file")" "$cgroup" "$threads"
}

echo "machine: $(nproc) cores; $(uname -sr); image $IMAGE; idle ${IDLE} s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %4s %10s %10s %10s %12s %8s\n' configuration run "RSS MiB" "anon MiB" "file MiB" "docker stats" threads
for config in image defaults; do
    for run in $(seq 1 "$RUNS"); do
        if [ "$config" = image ]; then
            read -r rss anon file cgroup threads < <(measure)
        else
            # The JVM's own defaults: only the image's out-of-memory exit, glibc's arena count.
            read -r rss anon file cgroup threads < <(measure -e JAVA_DEFAULT_OPTS=-XX:+ExitOnOutOfMemoryError -e MALLOC_ARENA_MAX=)
        fi
        printf '%-22s %4s %10s %10s %10s %12s %8s\n' "$config" "$run" "$rss" "$anon" "$file" "$cgroup" "$threads"
    done
done
