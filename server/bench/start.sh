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
#   first 200    the server's "Hivemind is listening" line to the first /health 200 this script
#                saw (the first request's own work, and up to 10 ms of polling)
#
# and "cpu", the CPU time the process used up to its first 200 (user + system, all threads), which
# the machine's other load disturbs much less than the wall-clock times,
# from the server's own log ("started in … ms …: preparation …", HivemindServer) and this script's
# clock. Modes:
#   jar          java -jar server/target/hivemind-server.jar with the server image's JVM options
#                (JAVA_DEFAULT_OPTS of compose/images/server.Dockerfile, without its AOT cache)
#   jar+cds      the same with an AppCDS archive that this script makes first, as the OpenJDK 21
#                image's build did: a training start with -XX:DumpLoadedClassList, then -Xshare:dump
#   jar+aot      with a JDK 25 or later only: the same with its AOT cache (-XX:AOTCacheOutput at the
#                end of a training start, then -XX:AOTCache), which also keeps classes linked and
#                method profiles, as the image does
#   base, base+cds  with BENCH_BASE_JAR=<another build's hivemind-server.jar, libs/ beside it>: the
#                same two for that jar (e.g. the main branch's), to tell code changes from the archive
#   image        with BENCH_IMAGE=<hivemind-server image>: docker run --network host of that image,
#                with its own options (its AOT cache included)
#   image-noaot  the same image with its JAVA_DEFAULT_OPTS minus the AOT cache (the JDK's default
#                class-data archive only)
#   base-image   with BENCH_BASE_IMAGE=<another hivemind-server image> as well (e.g. the main
#                branch's): that image with its own options, to compare two images in one run
#
# Usage: server/bench/start.sh   (from anywhere; builds the jar if it is missing)
# Environment: JAVA_HOME (a JDK 21+), BENCH_STARTS (starts per mode, default 7), BENCH_IMAGE,
#              BENCH_BASE_IMAGE and BENCH_BASE_JAR (see above), BENCH_KEEP (set: keep the logs), BENCH_PGHOST /
#              BENCH_PGPORT / BENCH_PGUSER (default 127.0.0.1, 5432, postgres: a role that may create
#              databases, without a password or with PGPASSWORD set; the server connects as it too).
# Needs curl, psql and python3; docker for the image modes.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BENCH_NAME=start-bench
# shellcheck source=server/bench/lib.sh
. server/bench/lib.sh
STARTS=${BENCH_STARTS:-7}
IMAGE=${BENCH_IMAGE:-}
BASE_IMAGE=${BENCH_BASE_IMAGE:-}
BASE_JAR=${BENCH_BASE_JAR:-}
PGHOST=${BENCH_PGHOST:-127.0.0.1}
PGPORT=${BENCH_PGPORT:-5432}
PGUSER=${BENCH_PGUSER:-postgres}
export PGHOST PGPORT PGUSER
read -r -a JOPTS <<<"$(image_java_opts)"

need_tools curl psql python3
[ -z "$IMAGE" ] || command -v docker >/dev/null 2>&1 || die "BENCH_IMAGE is set but docker is missing"
[ -z "$BASE_IMAGE" ] || [ -n "$IMAGE" ] || die "BENCH_BASE_IMAGE needs BENCH_IMAGE too"
need_jar

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

# logged <command>: waits (up to 5 s) until the log that the command prints holds the end of the
# start ("started in …", or for an older build the admin token's line), which the server may
# write just after it has answered the first /health.
logged() {
    for _ in $(seq 1 500); do
        $1 2>&1 | grep -q -e ' started in ' -e ' admin token written to ' && return 0
        sleep 0.01
    done
}

# cpu_ms <pid>: the CPU time (user + system, all threads) the process has used so far, in ms: less
# disturbed than the wall-clock time by whatever else the machine runs.
cpu_ms() {
    awk -v tck="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print int(($12 + $13) * 1000 / tck) }' "/proc/$1/stat"
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
    cpu=$(cpu_ms "$SERVER_PID")
    logged "cat $logfile"
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
    echo "$t0 $t200 $logfile $cpu" >>"$WORK/$mode.runs"
}

