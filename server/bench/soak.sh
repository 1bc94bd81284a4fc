#!/usr/bin/env bash
# Soak benchmark of hivemind-server (issue 15; a benchmark, not a CI test): moderate load for
# BENCH_SOAK_SECONDS (10 minutes by default) over a mix of what users and scripts ask (/health, an
# authenticated API read, a database-backed API list, the dashboard (/) and audit pages), on 127.0.0.1
# only, with the server image's JVM options on its embedded PostgreSQL. Before the load, once a
# minute during it and after it, prints the server's resident memory, heap in use, threads, open
# file descriptors and the database connections it holds; at the end, the change of each from the
# first sample to the last and whether it stayed flat. Every answer must be
# a 2xx: any other status or socket error fails the run. docs/benchmarks.md records the figures.
#
# Usage: server/bench/soak.sh          (from anywhere; builds the jar if it is missing)
# Environment: BENCH_SOAK_SECONDS (default 600), BENCH_CONNECTIONS (default 8), BENCH_THREADS
#              (default 1), BENCH_SAMPLE_SECONDS (default 60), JAVA_HOME (a JDK 21+),
#              BENCH_JAVA_OPTS (default: the server image's JAVA_DEFAULT_OPTS).
# Needs wrk, curl and psql (Debian: apt-get install wrk curl postgresql-client).
# Exit codes: 0 the run completed and everything stayed flat, 1 an answer was not 2xx, the server
# died or something grew (the summary says what), 2 a missing tool or setting.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BENCH_NAME=soak
BENCH_SETUP_EXIT=2
# shellcheck source=server/bench/lib.sh
. server/bench/lib.sh
SOAK=${BENCH_SOAK_SECONDS:-600}
CONNECTIONS=${BENCH_CONNECTIONS:-8}
THREADS=${BENCH_THREADS:-1}
SAMPLE=${BENCH_SAMPLE_SECONDS:-60}
read -r -a JOPTS <<<"${BENCH_JAVA_OPTS-$(image_java_opts)}"
# What may grow between the first and the last sample and still count as flat: a few threads
# (virtual-thread carriers, the JIT), a few descriptors (sockets between two requests), the pool.
THREAD_SLACK=4
FD_SLACK=8
MAX_DB_CONNECTIONS=10

need_tools wrk curl psql
[[ "$SOAK" =~ ^[0-9]+$ && "$SOAK" -ge 60 ]] || die "BENCH_SOAK_SECONDS must be a whole number of seconds, at least 60" 2
[[ "$SAMPLE" =~ ^[0-9]+$ && "$SAMPLE" -ge 5 ]] || die "BENCH_SAMPLE_SECONDS must be a whole number of seconds, at least 5" 2
need_jar

WORK=$(mktemp -d -t hivemind-soak-XXXXXX)
SERVER_PID=""
WRK_PID=""
cleanup() {
    [ -n "$WRK_PID" ] && kill "$WRK_PID" 2>/dev/null || true
    # SIGTERM, then wait: the shutdown hook stops the embedded PostgreSQL.
    [ -n "$SERVER_PID" ] && { kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true; }
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
PASSWORD="soak-password-$(date +%s)-not-secret"
embedded_server_env "$WORK" "$PORT" "$(free_port)"

log "creating the soak account (embedded database in $WORK/data)"
create_account soak admin "$PASSWORD"
log "starting hivemind-server on 127.0.0.1:$PORT"
"$JAVA_HOME/bin/java" "${JOPTS[@]}" -jar "$JAR" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
await_health "$PORT" "$SERVER_PID" "$WORK/server.log" soak
COOKIE="hivemind_session=$(sign_in "$PORT" soak "$PASSWORD" "$WORK/jar")"
for path in /health /api/v1/me /api/v1/sessions / /audit; do
    curl -fs --max-time 10 -o /dev/null -H "Cookie: $COOKIE" "$BASE$path" || die "GET $path did not answer 2xx"
done

# The mix, request by request in turn on each connection (wrk's Lua: one request() per call).
cat >"$WORK/mix.lua" <<LUA
local paths = { "/health", "/api/v1/me", "/health", "/api/v1/sessions", "/", "/api/v1/me", "/audit" }
local i = 0
wrk.headers["Cookie"] = "$COOKIE"
request = function()
    i = i % #paths + 1
    return wrk.format("GET", paths[i])
end
LUA

# The server's embedded PostgreSQL (its port in postmaster.pid, the superuser password beside it).
db_connections() {
    local port
    port=$(sed -n 4p "$WORK/data/postgres/postmaster.pid")
    PGPASSWORD=$(cat "$WORK/data/postgres.password") PGCONNECT_TIMEOUT=5 \
        psql -X -q -A -t -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        -c "SELECT count(*) FROM pg_stat_activity WHERE datname = 'hivemind' AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
}
# Heap in use (jcmd GC.heap_info: the generations' or regions' used, not metaspace), in MiB; '-' without jcmd.
heap_used() {
    if [ -x "$JAVA_HOME/bin/jcmd" ]; then
        "$JAVA_HOME/bin/jcmd" "$SERVER_PID" GC.heap_info 2>/dev/null | awk '
            /Metaspace|class space/ { next }
            /used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); total += v } }
            END { if (total) printf "%.1f", total / 1024; else print "-" }'
    else
        echo -
    fi
}
# sample LABEL → one line: label seconds rss_mib heap_mib threads fds db_connections
START=$(date +%s)
sample() {
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server died during the soak (log: below)"
    local rss threads fds
    rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status")
    threads=$(awk '/^Threads:/ { print $2 }' "/proc/$SERVER_PID/status")
    fds=$(find "/proc/$SERVER_PID/fd" -mindepth 1 -maxdepth 1 | wc -l)
    printf '%-8s %7s %9s %9s %8s %6s %14s\n' "$1" "$(( $(date +%s) - START ))" "$rss" "$(heap_used)" "$threads" "$fds" "$(db_connections)"
}

