# Shared by the server's benchmark scripts (run.sh, pages.sh, soak.sh, start.sh); sourced, never
# run. The script sets BENCH_NAME (the prefix of its messages) and, if a missing tool or a wrong
# setting is to exit with another code than 1, BENCH_SETUP_EXIT, then sources this file from the
# repository root.

JAR=server/target/hivemind-server.jar

log() { printf '%s: %s\n' "$BENCH_NAME" "$*" >&2; }
# die MESSAGE [EXIT CODE, default 1]
die() { printf '%s: ERROR: %s\n' "$BENCH_NAME" "$1" >&2; exit "${2:-1}"; }
die_setup() { die "$1" "${BENCH_SETUP_EXIT:-1}"; }

# The server image's JVM options (JAVA_DEFAULT_OPTS of compose/images/server.Dockerfile), without
# the start-up cache that exists only in the image (its AOT cache, or an older image's class-data
# archive). With an argument, the same filter applied to that option string.
image_java_opts() {
    local opts=${1-$(sed -n 's/^ *JAVA_DEFAULT_OPTS="\(.*\)".*/\1/p' compose/images/server.Dockerfile)}
    printf '%s\n' "$opts" | tr ' ' '\n' \
        | { grep -v -e '^$' -e '^-XX:AOTCache=' -e '^-XX:SharedArchiveFile=' -e '^-Xshare:' || true; } | paste -sd ' '
}

# need_tools TOOL…: each on the PATH (or in /usr/sbin); as root on Debian the missing ones are
# installed from Debian's packages, otherwise the script stops and names them.
need_tools() {
    local tool missing=() pkgs=()
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    for tool in "${missing[@]}"; do
        case "$tool" in nginx) pkgs+=(nginx-light) ;; psql) pkgs+=(postgresql-client) ;; *) pkgs+=("$tool") ;; esac
    done
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "installing ${pkgs[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}" >/dev/null \
            || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${pkgs[@]}" >/dev/null; } \
            || die_setup "could not install ${pkgs[*]}"
    else
        die_setup "missing ${missing[*]} (Debian: apt-get install ${pkgs[*]})"
    fi
}

# need_jar: a JDK in JAVA_HOME, and the server's jar (built if missing).
need_jar() {
    [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] || die_setup "set JAVA_HOME to a JDK 21 or newer"
    if [ ! -f "$JAR" ]; then
        log "building $JAR"
        mvn -B -ntp -q -pl server -am -DskipTests package || die_setup "the build failed"
    fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# embedded_server_env WORK PORT ADMIN_PORT: exports the settings of a server on its embedded
# PostgreSQL in WORK/data, on 127.0.0.1 only, with rate limits off, and removes any setting of the
# caller's environment that would change what is measured (an external database, a public URL,
# forward auth).
embedded_server_env() {
    local var
    export HIVEMIND_DATA_DIR="$1/data" HIVEMIND_ADMIN_TOKEN_FILE="$1/admin.token" \
           HIVEMIND_BIND="127.0.0.1:$2" HIVEMIND_ADMIN_BIND="127.0.0.1:$3" \
           HIVEMIND_RATE_LIMIT_API=off HIVEMIND_RATE_LIMIT_SIGNIN=off HIVEMIND_RATE_LIMIT_SIGNIN_ACCOUNT=off
    unset HIVEMIND_DB_URL HIVEMIND_PUBLIC_URL
    for var in $(compgen -e); do
        case "$var" in HIVEMIND_FORWARD_AUTH*|HIVEMIND_GROUP_*|HIVEMIND_DEFAULT_ROLE) unset "$var" ;; esac
    done
}

# await_health PORT PID LOG NAME: until /health on 127.0.0.1:PORT answers 2xx (at most 60 s);
# stops the script, the server's log shown, if the process exits first.
await_health() {
    local port=$1 pid=$2 logfile=$3 name=$4
    for _ in $(seq 1 120); do
        curl -fs --max-time 5 "http://127.0.0.1:$port/health" >/dev/null 2>&1 && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$logfile" >&2; die "the $name server exited"; }
        sleep 0.5
    done
    die "the $name server did not become healthy"
}

# create_account USERNAME ROLE PASSWORD: `users create` on the embedded database, as an operator would.
create_account() {
    printf '%s\n' "$3" | "$JAVA_HOME/bin/java" -jar "$JAR" users create --username "$1" --role "$2" \
        --password-file - >/dev/null || die "users create failed"
}

# sign_in PORT USERNAME PASSWORD COOKIE_JAR: signs in through the API; prints the session cookie's value.
sign_in() {
    local session
    curl -fs -c "$4" -H 'Content-Type: application/json' \
         -d "{\"username\":\"$2\",\"password\":\"$3\"}" "http://127.0.0.1:$1/api/v1/session" >/dev/null \
        || die "sign-in failed"
    session=$(awk '$6 == "hivemind_session" {print $7}' "$4")
    [ -n "$session" ] || die "no session cookie"
    printf '%s\n' "$session"
}
