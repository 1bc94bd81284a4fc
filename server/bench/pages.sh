#!/usr/bin/env bash
# Render time of each web page, warm, on loopback: one connection, requests one after another
# (wrk -t1 -c1), so each latency is one page's whole answer (authentication, queries, template,
# headers) with nothing queued behind another. Prints p50 and p99 per page, and the size of the
# assets (raw and gzip -9). docs/benchmarks.md records the figures.
#
# Usage: server/bench/pages.sh          (from anywhere; builds the jar if it is missing)
# Environment: BENCH_DURATION (seconds per page, default 10), BENCH_WARMUP (seconds, default 10),
#              JAVA_HOME (a JDK 21+). Needs wrk and curl (as root on Debian it installs them).
# The server runs on its embedded PostgreSQL in a temporary directory, on 127.0.0.1 only, and is
# stopped at exit.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BENCH_NAME=bench
# shellcheck source=server/bench/lib.sh
. server/bench/lib.sh
DURATION=${BENCH_DURATION:-10}
WARMUP=${BENCH_WARMUP:-10}

need_tools wrk curl
need_jar

WORK=$(mktemp -d -t hivemind-pages-XXXXXX)
SERVER_PID=""
cleanup() {
    [ -n "$SERVER_PID" ] && { kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true; }
    rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(free_port)
ADMIN_PORT=$(free_port)
PASSWORD="bench-password-$(date +%s)-not-secret"
embedded_server_env "$WORK" "$PORT" "$ADMIN_PORT"

log "starting hivemind-server on 127.0.0.1:$PORT (embedded database in $WORK/data)"
"$JAVA_HOME/bin/java" -jar "$JAR" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
await_health "$PORT" "$SERVER_PID" "$WORK/server.log" pages
# Beside the running server (its embedded database), as an operator would.
create_account bench admin "$PASSWORD"
curl -fs -o /dev/null -c "$WORK/jar" -H 'Accept: text/html' \
     --data-urlencode username=bench --data-urlencode "password=$PASSWORD" "http://127.0.0.1:$PORT/sign-in"
SESSION=$(awk '$6 == "hivemind_session" {print $7}' "$WORK/jar")
[ -n "$SESSION" ] || die "the sign-in form gave no session cookie"
# A token for the account page's table, and a second session for its list.
curl -fs -o /dev/null -H 'Content-Type: application/json' -d "{\"username\":\"bench\",\"password\":\"$PASSWORD\"}" \
     "http://127.0.0.1:$PORT/api/v1/session"

# The dashboard as it looks with an updater: a status report and 30 events, sent over the admin socket as
# the agent sends them; and the audit log has the entries of all of this.
TOKEN=$(cat "$WORK/admin.token")
admin_socket() { curl -fs -o /dev/null -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
                      -d "$3" "http://127.0.0.1:$ADMIN_PORT$2"; }
admin_socket PUT /admin/v1/update-status '{"channel":"canary","installedVersion":"1.3.0","state":"AWAITING_APPROVAL",
  "lastCheckAt":"2026-12-06T10:00:00Z","lastCheckResult":"update_available","availableVersion":"1.4.0",
  "availableNotes":"https://example.org/notes/1.4.0","approvalRequired":true,"reportedAt":"2026-12-06T10:00:01Z"}' \
    || die "the admin socket refused the status"
for i in $(seq 1 30); do
    admin_socket POST /admin/v1/update-events "{\"id\":\"bench-$i\",\"at\":\"2026-12-06T09:00:00Z\",\"kind\":\"check\",
      \"fromVersion\":\"1.3.0\",\"toVersion\":\"1.4.0\",\"message\":\"release 1.4.0 is available (running 1.3.0)\"}" \
        || die "the admin socket refused an event"
done

ACCEPT='Accept: text/html,application/xhtml+xml,*/*;q=0.8'
COOKIE="Cookie: hivemind_session=$SESSION"
# page <label> <path> <expected status> [cookie header]
pages=(
    "sign-in (signed out)|/sign-in|200|"
    "dashboard (agent reported, 10 of 30 events)|/|200|$COOKIE"
    "dashboard's live part|/dashboard/live|200|$COOKIE"
    "users (list)|/users|200|$COOKIE"
    "users (one account)|/users/bench|200|$COOKIE"
    "audit log (newest 50)|/audit|200|$COOKIE"
    "audit log (filtered)|/audit?actor=updater&action=update.*|200|$COOKIE"
    "account|/account|200|$COOKIE"
    "404 error page|/no-such-page|404|$COOKIE"
    "setup link after setup (410)|/setup?token=x|410|"
)
for entry in "${pages[@]}"; do
    IFS='|' read -r label path status cookie <<<"$entry"
    got=$(curl -s -o /dev/null -w '%{http_code}' -H "$ACCEPT" ${cookie:+-H "$cookie"} "http://127.0.0.1:$PORT$path")
    [ "$got" = "$status" ] || die "$path answered $got, not $status"
done

log "warming up (${WARMUP} s over all pages)"
for entry in "${pages[@]}"; do
    IFS='|' read -r label path status cookie <<<"$entry"
    wrk -t1 -c1 -d"$(( (WARMUP + ${#pages[@]} - 1) / ${#pages[@]} ))s" -H "$ACCEPT" ${cookie:+-H "$cookie"} \
        "http://127.0.0.1:$PORT$path" >/dev/null
done

printf '| page | status | bytes | p50 ms | p99 ms | req/s (1 connection) |\n|---|---|---|---|---|---|\n'
for entry in "${pages[@]}"; do
    IFS='|' read -r label path status cookie <<<"$entry"
    bytes=$(curl -s -H "$ACCEPT" ${cookie:+-H "$cookie"} "http://127.0.0.1:$PORT$path" | wc -c)
    wrk -t1 -c1 -d"${DURATION}s" --latency -H "$ACCEPT" ${cookie:+-H "$cookie"} "http://127.0.0.1:$PORT$path" \
        | awk -v label="$label" -v status="$status" -v bytes="$bytes" '
            function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
            /Requests\/sec/ { rps = $2 }
            $1 == "50%" { p50 = ms($2) } $1 == "99%" { p99 = ms($2) }
            END { printf "| %s | %s | %d | %.2f | %.2f | %.0f |\n", label, status, bytes, p50, p99, rps }'
done

printf '\n| asset | bytes | gzip -9 |\n|---|---|---|\n'
total=0
total_gz=0
for file in server/src/main/resources/ui/*; do
    raw=$(wc -c <"$file")
    gz=$(gzip -9c "$file" | wc -c)
    total=$((total + raw))
    total_gz=$((total_gz + gz))
    printf '| %s | %d | %d |\n' "$(basename "$file")" "$raw" "$gz"
done
printf '| **all** | **%d** | **%d** |\n' "$total" "$total_gz"
