#!/usr/bin/env bash
# Benchmarks of the updater agent's channel watching: the idle-poll cost (requests, connections
# and bytes on the wire per poll, plain HTTP and TLS, against a local release host serving a
# tree published by manifest-signer) and the time StatementVerifier.verify takes for one
# statement (JMH, Ed25519 and RSA-3072 test keys). docs/benchmarks.md records the figures.
#
# Usage: updater-agent/bench/run.sh          (from anywhere; builds the module and its test classes)
# Environment: JAVA_HOME (a JDK 21+), BENCH_POLLS (idle polls per row, default 100),
#              BENCH_JMH_ARGS (default "-wi 5 -i 10 -f 1 -w 2s -r 1s": BouncyCastle needs ~10 s of warm-up),
#              BENCH_MAVEN_ARGS (extra Maven arguments, e.g. -o to build offline).
# All traffic stays on 127.0.0.1; everything it starts stops by itself.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
POLLS=${BENCH_POLLS:-100}
JMH_ARGS=${BENCH_JMH_ARGS:--wi 5 -i 10 -f 1 -w 2s -r 1s}
TEST_CLASSES=updater-agent/target/test-classes

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] || die "set JAVA_HOME to a JDK 21 or newer"
JAVA="$JAVA_HOME/bin/java"

WORK=$(mktemp -d -t hivemind-agent-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

log "building updater-agent and its test classes"
# shellcheck disable=SC2086 # BENCH_MAVEN_ARGS is a list of arguments
mvn -B -ntp -q ${BENCH_MAVEN_ARGS:-} -pl updater-agent -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile="$WORK/classpath" -Dmdep.includeScope=test >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; die "build failed"; }
[ -s "$TEST_CLASSES/META-INF/BenchmarkList" ] \
    || die "$TEST_CLASSES/META-INF/BenchmarkList is missing: the JMH annotation processor did not run"
CLASSPATH_ALL="$TEST_CLASSES:updater-agent/target/classes:$(cat "$WORK/classpath")"

echo "machine: $(nproc) cores; $(uname -sr); $("$JAVA" -version 2>&1 | head -n 1); load average $(cut -d" " -f1-3 /proc/loadavg)"
echo

log "idle-poll cost ($POLLS polls per row)"
echo "== idle-poll cost"
"$JAVA" -cp "$CLASSPATH_ALL" com.seglamater.hivemind.agent.bench.IdlePollCost "$POLLS"
echo

log "verification time (JMH $JMH_ARGS)"
echo "== StatementVerifier.verify, one statement (JMH $JMH_ARGS)"
# shellcheck disable=SC2086 # JMH_ARGS is a list of arguments
"$JAVA" -cp "$CLASSPATH_ALL" org.openjdk.jmh.Main VerificationBenchmark $JMH_ARGS >"$WORK/jmh.log" 2>&1 \
    || { cat "$WORK/jmh.log" >&2; die "JMH failed"; }
sed -n '/^Benchmark /,/^$/p' "$WORK/jmh.log"
