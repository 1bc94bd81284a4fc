#!/usr/bin/env bash
# Start-up benchmark of hivemind-server (issue 15: start to the first /health 200 with the database
# up and migrated, plain jar and in its container). Against an external PostgreSQL, as in the
# compose stack: the script creates a database of its own there, migrates it with one untimed start
# and drops it at exit. Then it starts the server BENCH_STARTS times in each mode, the modes taking
# turns (so that the machine's noise falls on all of them alike), and prints for each mode the
# median of the total and of each step:
#
#   launch       in a container only: docker run to the container's start (its State.StartedAt),
#                what Docker costs before the JVM runs
#   jvm+config   the JVM's start (the container's, or the command's for the jar) to the log's
#                "starting Hivemind": JVM, class loading, logging, configuration
#   prepare      the admin token's directory checked, a token generated
#   database     the pool and its first connection (Database.open)
#   migrations   Flyway, or the check that the schema is already up to date (Migrations)
#   services     stores, templates and services wired, both listeners started, the token written
#   first 200    the server's "started" line to the first /health 200 this script saw (the first
#                request's own work, and up to 10 ms of polling)
#
# from the server's own log ("started in … ms …: preparation …", HivemindServer) and this script's
# clock. Modes:
#   jar          java -jar server/target/hivemind-server.jar with the server image's JVM options
#                (JAVA_DEFAULT_OPTS of compose/images/server.Dockerfile, without its CDS options)
#   jar+cds      the same with an AppCDS archive that this script makes first, as the image's build
#                does: a training start with -XX:DumpLoadedClassList, then -Xshare:dump
#   image        with BENCH_IMAGE=<hivemind-server image>: docker run --network host of that image,
#                with its own options (its archive included)
#   image-nocds  the same image with its JAVA_DEFAULT_OPTS minus the CDS options (the JDK's default
#                archive only)
#
# Usage: server/bench/start.sh   (from anywhere; builds the jar if it is missing)
# Environment: JAVA_HOME (a JDK 21+), BENCH_STARTS (starts per mode, default 7), BENCH_IMAGE (see
#              above), BENCH_PGHOST / BENCH_PGPORT / BENCH_PGUSER (default 127.0.0.1, 5432, postgres:
#              a role that may create databases, without a password or with PGPASSWORD set; the
#              server connects as that role too).
# Needs curl, psql and python3; docker for the image modes.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
STARTS=${BENCH_STARTS:-7}
IMAGE=${BENCH_IMAGE:-}
PGHOST=${BENCH_PGHOST:-127.0.0.1}
PGPORT=${BENCH_PGPORT:-5432}
PGUSER=${BENCH_PGUSER:-postgres}
export PGHOST PGPORT PGUSER
JAR=server/target/hivemind-server.jar
# The image's options, and the same without the class-data sharing options the image adds.
IMAGE_OPTS=$(sed -n 's/^ *JAVA_DEFAULT_OPTS="\(.*\)".*/\1/p' compose/images/server.Dockerfile)
without_cds() { printf '%s\n' "$1" | tr ' ' '\n' | grep -v -e '^-XX:SharedArchiveFile=' -e '^-Xshare:' | paste -sd ' '; }
read -r -a JOPTS <<<"$(without_cds "$IMAGE_OPTS")"

log() { printf 'start-bench: %s\n' "$*" >&2; }
die() { printf 'start-bench: ERROR: %s\n' "$*" >&2; exit 1; }

for tool in curl psql python3; do
    command -v "$tool" >/dev/null 2>&1 || die "missing $tool (Debian: apt-get install curl postgresql-client python3)"
done
[ -z "$IMAGE" ] || command -v docker >/dev/null 2>&1 || die "BENCH_IMAGE is set but docker is missing"
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] || die "set JAVA_HOME to a JDK 21 or newer"
if [ ! -f "$JAR" ]; then
    log "building $JAR"
    mvn -B -ntp -q -DskipTests package || die "build failed"
fi

