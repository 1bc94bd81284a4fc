#!/usr/bin/env bash
# Benchmark of hivemind-server on 127.0.0.1: wrk against GET /health and an authenticated
# read (GET /api/v1/me with a session cookie), and the same load against nginx serving
# static JSON files of the same sizes, for a side-by-side ratio. Prints requests/s and
# latency percentiles; docs/benchmarks.md records the figures.
#
# Usage: server/bench/run.sh            (from anywhere; builds the jar if it is missing)
# Environment: BENCH_DURATION (seconds per run, default 15), BENCH_CONNECTIONS (default 50),
#              BENCH_THREADS (default 2), JAVA_HOME (a JDK 21+, needed to build or run).
# Needs wrk, nginx and curl (Debian: apt-get install wrk nginx-light curl); as root it installs them.
# All load goes to 127.0.0.1 only; everything it starts is stopped at exit.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DURATION=${BENCH_DURATION:-15}
CONNECTIONS=${BENCH_CONNECTIONS:-50}
THREADS=${BENCH_THREADS:-2}
JAR=server/target/hivemind-server.jar

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

missing=()
for tool in wrk nginx curl; do
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "installing ${missing[*]}"
        pkgs=()
        for tool in "${missing[@]}"; do [ "$tool" = nginx ] && pkgs+=(nginx-light) || pkgs+=("$tool"); done
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}" >/dev/null \
            || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}" >/dev/null; } \
            || die "could not install ${missing[*]}"
    else
        die "missing ${missing[*]}: install them (Debian: apt-get install wrk nginx-light curl)"
    fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] || die "set JAVA_HOME to a JDK 21 or newer"
if [ ! -f "$JAR" ]; then
    log "building $JAR"
    mvn -B -ntp -q -DskipTests package || die "build failed"
fi

WORK=$(mktemp -d -t hivemind-bench-XXXXXX)
SERVER_PID=""
NGINX_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
PORT=$(free_port)
NGINX_PORT=$(free_port)
PASSWORD="bench-password-$(date +%s)-not-secret"

export HIVEMIND_DATA_DIR="$WORK/data" HIVEMIND_ADMIN_TOKEN_FILE="$WORK/admin.token" \
       HIVEMIND_BIND="127.0.0.1:$PORT" HIVEMIND_ADMIN_BIND="127.0.0.1:$(free_port)" \
       HIVEMIND_RATE_LIMIT_API=off HIVEMIND_RATE_LIMIT_SIGNIN=off HIVEMIND_RATE_LIMIT_SIGNIN_ACCOUNT=off
unset HIVEMIND_DB_URL

log "creating the benchmark account (embedded database in $WORK/data)"
printf '%s\n' "$PASSWORD" | "$JAVA_HOME/bin/java" -jar "$JAR" users create --username bench --role user \
    --password-file - >/dev/null

log "starting hivemind-server on 127.0.0.1:$PORT"
"$JAVA_HOME/bin/java" -jar "$JAR" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; die "the server exited"; }
    sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/health" >/dev/null || die "the server did not become healthy"

curl -fs -c "$WORK/jar" -H 'Content-Type: application/json' \
     -d "{\"username\":\"bench\",\"password\":\"$PASSWORD\"}" "http://127.0.0.1:$PORT/api/v1/session" >/dev/null \
    || die "sign-in failed"
SESSION=$(awk '$6 == "hivemind_session" {print $7}' "$WORK/jar")
[ -n "$SESSION" ] || die "no session cookie"
COOKIE="Cookie: hivemind_session=$SESSION"

# Static twins of the two answers, byte for byte the same size, readable by nginx's workers.
mkdir -p "$WORK/www"
chmod 755 "$WORK" "$WORK/www"
curl -fs "http://127.0.0.1:$PORT/health" >"$WORK/www/health.json"
curl -fs -H "$COOKIE" "http://127.0.0.1:$PORT/api/v1/me" >"$WORK/www/me.json"
chmod 644 "$WORK/www/"*.json
cat >"$WORK/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx-tmp;
    proxy_temp_path $WORK/nginx-tmp;
    fastcgi_temp_path $WORK/nginx-tmp;
    uwsgi_temp_path $WORK/nginx-tmp;
    scgi_temp_path $WORK/nginx-tmp;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WORK/www;
        default_type application/json;
        add_header Cache-Control no-store;
    }
}
EOF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" &
NGINX_PID=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$NGINX_PORT/health.json" >/dev/null 2>&1 && break; sleep 0.1; done

# wrk's output → "requests/s p50 p90 p99" (latencies in ms).
run_wrk() {
    local out
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@")
    if printf '%s' "$out" | grep -q -e "Non-2xx" -e "Socket errors"; then
        printf '%s\n' "$out" >&2
        die "non-2xx answers or socket errors during the run"
    fi
    printf '%s\n' "$out" | awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec/ { rps = $2 }
        $1 == "50%" { p50 = ms($2) } $1 == "90%" { p90 = ms($2) } $1 == "99%" { p99 = ms($2) }
        END { printf "%.0f %.2f %.2f %.2f\n", rps, p50, p90, p99 }'
}

log "warming up the JVM (${DURATION}s per endpoint)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$PORT/health" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -H "$COOKIE" "http://127.0.0.1:$PORT/api/v1/me" >/dev/null

log "measuring: $THREADS threads, $CONNECTIONS connections, ${DURATION}s per run"
read -r h_rps h_p50 h_p90 h_p99 < <(run_wrk "http://127.0.0.1:$PORT/health")
read -r m_rps m_p50 m_p90 m_p99 < <(run_wrk -H "$COOKIE" "http://127.0.0.1:$PORT/api/v1/me")
read -r nh_rps nh_p50 nh_p90 nh_p99 < <(run_wrk "http://127.0.0.1:$NGINX_PORT/health.json")
read -r nm_rps nm_p50 nm_p90 nm_p99 < <(run_wrk "http://127.0.0.1:$NGINX_PORT/me.json")

echo
echo "machine: $(nproc) cores; $(uname -sr); $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
echo "load: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s on 127.0.0.1 (after a warm-up run)"
echo
printf '%-28s %8s %10s %9s %9s %9s %14s\n' "endpoint" "bytes" "req/s" "p50 ms" "p90 ms" "p99 ms" "vs nginx"
printf '%-28s %8s %10s %9s %9s %9s %14s\n' "hivemind GET /health" "$(wc -c <"$WORK/www/health.json")" "$h_rps" "$h_p50" "$h_p90" "$h_p99" \
    "$(awk -v a="$h_rps" -v b="$nh_rps" 'BEGIN { printf "%.2f x", a / b }')"
printf '%-28s %8s %10s %9s %9s %9s\n' "nginx static health.json" "$(wc -c <"$WORK/www/health.json")" "$nh_rps" "$nh_p50" "$nh_p90" "$nh_p99"
printf '%-28s %8s %10s %9s %9s %9s %14s\n' "hivemind GET /api/v1/me" "$(wc -c <"$WORK/www/me.json")" "$m_rps" "$m_p50" "$m_p90" "$m_p99" \
    "$(awk -v a="$m_rps" -v b="$nm_rps" 'BEGIN { printf "%.2f x", a / b }')"
printf '%-28s %8s %10s %9s %9s %9s\n' "nginx static me.json" "$(wc -c <"$WORK/www/me.json")" "$nm_rps" "$nm_p50" "$nm_p90" "$nm_p99"