# One start of the image; with a third argument, JAVA_DEFAULT_OPTS set to it (even when empty).
start_image() {
    local mode=$1 n=$2 opts=${3:-} t0 t200 env_args=()
    local logfile="$WORK/$mode.$n.log"
    for setting in "${SETTINGS[@]}"; do env_args+=(-e "$setting"); done
    [ $# -lt 3 ] || env_args+=(-e "JAVA_DEFAULT_OPTS=$opts")
    CONTAINER="hivemind-start-bench-$$-$n"
    t0=$(now_ms)
    docker run -d --name "$CONTAINER" --network host "${env_args[@]}" "${RUN_IMAGE:-$IMAGE}" >/dev/null
    t200=$(wait_healthy "$CONTAINER" "$t0" "$logfile")
    cpu=$(cpu_ms "$(docker inspect --format '{{.State.Pid}}' "$CONTAINER")")
    logged "docker logs $CONTAINER"
    docker logs "$CONTAINER" >"$logfile" 2>&1
    echo "container-started $(docker inspect --format '{{.State.StartedAt}}' "$CONTAINER")" >>"$logfile"
    docker rm -f "$CONTAINER" >/dev/null; CONTAINER=""
    echo "$t0 $t200 $logfile $cpu" >>"$WORK/$mode.runs"
}

log "migrating database $DB on $PGHOST:$PGPORT (one untimed start)"
start_jar migrate 0
rm -f "$WORK/migrate.runs"

# make_archive <jar> <archive>: a training start of that jar with -XX:DumpLoadedClassList, then -Xshare:dump.
make_archive() {
    local jar=$1 archive=$2 saved=$JAR
    JAR=$jar
    start_jar training 0 -XX:DumpLoadedClassList="$archive.classes"
    JAR=$saved
    rm -f "$WORK/training.runs"
    "$JAVA_HOME/bin/java" "${JOPTS[@]}" -Xshare:dump -XX:SharedClassListFile="$archive.classes" \
        -XX:SharedArchiveFile="$archive" -jar "$jar" >"$WORK/dump.log" 2>&1 \
        || { cat "$WORK/dump.log" >&2; die "-Xshare:dump failed"; }
    log "archive for $jar: $(grep -c -v '^#' "$archive.classes") classes listed, $(( $(stat -c %s "$archive") / 1048576 )) MiB"
}

log "making AppCDS archives with $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1): a training start, then -Xshare:dump"
make_archive "$JAR" "$WORK/hivemind.jsa"
[ -z "$BASE_JAR" ] || make_archive "$BASE_JAR" "$WORK/base.jsa"
# JDK 25 and later: the AOT cache (JEP 483, 514, 515), written at the end of a training start.
JAVA_FEATURE=$("$JAVA_HOME/bin/java" -version 2>&1 | sed -n '1s/^[^"]*"\([0-9]*\).*/\1/p')
if [ "${JAVA_FEATURE:-0}" -ge 25 ]; then
    start_jar training 0 -XX:AOTCacheOutput="$WORK/hivemind.aot"
    rm -f "$WORK/training.runs"
    [ -f "$WORK/hivemind.aot" ] || die "the training start wrote no AOT cache"
    log "AOT cache: $(( $(stat -c %s "$WORK/hivemind.aot") / 1048576 )) MiB"
fi

MODES=(jar jar+cds)
[ "${JAVA_FEATURE:-0}" -lt 25 ] || MODES+=(jar+aot)
[ -z "$BASE_JAR" ] || MODES=(base base+cds "${MODES[@]}")
if [ -n "$IMAGE" ]; then
    MODES+=(image image-noaot)
    image_opts=$(docker image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" \
        | sed -n 's/^JAVA_DEFAULT_OPTS=//p')
    IMAGE_NOAOT_OPTS=$(image_java_opts "$image_opts")
    log "image $IMAGE: JAVA_DEFAULT_OPTS=$image_opts"
    log "warming the image up (one untimed start)"
    start_image warm 0
    rm -f "$WORK/warm.runs"
fi
if [ -n "$BASE_IMAGE" ]; then
    MODES+=(base-image)
    log "warming the base image $BASE_IMAGE up (one untimed start)"
    RUN_IMAGE=$BASE_IMAGE start_image warm 0
    rm -f "$WORK/warm.runs"
fi

log "timing $STARTS starts per mode (${MODES[*]}), in turns"
for n in $(seq 1 "$STARTS"); do
    for mode in "${MODES[@]}"; do
        case "$mode" in
            jar) start_jar jar "$n" ;;
            base) JAR=$BASE_JAR start_jar base "$n" ;;
            base+cds) JAR=$BASE_JAR start_jar base+cds "$n" -XX:SharedArchiveFile="$WORK/base.jsa" -Xshare:auto ;;
            jar+cds) start_jar jar+cds "$n" -XX:SharedArchiveFile="$WORK/hivemind.jsa" -Xshare:auto ;;
            jar+aot) start_jar jar+aot "$n" -XX:AOTCache="$WORK/hivemind.aot" ;;
            image) start_image image "$n" ;;
            image-noaot) start_image image-noaot "$n" "$IMAGE_NOAOT_OPTS" ;;
            base-image) RUN_IMAGE=$BASE_IMAGE start_image base-image "$n" ;;
        esac
    done
