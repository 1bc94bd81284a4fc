#!/usr/bin/env bash
# Benchmark of hivemind-server on 127.0.0.1: wrk against GET /health and an authenticated
# read (GET /api/v1/me with a session cookie), and the same load, in the same run, against the
# framework's ceiling (a bare Helidon route serving the same /health bytes: server/bench/BareRoute.java)
# and against nginx serving static JSON files of the same sizes, for side-by-side ratios. Also the
# time from start to the first /health 200 (migrated database, median of 5) and the server's
# resident memory after the load. Then a second server with
# forward auth on (HIVEMIND_FORWARD_AUTH, trusted net 127.0.0.1/32) takes the same read with
# Authentik's identity headers: as a browser (with its Hivemind session cookie), as a script
# (headers only, no Cookie) and as a client that sends a cookie but does not keep Hivemind's.
# Prints requests/s and latency percentiles, and the database writes each /api/v1/me run caused
# (pg_stat_user_tables of the embedded PostgreSQL, read with psql before and after the run);
# docs/benchmarks.md records the figures.
#
# Usage: server/bench/run.sh            (from anywhere; builds the jar if it is missing)
# Environment: BENCH_DURATION (seconds per run, default 15), BENCH_CONNECTIONS (default 32),
#              BENCH_THREADS (default 1), JAVA_HOME (a JDK 21+, needed to build or run),
#              BENCH_JAVA_OPTS (the server's JVM options; default: the server image's, see
#              compose/images/server.Dockerfile, so that the memory figure is the image's).
# Needs wrk, nginx, curl and psql (Debian: apt-get install wrk nginx-light curl postgresql-client);
# as root it installs them.
# All load goes to 127.0.0.1 only; everything it starts is stopped at exit.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BENCH_NAME=bench
# shellcheck source=server/bench/lib.sh
. server/bench/lib.sh
DURATION=${BENCH_DURATION:-15}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-1}
read -r -a JOPTS <<<"${BENCH_JAVA_OPTS-$(image_java_opts)}"

need_tools wrk nginx curl psql
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
need_jar