echo "machine: $(nproc) cores; $(uname -sr); $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server JVM options: ${JOPTS[*]:-(none)}"
echo "load: wrk -t$THREADS -c$CONNECTIONS for ${SOAK}s over /health, /api/v1/me, /api/v1/sessions, the dashboard (/), /audit (session cookie)"
log "warming up (30 s)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d30s -s "$WORK/mix.lua" "$BASE" >/dev/null
sleep 2
printf '%-8s %7s %9s %9s %8s %6s %14s\n' sample seconds "RSS MiB" "heap MiB" threads fds "db connections"
first=$(sample start)
echo "$first"

wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SOAK}s" --timeout 10s -s "$WORK/mix.lua" "$BASE" >"$WORK/wrk.out" 2>&1 &
WRK_PID=$!
elapsed=0
while kill -0 "$WRK_PID" 2>/dev/null; do
    sleep 1
    elapsed=$((elapsed + 1))
    if [ $((elapsed % SAMPLE)) -eq 0 ] && kill -0 "$WRK_PID" 2>/dev/null; then
        sample load
    fi
done
wait "$WRK_PID" || true
WRK_PID=""
sleep 5
last=$(sample end)
echo "$last"
echo
sed -n '/Requests\/sec/p; /requests in/p; /Non-2xx/p; /Socket errors/p' "$WORK/wrk.out"

read -r _ _ rss0 heap0 threads0 fds0 db0 <<<"$first"
read -r _ _ rss1 heap1 threads1 fds1 db1 <<<"$last"
echo
echo "from the first sample to the last: RSS ${rss0} -> ${rss1} MiB, heap ${heap0} -> ${heap1} MiB, threads ${threads0} -> ${threads1}, fds ${fds0} -> ${fds1}, db connections ${db0} -> ${db1}"
problems=()
grep -q -e "Non-2xx" -e "Socket errors" "$WORK/wrk.out" && problems+=("answers that were not 2xx or socket errors")
[ "$threads1" -le $((threads0 + THREAD_SLACK)) ] || problems+=("threads grew by $((threads1 - threads0))")
[ "$fds1" -le $((fds0 + FD_SLACK)) ] || problems+=("file descriptors grew by $((fds1 - fds0))")
[ "$db1" -le "$MAX_DB_CONNECTIONS" ] || problems+=("$db1 database connections, more than the pool's $MAX_DB_CONNECTIONS")
if [ ${#problems[@]} -gt 0 ]; then
    printf 'NOT FLAT: %s\n' "${problems[@]}"
    exit 1
fi
echo "flat: threads within $THREAD_SLACK, descriptors within $FD_SLACK, database connections within the pool's $MAX_DB_CONNECTIONS; resident memory and heap as printed"
