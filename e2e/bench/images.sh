#!/usr/bin/env bash
# Image sizes and cold starts of hivemind-server and hivemind-updater, as compose/build-images.sh
# builds them from the packaged jars. Prints, per image: its size (and how many layers the
# two share), and over RUNS cold starts each:
#   server:  `docker run` of a new container (database already up and migrated, on a user-defined
#            network) to the first 200 from /health on its published port;
#   updater: `docker run --rm IMAGE --version`, the JVM's start and exit (what every
#            `docker compose exec hivemind-updater hivemind-updater …` pays once);
# and the server's resident memory after its start and after 10 s of wrk on /health and on an
# authenticated read (GET /api/v1/me with a session cookie), each at 32 connections (the API's rate
# limit off, as in server/bench/run.sh: all from one address, it would answer 429 after 600).
# docs/benchmarks.md records the figures. Needs what scripts/test sets up: a Docker engine, the
# registry on 127.0.0.1:5000 (only for the tags) and the base image local/debian:trixie, and
# the PostgreSQL stand-in of the e2e tests (built here if missing), and wrk for the server's memory
# under load (skipped without it). Everything it starts is
# removed at exit; all traffic stays on this host.
#
# Usage: e2e/bench/images.sh          Environment: RUNS (default 5), JAVA_HOME (a JDK 21+).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
RUNS=${RUNS:-5}
BASE=${HIVEMIND_E2E_BASE_IMAGE:-local/debian:trixie}
REPO=127.0.0.1:5000/bench
NET=hivemind-bench
log() { printf 'bench: %s\n' "$*" >&2; }

[ -f server/target/hivemind-server.jar ] || { log "run mvn -DskipTests package first"; exit 2; }
keys=$(mktemp -d)
cleanup() {
    docker rm -f hivemind-bench-db hivemind-bench-server >/dev/null 2>&1 || true
    docker network rm "$NET" >/dev/null 2>&1 || true
    rm -rf "$keys"
}
trap cleanup EXIT

# A throw-away keyring for the updater image (the build refuses none).
"${JAVA_HOME:?set JAVA_HOME to a JDK 21+}/bin/java" -jar manifest-signer/target/manifest-signer.jar keygen --no-passphrase --output "$keys/k.asc" \
    --uid "bench (TEST ONLY) <bench@example.org>" >/dev/null
"${JAVA_HOME:?set JAVA_HOME to a JDK 21+}/bin/java" -jar manifest-signer/target/manifest-signer.jar keyring add --keyring "$keys/ring.asc" "$keys/k.pub.asc" >/dev/null
log "building the images (build-images.sh)"
compose/build-images.sh --version 0.0.0-bench --repository "$REPO" --base "$BASE" --keyring "$keys/ring.asc" 2>/dev/null
server=$REPO/hivemind-server:0.0.0-bench
updater=$REPO/hivemind-updater:0.0.0-bench
db=127.0.0.1:5000/e2e/postgres-standin:17
if ! docker image inspect "$db" >/dev/null 2>&1; then
    docker build -q --build-arg "BASE=$BASE" -t "$db" e2e/src/test/docker/postgres-standin >/dev/null
fi