WORK=$(mktemp -d -t hivemind-bench-XXXXXX)
SERVER_PID=""
SSO_PID=""
NGINX_PID=""
BARE_PID=""
# SIGTERM, then wait: the server's shutdown hook stops its embedded PostgreSQL before it exits.
stop() { kill "$1" 2>/dev/null && wait "$1" 2>/dev/null || true; }
cleanup() {
    [ -n "$SERVER_PID" ] && stop "$SERVER_PID"
    [ -n "$SSO_PID" ] && stop "$SSO_PID"
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
    [ -n "$BARE_PID" ] && stop "$BARE_PID"
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(free_port)
NGINX_PORT=$(free_port)
BARE_PORT=$(free_port)
SSO_PORT=$(free_port)
PASSWORD="bench-password-$(date +%s)-not-secret"
# The first server signs in with a password; only the second one gets forward auth, as set below.
embedded_server_env "$WORK" "$PORT" "$(free_port)"

# start_server <pid variable> <name> <port> [VAR=value ...]: runs the jar with these variables
# added (output in $WORK/<name>.log), sets the pid variable at once (so cleanup stops it) and
# waits until /health answers.
start_server() {
    local pid_var=$1 name=$2 port=$3 pid
    shift 3
    log "starting hivemind-server ($name) on 127.0.0.1:$port"
    env "$@" "$JAVA_HOME/bin/java" "${JOPTS[@]}" -jar "$JAR" >"$WORK/$name.log" 2>&1 &
    pid=$!
    printf -v "$pid_var" '%s' "$pid"
    await_health "$port" "$pid" "$WORK/$name.log" "$name"
}

log "creating the benchmark account (embedded database in $WORK/data)"
create_account bench user "$PASSWORD"

start_server SERVER_PID password "$PORT"

SESSION=$(sign_in "$PORT" bench "$PASSWORD" "$WORK/jar")
COOKIE="Cookie: hivemind_session=$SESSION"

# Static twins of the two answers, byte for byte the same size, readable by nginx's workers.
mkdir -p "$WORK/www"
chmod 755 "$WORK" "$WORK/www"
curl -fs "http://127.0.0.1:$PORT/health" >"$WORK/www/health.json"
curl -fs -H "$COOKIE" "http://127.0.0.1:$PORT/api/v1/me" >"$WORK/www/me.json"
chmod 644 "$WORK/www/"*.json
cat >"$WORK/nginx.conf" <<NGINX
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
NGINX
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" &
NGINX_PID=$!
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$NGINX_PORT/health.json" >/dev/null 2>&1 && break; sleep 0.1; done

# Fails on non-2xx answers and socket errors (connect, read, write, timeout).
wrk_checked() {
    local out
    out=$(wrk "$@")
    if printf '%s' "$out" | grep -q -e "Non-2xx" -e "Socket errors"; then
        printf '%s\n' "$out" >&2
        die "non-2xx answers or socket errors during the run"
    fi
    printf '%s\n' "$out"
}

# wrk's output → "requests/s p50 p90 p99 requests" (latencies in ms, requests completed in the run).
run_wrk() {
    local out
    out=$(wrk_checked -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@")
    printf '%s\n' "$out" | awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec/ { rps = $2 }
        $2 == "requests" && $3 == "in" { total = $1 }
        $1 == "50%" { p50 = ms($2) } $1 == "90%" { p90 = ms($2) } $1 == "99%" { p99 = ms($2) }
        END { printf "%.0f %.2f %.2f %.2f %d\n", rps, p50, p90, p99, total }'
}

# sql <data dir> <query>: runs the query on a running server's embedded PostgreSQL (127.0.0.1, the
# port from postmaster.pid, the superuser password Hivemind keeps beside the cluster).
sql() {
    local dir=$1 port
    port=$(sed -n 4p "$dir/postgres/postmaster.pid")
    PGPASSWORD=$(cat "$dir/postgres.password") PGCONNECT_TIMEOUT=5 PGOPTIONS="-c statement_timeout=5000" \
        psql -X -q -A -t -F ' ' -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d hivemind -c "$2"
}

# db_writes <data dir> <port> → "users sessions audit_log other xid": rows inserted + updated +
# deleted so far per table (other: every other table), and the next transaction id (the count of
# transactions that wrote anything, in any database of the cluster, autovacuum's included).
#
# The embedded PostgreSQL is 14: a backend sends its table counters to the statistics collector
# after a transaction but at most every 500 ms, so what a pooled connection did in its last half
# second stays in that backend until its next transaction (pg_stat_force_next_flush() exists only
# from 15 on, and flushes only its caller's counters anyway). So: a 0.6 s pause, then a one-second
# burst of GET /health (one SELECT 1 each) on more connections than the server's pool holds (10),
# until pg_stat_activity shows that every client backend of the server ran a statement after the
# pause. The burst is GET /api/v1/sessions with the credentials of FLUSH (wrk arguments), which
# lists the account's sessions from the database on every request and writes nothing; /health and
# /api/v1/me no longer ask the database per request (DatabaseCheck, RecentCredentials).
FLUSH=()
db_writes() {
    local dir=$1 port=$2 since stale
    for _ in 1 2 3 4 5; do
        sleep 0.6
        since=$(sql "$dir" "SELECT clock_timestamp()")
        wrk_checked -t1 -c32 -d1s "${FLUSH[@]}" "http://127.0.0.1:$port/api/v1/sessions" >/dev/null
        sleep 0.3
        stale=$(sql "$dir" "SELECT count(*) FROM pg_stat_activity WHERE datname = 'hivemind'
                            AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND state_change < '$since'")
        if [ "$stale" = 0 ]; then
            sql "$dir" "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del) FILTER (WHERE relname = 'users'), 0),
                               coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del) FILTER (WHERE relname = 'sessions'), 0),
                               coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del) FILTER (WHERE relname = 'audit_log'), 0),
                               coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del)
                                        FILTER (WHERE relname NOT IN ('users', 'sessions', 'audit_log')), 0),
                               pg_snapshot_xmax(pg_current_snapshot())
                        FROM pg_stat_user_tables"
            return 0
        fi
    done
    die "$stale pooled connection(s) of the server on port $port ran nothing during the statistics burst"
}