WORK=$(mktemp -d -t hivemind-start-XXXXXX)
DB="hivemind_start_bench_$$"
SERVER_PID=""
CONTAINER=""
cleanup() {
    [ -n "$SERVER_PID" ] && { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; }
    [ -n "$CONTAINER" ] && docker rm -f "$CONTAINER" >/dev/null 2>&1 || true
    psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || log "could not drop database $DB"
    [ -n "${BENCH_KEEP:-}" ] && log "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
PORT=$(free_port)
ADMIN_PORT=$(free_port)
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE $DB" >/dev/null || die "cannot create database $DB"
# The server's settings, for the jar and (as -e) for the container, which shares the host's network.
SETTINGS=(HIVEMIND_DB_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB" HIVEMIND_DB_USER="$PGUSER"
          HIVEMIND_BIND="127.0.0.1:$PORT" HIVEMIND_ADMIN_BIND="127.0.0.1:$ADMIN_PORT")
[ -z "${PGPASSWORD:-}" ] || SETTINGS+=(DB_PASSWORD="$PGPASSWORD")
JAR_SETTINGS=(HIVEMIND_DATA_DIR="$WORK/data" HIVEMIND_ADMIN_TOKEN_FILE="$WORK/admin.token")

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# wait_healthy <pid or container> <t0 ms> <log file>: polls /health every 10 ms; prints the time
# of the first 200 (ms since the epoch).
wait_healthy() {
    local who=$1 t0=$2 logfile=$3
    until curl -fs --max-time 1 "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; do
        if [[ "$who" =~ ^[0-9]+$ ]]; then
            kill -0 "$who" 2>/dev/null || { cat "$logfile" >&2; die "the server exited while starting"; }
        fi
        [ $(( $(now_ms) - t0 )) -lt 60000 ] || { cat "$logfile" >&2; die "the server did not start within 60 s"; }
        sleep 0.01
    done
    now_ms
}

# One start of the jar with extra JVM options; appends "t0 t200 logfile" to $WORK/<mode>.runs.
start_jar() {
    local mode=$1 n=$2 t0 t200
    shift 2
    local logfile="$WORK/$mode.$n.log"
    t0=$(now_ms)
    env "${SETTINGS[@]}" "${JAR_SETTINGS[@]}" "$JAVA_HOME/bin/java" "${JOPTS[@]}" "$@" -jar "$JAR" >"$logfile" 2>&1 &
    SERVER_PID=$!
    t200=$(wait_healthy "$SERVER_PID" "$t0" "$logfile")
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
    echo "$t0 $t200 $logfile" >>"$WORK/$mode.runs"
}

# One start of the image; with a second argument, JAVA_DEFAULT_OPTS set to it.
start_image() {
    local mode=$1 n=$2 opts=${3:-} t0 t200 env_args=()
    local logfile="$WORK/$mode.$n.log"
    for setting in "${SETTINGS[@]}"; do env_args+=(-e "$setting"); done
    [ -z "$opts" ] || env_args+=(-e "JAVA_DEFAULT_OPTS=$opts")
    CONTAINER="hivemind-start-bench-$$-$n"
    t0=$(now_ms)
    docker run -d --name "$CONTAINER" --network host "${env_args[@]}" "$IMAGE" >/dev/null
    t200=$(wait_healthy "$CONTAINER" "$t0" "$logfile")
    docker logs "$CONTAINER" >"$logfile" 2>&1
    echo "container-started $(docker inspect --format '{{.State.StartedAt}}' "$CONTAINER")" >>"$logfile"
    docker rm -f "$CONTAINER" >/dev/null; CONTAINER=""
    echo "$t0 $t200 $logfile" >>"$WORK/$mode.runs"
}

log "migrating database $DB on $PGHOST:$PGPORT (one untimed start)"
start_jar migrate 0
rm -f "$WORK/migrate.runs"

log "making an AppCDS archive with $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1): a training start, then -Xshare:dump"
start_jar training 0 -XX:DumpLoadedClassList="$WORK/classes.lst"
rm -f "$WORK/training.runs"
"$JAVA_HOME/bin/java" "${JOPTS[@]}" -Xshare:dump -XX:SharedClassListFile="$WORK/classes.lst" \
    -XX:SharedArchiveFile="$WORK/hivemind.jsa" -jar "$JAR" >"$WORK/dump.log" 2>&1 \
    || { cat "$WORK/dump.log" >&2; die "-Xshare:dump failed"; }
log "archive: $(grep -c -v '^#' "$WORK/classes.lst") classes listed, $(( $(stat -c %s "$WORK/hivemind.jsa") / 1048576 )) MiB"

MODES=(jar jar+cds)
if [ -n "$IMAGE" ]; then
    MODES+=(image image-nocds)
    image_opts=$(docker image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" \
        | sed -n 's/^JAVA_DEFAULT_OPTS=//p')
    IMAGE_NOCDS_OPTS=$(without_cds "$image_opts")
    log "image $IMAGE: JAVA_DEFAULT_OPTS=$image_opts"
    log "warming the image up (one untimed start)"
    start_image warm 0
    rm -f "$WORK/warm.runs"
fi

log "timing $STARTS starts per mode (${MODES[*]}), in turns"
for n in $(seq 1 "$STARTS"); do
    for mode in "${MODES[@]}"; do
        case "$mode" in
            jar) start_jar jar "$n" ;;
            jar+cds) start_jar jar+cds "$n" -XX:SharedArchiveFile="$WORK/hivemind.jsa" -Xshare:auto ;;
            image) start_image image "$n" ;;
            image-nocds) start_image image-nocds "$n" "$IMAGE_NOCDS_OPTS" ;;
        esac
    done