mib() { awk -v b="$1" 'BEGIN { printf "%.0f MiB", b / 1048576 }'; }
size() { docker image inspect --format '{{.Size}}' "$1"; }
shared=0
for layer in $(docker image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$server"); do
    if docker image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$updater" | grep -qx "$layer"; then
        shared=$((shared + 1))
    fi
done
echo "== image sizes (uncompressed, as docker image inspect reports them)"
printf '%-18s %s\n' "base ($BASE)" "$(mib "$(size "$BASE")")"
printf '%-18s %s\n' hivemind-server "$(mib "$(size "$server")")"
printf '%-18s %s\n' hivemind-updater "$(mib "$(size "$updater")")"
echo "layers shared by the two images: $shared (the base; the server has OpenJDK 25, the updater OpenJDK 21)"

ms() { date +%s%3N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

docker network create "$NET" >/dev/null
docker run -d --name hivemind-bench-db --network "$NET" -e POSTGRES_USER=hivemind -e POSTGRES_DB=hivemind \
    -e POSTGRES_PASSWORD=bench "$db" >/dev/null
for _ in $(seq 1 60); do docker exec hivemind-bench-db pg_isready -U hivemind -d hivemind >/dev/null 2>&1 && break; sleep 1; done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 18599)

echo "== server: docker run to the first /health 200 (database up; the first run also migrates it)"
times=()
for run in $(seq 1 "$RUNS"); do
    docker rm -f hivemind-bench-server >/dev/null 2>&1 || true
    start=$(ms)
    docker run -d --name hivemind-bench-server --network "$NET" -p "127.0.0.1:$port:8585" \
        -e HIVEMIND_DB_URL=jdbc:postgresql://hivemind-bench-db:5432/hivemind -e DB_PASSWORD=bench \
        -e HIVEMIND_RATE_LIMIT_API=off "$server" >/dev/null
    until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health" 2>/dev/null)" = 200 ]; do
        [ $(( $(ms) - start )) -lt 60000 ] || { log "server not healthy within 60 s"; docker logs hivemind-bench-server | tail -5; exit 1; }
        sleep 0.05
    done
    t=$(( $(ms) - start ))
    printf '  run %d: %d ms%s\n' "$run" "$t" "$([ "$run" = 1 ] && echo ' (migrates the empty database)')"
    [ "$run" = 1 ] || times+=("$t")
done
printf '  median of runs 2-%d: %s ms\n' "$RUNS" "$(printf '%s\n' "${times[@]}" | median)"
rss=$(docker stats --no-stream --format '{{.MemUsage}}' hivemind-bench-server | cut -d/ -f1)
echo "  memory right after start (docker stats): $rss"
# The server's java process: the container's first process, or its child under an init.
pid=$(docker inspect --format '{{.State.Pid}}' hivemind-bench-server)
for p in "$pid" $(pgrep -P "$pid" || true); do [ "$(cat "/proc/$p/comm")" = java ] && java_pid=$p; done
vmrss() { awk '/^VmRSS:/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$java_pid/status"; }
if command -v wrk >/dev/null 2>&1 && [ -n "${java_pid:-}" ]; then
    echo "== server: resident memory (VmRSS, the AOT cache's mapped pages included) under load"
    echo "  after the start: $(vmrss)"
    wrk -t1 -c32 -d10s "http://127.0.0.1:$port/health" \
        | sed -n 's/^Requests\/sec: */  \/health, wrk -t1 -c32 10 s: /p; s/^ *\(Non-2xx.*\)/  NOT ALL 2xx: \1/p'
    # An account made beside the running server, as an operator would, for the authenticated read.
    printf 'bench password, not secret\n' | docker exec -i hivemind-bench-server hivemind-server users create \
        --username bench --role user --password-file - >/dev/null 2>&1 || true
    session=$(curl -fs -D - -o /dev/null -H 'Content-Type: application/json' \
        -d '{"username":"bench","password":"bench password, not secret"}' "http://127.0.0.1:$port/api/v1/session" \
        | sed -n 's/^[Ss]et-[Cc]ookie: hivemind_session=\([^;]*\).*/\1/p')
    if [ -n "$session" ]; then
        wrk -t1 -c32 -d10s -H "Cookie: hivemind_session=$session" "http://127.0.0.1:$port/api/v1/me" \
            | sed -n 's/^Requests\/sec: */  \/api\/v1\/me (session cookie), wrk -t1 -c32 10 s: /p; s/^ *\(Non-2xx.*\)/  NOT ALL 2xx: \1/p'
    else
        log "could not sign in a benchmark account: the authenticated read is left out"
    fi
    echo "  after the load: $(vmrss)"
fi

echo "== updater: docker run --rm IMAGE --version (JVM start to exit)"
times=()
for run in $(seq 1 "$RUNS"); do
    start=$(ms)
    docker run --rm "$updater" --version >/dev/null
    times+=($(( $(ms) - start )))
    printf '  run %d: %d ms\n' "$run" "${times[-1]}"
done
printf '  median: %s ms\n' "$(printf '%s\n' "${times[@]}" | median)"