# measure <label> <bytes> <data dir> <port> <wrk arguments...>: run_wrk between two db_writes;
# appends "label|bytes|req/s|p50|p90|p99|requests|users|sessions|audit_log|other|transactions" to ROWS.
ROWS=()
measure() {
    local label=$1 bytes=$2 dir=$3 port=$4 before after result
    shift 4
    before=$(db_writes "$dir" "$port")
    result=$(run_wrk "$@")
    after=$(db_writes "$dir" "$port")
    local b=($before) a=($after) r=($result)
    ROWS+=("$label|$bytes|${r[0]}|${r[1]}|${r[2]}|${r[3]}|${r[4]}|$((a[0] - b[0]))|$((a[1] - b[1]))|$((a[2] - b[2]))|$((a[3] - b[3]))|$((a[4] - b[4]))")
}

log "warming up the JVM (${DURATION}s per endpoint)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$PORT/health" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -H "$COOKIE" "http://127.0.0.1:$PORT/api/v1/me" >/dev/null

log "starting the bare Helidon route (the framework's ceiling) on 127.0.0.1:$BARE_PORT"
mkdir -p "$WORK/bare"
"$JAVA_HOME/bin/javac" -cp "$JAR:server/target/libs/*" -d "$WORK/bare" server/bench/BareRoute.java \
    || die "could not compile server/bench/BareRoute.java"
"$JAVA_HOME/bin/java" -cp "$WORK/bare:$JAR:server/target/libs/*" BareRoute "$BARE_PORT" "$WORK/www/health.json" \
    >"$WORK/bare.log" 2>&1 &
BARE_PID=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$BARE_PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done
cmp -s <(curl -fs "http://127.0.0.1:$BARE_PORT/health") "$WORK/www/health.json" || die "the bare route does not answer"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$BARE_PORT/health" >/dev/null

log "measuring: $THREADS threads, $CONNECTIONS connections, ${DURATION}s per run"
FLUSH=(-H "$COOKIE")
read -r b_rps b_p50 b_p90 b_p99 _ < <(run_wrk "http://127.0.0.1:$BARE_PORT/health")
read -r h_rps h_p50 h_p90 h_p99 _ < <(run_wrk "http://127.0.0.1:$PORT/health")
measure "password session" "$(wc -c <"$WORK/www/me.json")" "$WORK/data" "$PORT" \
    -H "$COOKIE" "http://127.0.0.1:$PORT/api/v1/me"
IFS='|' read -r _ _ m_rps m_p50 m_p90 m_p99 _ <<<"${ROWS[0]}"
read -r nh_rps nh_p50 nh_p90 nh_p99 _ < <(run_wrk "http://127.0.0.1:$NGINX_PORT/health.json")
read -r nm_rps nm_p50 nm_p90 nm_p99 _ < <(run_wrk "http://127.0.0.1:$NGINX_PORT/me.json")
RSS_KIB=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status")
THREADS_NOW=$(awk '/^Threads:/ {print $2}' "/proc/$SERVER_PID/status")
stop "$SERVER_PID"; SERVER_PID=""
stop "$BARE_PID"; BARE_PID=""
kill "$NGINX_PID" 2>/dev/null || true; NGINX_PID=""

# Start to the first /health 200 on the migrated database: the process started, then /health polled
# every 10 ms; five starts, the median printed.
log "timing five starts of the server on its migrated database"
STARTS=()
for _ in 1 2 3 4 5; do
    t0=$(date +%s%N)
    "$JAVA_HOME/bin/java" "${JOPTS[@]}" -jar "$JAR" >"$WORK/start.log" 2>&1 &
    SERVER_PID=$!
    until curl -fs --max-time 1 "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; do
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/start.log" >&2; die "the server exited while starting"; }
        [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 60000 ] || die "the server did not start within 60 s"
        sleep 0.01
    done
    STARTS+=($(( ($(date +%s%N) - t0) / 1000000 )))
    stop "$SERVER_PID"; SERVER_PID=""
done
START_MEDIAN=$(printf '%s\n' "${STARTS[@]}" | sort -n | sed -n 3p)