done

echo
echo "machine: $(nproc) cores; $(uname -sr); load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "jar: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1), options ${JOPTS[*]}"
[ -z "$IMAGE" ] || echo "image: $IMAGE"
echo "database: PostgreSQL $(psql -X -A -t -d "$DB" -c 'SHOW server_version') on $PGHOST:$PGPORT, migrated"
echo
python3 - "$WORK" "${MODES[@]}" <<'PY'
import re, statistics, sys
from datetime import datetime

work, modes = sys.argv[1], sys.argv[2:]
steps = ["launch", "jvm+config", "prepare", "database", "migrations", "services", "first 200"]

def epoch_ms(stamp):
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000

def breakdown(t0, t200, logfile):
    starting = started = None
    jvm_start = t0
    for line in open(logfile, encoding="utf-8", errors="replace"):
        if line.startswith("container-started "):
            # RFC 3339 with nanoseconds: keep microseconds for fromisoformat.
            stamp = re.sub(r"(\.\d{6})\d*", r"\1", line.split()[1])
            jvm_start = epoch_ms(stamp)
        if starting is None and " starting Hivemind " in line:
            starting = epoch_ms(line.split()[0])
        m = re.search(r"started in (\d+) ms: preparation (\d+) ms, database (\d+) ms, "
                      r"migrations (\d+) ms, services and listeners (\d+) ms", line)
        if m:
            started = epoch_ms(line.split()[0])
            total, prep, db, mig, svc = map(int, m.groups())
    if starting is None or started is None:
        raise SystemExit(f"no start-up timings in {logfile}")
    return {"total": t200 - t0, "launch": jvm_start - t0, "jvm+config": starting - jvm_start, "prepare": prep,
            "database": db, "migrations": mig, "services": svc, "first 200": t200 - started}

print("median of each, ms (steps need not add up to the total: each is its own median)")
print(f"{'mode':<12} {'total':>7} " + " ".join(f"{s:>10}" for s in steps) + "   totals")
for mode in modes:
    runs = [breakdown(int(t0), int(t200), f) for t0, t200, f in (l.split() for l in open(f"{work}/{mode}.runs"))]
    med = {k: statistics.median(r[k] for r in runs) for k in ["total"] + steps}
    print(f"{mode:<12} {med['total']:>7.0f} " + " ".join(f"{med[s]:>10.0f}" for s in steps)
          + "   " + " ".join(str(r["total"]) for r in runs))
PY