done

echo
echo "machine: $(nproc) cores; $(uname -sr); load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "jar: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1), options ${JOPTS[*]}"
[ -z "$IMAGE" ] || echo "image: $IMAGE"
[ -z "$BASE_IMAGE" ] || echo "base-image: $BASE_IMAGE"
echo "database: PostgreSQL $(psql -X -A -t -d "$DB" -c 'SHOW server_version') on $PGHOST:$PGPORT, migrated"
echo
python3 - "$WORK" "${MODES[@]}" <<'PY'
import re, statistics, sys
from datetime import datetime

work, modes = sys.argv[1], sys.argv[2:]
steps = ["launch", "jvm+config", "prepare", "database", "migrations", "services", "first 200"]

def epoch_ms(stamp):
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000

def breakdown(t0, t200, logfile, cpu):
    starting = listening = None
    steps_logged = None
    jvm_start = t0
    for line in open(logfile, encoding="utf-8", errors="replace"):
        if line.startswith("container-started "):
            # RFC 3339 with nanoseconds: keep microseconds for fromisoformat.
            stamp = re.sub(r"(\.\d{6})\d*", r"\1", line.split()[1])
            jvm_start = epoch_ms(stamp)
        if starting is None and " starting Hivemind " in line:
            starting = epoch_ms(line.split()[0])
        if " Hivemind is listening on " in line:
            listening = epoch_ms(line.split()[0])
        m = re.search(r"started in (\d+) ms: preparation (\d+) ms, database (\d+) ms, "
                      r"migrations (\d+) ms, services and listeners (\d+) ms", line)
        if m:
            steps_logged = list(map(int, m.groups()))[1:]
    # A build from before the "started" line (BENCH_BASE_JAR) has no steps.
    if starting is None or listening is None:
        raise SystemExit(f"no start-up timings in {logfile}")
    prep, db, mig, svc = steps_logged or [None] * 4
    return {"total": t200 - t0, "cpu": cpu, "launch": jvm_start - t0, "jvm+config": starting - jvm_start, "prepare": prep,
            "database": db, "migrations": mig, "services": svc, "first 200": t200 - listening}

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None

def cell(value, width):
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.0f}"

print("median of each, ms (steps need not add up to the total: each is its own median); min: the fastest start;")
print("cpu: CPU time the process used up to the first 200, all threads (less disturbed by the machine's load)")
print(f"{'mode':<12} {'total':>7} {'min':>6} {'cpu':>6} " + " ".join(f"{s:>10}" for s in steps) + "   totals")
for mode in modes:
    runs = [breakdown(int(t0), int(t200), f, int(cpu)) for t0, t200, f, cpu in (l.split() for l in open(f"{work}/{mode}.runs"))]
    med = {k: median(r[k] for r in runs) for k in ["total", "cpu"] + steps}
    print(f"{mode:<12} {med['total']:>7.0f} {min(r['total'] for r in runs):>6} {med['cpu']:>6.0f} "
          + " ".join(cell(med[s], 10) for s in steps) + "   " + " ".join(str(r["total"]) for r in runs))
PY