# Forward auth: a second server, its own embedded database, trusting the proxy at 127.0.0.1 (wrk).
SSO="http://127.0.0.1:$SSO_PORT"
start_server SSO_PID forward-auth "$SSO_PORT" HIVEMIND_DATA_DIR="$WORK/sso-data" \
    HIVEMIND_ADMIN_TOKEN_FILE="$WORK/sso-admin.token" HIVEMIND_BIND="127.0.0.1:$SSO_PORT" \
    HIVEMIND_ADMIN_BIND="127.0.0.1:$(free_port)" HIVEMIND_FORWARD_AUTH=true HIVEMIND_FORWARD_AUTH_TRUSTED_NETS=127.0.0.1/32 \
    HIVEMIND_PUBLIC_URL="http://127.0.0.1:$SSO_PORT"
# What Authentik's outpost sends for a member of hivemind-user (the default user group).
identity() { printf '%s\n' -H "X-Authentik-Username: $1" -H "X-Authentik-Groups: hivemind-user" -H "X-Authentik-Email: $1@example.org"; }
mapfile -t BROWSER < <(identity bench-browser)
mapfile -t SCRIPT < <(identity bench-script)
mapfile -t NOT_KEPT < <(identity bench-not-kept)
# A browser behind the proxy always carries the proxy's own cookie; its value means nothing here.
PROXY_COOKIE="authentik_proxy_bench=stands-for-the-proxy-cookie"

# expect <file> <JSON fragment>: the answer saved in file says what it should.
expect() { grep -q -F "$2" "$1" || { cat "$1" >&2; echo >&2; die "expected $2 in the answer"; }; }

# (a) Browser: the first request (proxy cookie only) provisions the user and makes a session;
# from then on the browser sends that session's cookies along with the proxy's.
curl -fs --max-time 10 -c "$WORK/sso-jar" "${BROWSER[@]}" -H "Cookie: $PROXY_COOKIE" "$SSO/api/v1/me" >/dev/null \
    || die "the first forward-auth request failed"
SSO_SESSION=$(awk '$6 == "hivemind_session" {print $7}' "$WORK/sso-jar")
SSO_CSRF=$(awk '$6 == "hivemind_csrf" {print $7}' "$WORK/sso-jar")
[ -n "$SSO_SESSION" ] && [ -n "$SSO_CSRF" ] || die "no session cookies from the forward-auth server"
BROWSER_COOKIE="Cookie: $PROXY_COOKIE; hivemind_session=$SSO_SESSION; hivemind_csrf=$SSO_CSRF"
curl -fs --max-time 10 -D "$WORK/browser.headers" "${BROWSER[@]}" -H "$BROWSER_COOKIE" "$SSO/api/v1/me" >"$WORK/browser.json"
expect "$WORK/browser.json" '"authenticatedBy":"session"'
grep -qi '^set-cookie:' "$WORK/browser.headers" && die "the server made a new session although the browser sent its cookie"
# (b) Script: identity headers only, no Cookie: authenticated per request, no session.
curl -fs --max-time 10 "${SCRIPT[@]}" "$SSO/api/v1/me" >"$WORK/script.json"
expect "$WORK/script.json" '"authenticatedBy":"forward_auth"'
# (c) A client that sends a cookie (the proxy's) but does not keep Hivemind's: every request
# looks like a browser's first one.
curl -fs --max-time 10 "${NOT_KEPT[@]}" -H "Cookie: $PROXY_COOKIE" "$SSO/api/v1/me" >"$WORK/not-kept.json"
expect "$WORK/not-kept.json" '"authenticatedBy":"session"'

log "warming up the forward-auth server (${DURATION}s per mode)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "${BROWSER[@]}" -H "$BROWSER_COOKIE" "$SSO/api/v1/me" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" "${SCRIPT[@]}" "$SSO/api/v1/me" >/dev/null

log "measuring forward auth: $THREADS threads, $CONNECTIONS connections, ${DURATION}s per run"
FLUSH=("${BROWSER[@]}" -H "$BROWSER_COOKIE")
measure "forward auth, browser" "$(wc -c <"$WORK/browser.json")" "$WORK/sso-data" "$SSO_PORT" \
    "${BROWSER[@]}" -H "$BROWSER_COOKIE" "$SSO/api/v1/me"
measure "forward auth, script" "$(wc -c <"$WORK/script.json")" "$WORK/sso-data" "$SSO_PORT" \
    "${SCRIPT[@]}" "$SSO/api/v1/me"
measure "forward auth, cookie not kept" "$(wc -c <"$WORK/not-kept.json")" "$WORK/sso-data" "$SSO_PORT" \
    "${NOT_KEPT[@]}" -H "Cookie: $PROXY_COOKIE" "$SSO/api/v1/me"

echo
echo "machine: $(nproc) cores; $(uname -sr); $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1); load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "load: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s on 127.0.0.1 (after a warm-up run)"
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f x", a / b }'; }
printf '%-30s %8s %10s %9s %9s %9s %12s %12s\n' "endpoint" "bytes" "req/s" "p50 ms" "p90 ms" "p99 ms" "vs bare" "vs nginx"
printf '%-30s %8s %10s %9s %9s %9s\n' "bare Helidon route /health" "$(wc -c <"$WORK/www/health.json")" "$b_rps" "$b_p50" "$b_p90" "$b_p99"
printf '%-30s %8s %10s %9s %9s %9s %12s %12s\n' "hivemind GET /health" "$(wc -c <"$WORK/www/health.json")" "$h_rps" "$h_p50" "$h_p90" "$h_p99" \
    "$(ratio "$h_rps" "$b_rps")" "$(ratio "$h_rps" "$nh_rps")"
printf '%-30s %8s %10s %9s %9s %9s\n' "nginx static health.json" "$(wc -c <"$WORK/www/health.json")" "$nh_rps" "$nh_p50" "$nh_p90" "$nh_p99"
printf '%-30s %8s %10s %9s %9s %9s %12s %12s\n' "hivemind GET /api/v1/me" "$(wc -c <"$WORK/www/me.json")" "$m_rps" "$m_p50" "$m_p90" "$m_p99" \
    "$(ratio "$m_rps" "$b_rps")" "$(ratio "$m_rps" "$nm_rps")"
printf '%-30s %8s %10s %9s %9s %9s\n' "nginx static me.json" "$(wc -c <"$WORK/www/me.json")" "$nm_rps" "$nm_p50" "$nm_p90" "$nm_p99"

echo
echo "GET /api/v1/me: password session against forward auth (Authentik headers, trusted peer 127.0.0.1)"
echo
printf '%-30s %8s %10s %9s %9s %9s %14s\n' "client" "bytes" "req/s" "p50 ms" "p90 ms" "p99 ms" "vs password"
for row in "${ROWS[@]}"; do
    IFS='|' read -r label bytes rps p50 p90 p99 _ <<<"$row"
    printf '%-30s %8s %10s %9s %9s %9s %14s\n' "$label" "$bytes" "$rps" "$p50" "$p90" "$p99" \
        "$(awk -v a="$rps" -v b="$m_rps" 'BEGIN { printf "%.2f x", a / b }')"
done

echo
echo "database writes during each run (rows inserted + updated + deleted, pg_stat_user_tables;"
echo "transactions: how many took a transaction id, i.e. wrote or locked a row, in the whole cluster,"
echo "autovacuum included)"
echo
printf '%-30s %9s %7s %9s %10s %7s %13s %13s\n' "client" "requests" "users" "sessions" "audit_log" "other" "transactions" "rows/request"
# Expected: at most one last_seen_at write per account and per session for each minute begun,
# and one more each if the stored time was already a minute old when the run began.
cheap_limit=$((2 * ((DURATION + 59) / 60 + 1)))
for row in "${ROWS[@]}"; do
    IFS='|' read -r label _ _ _ _ _ requests users sessions audit other xacts <<<"$row"
    rows=$((users + sessions + audit + other))
    printf '%-30s %9s %7s %9s %10s %7s %13s %13s\n' "$label" "$requests" "$users" "$sessions" "$audit" "$other" "$xacts" \
        "$(awk -v w="$rows" -v r="$requests" 'BEGIN { printf "%.4f", (r > 0 ? w / r : 0) }')"
    if [ "$label" != "forward auth, cookie not kept" ] && [ "$rows" -gt "$cheap_limit" ]; then
        log "WARNING: $label: $rows rows written for $requests requests (expected at most $cheap_limit)"
    fi
done

echo
echo "server start to first /health 200 (migrated embedded database): median ${START_MEDIAN} ms of ${STARTS[*]} ms"
echo "server after the load: resident memory $((RSS_KIB / 1024)) MiB, $THREADS_NOW threads (JVM options: ${JOPTS[*]:-none})"
