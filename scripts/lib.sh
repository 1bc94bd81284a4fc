# Shared by scripts/start and scripts/test (sourced, not run): finding or installing what the
# build needs on a Debian machine. Functions only; nothing happens when this file is sourced.

MIN_JAVA=21
export DEBIAN_FRONTEND=noninteractive

log() { printf '%s: %s\n' "${SCRIPT_NAME:-hivemind}" "$*" >&2; }
die() { printf '%s: ERROR: %s\n' "${SCRIPT_NAME:-hivemind}" "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

# Install Debian packages, or return non-zero; `apt-get update` runs only when something is installed.
APT_UPDATED=no
apt_install() {
    command -v apt-get >/dev/null 2>&1 || return 1
    if [ "$APT_UPDATED" = no ]; then
        as_root apt-get update -q || return 1
        APT_UPDATED=yes
    fi
    as_root apt-get install -y -q --no-install-recommends "$@"
}

# Install Debian packages without letting their services start (no systemd here to manage them):
# a policy-rc.d that refuses every start is put in place while they install, when there is none.
apt_install_quiet_services() {
    local policy=/usr/sbin/policy-rc.d made=no status=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\n# refuse service starts while Hivemind scripts install packages\nexit 101\n' | as_root tee "$policy" >/dev/null
        as_root chmod 755 "$policy"
        made=yes
        # Removed even when the install is interrupted: left behind, it would refuse every later
        # package's service start on this machine.
        trap 'as_root rm -f /usr/sbin/policy-rc.d' INT TERM
    fi
    apt_install "$@" || status=$?
    if [ "$made" = yes ]; then
        as_root rm -f "$policy"
        trap - INT TERM
    fi
    return "$status"
}

# Print the major Java version of the JDK in directory $1 (e.g. 17, 21, 25), or nothing.
java_major() {
    local dir=$1 version=""
    if [ -r "$dir/release" ]; then
        version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$dir/release" | head -n 1)
    fi
    if [ -z "$version" ] && [ -x "$dir/bin/java" ]; then
        version=$("$dir/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
    fi
    version=${version#1.}          # Java 8 and older call themselves 1.8, 1.7, ...
    version=${version%%[!0-9]*}    # keep the leading number only
    printf '%s' "$version"
}

# True when $1 is a JDK (java, javac and jar present) of version MIN_JAVA or newer.
is_good_jdk() {
    local dir=$1 major
    [ -n "$dir" ] && [ -x "$dir/bin/java" ] && [ -x "$dir/bin/javac" ] && [ -x "$dir/bin/jar" ] || return 1
    major=$(java_major "$dir")
    [ -n "$major" ] && [ "$major" -ge "$MIN_JAVA" ]
}

# Print the newest JDK >= MIN_JAVA under /usr/lib/jvm (Debian's and Temurin's packages), or nothing.
find_jdk() {
    local dir best="" best_major=0 major
    for dir in /usr/lib/jvm/*; do
        is_good_jdk "$dir" || continue
        major=$(java_major "$dir")
        if [ "$major" -gt "$best_major" ]; then
            best=$dir
            best_major=$major
        fi
    done
    printf '%s' "$best"
}

# Set and export JAVA_HOME to a JDK 21+: the one in JAVA_HOME if good, else the newest under
# /usr/lib/jvm, else Debian's openjdk-21-jdk-headless, installed.
choose_jdk() {
    if is_good_jdk "${JAVA_HOME:-}"; then
        log "using JAVA_HOME from the environment"
    else
        if [ -n "${JAVA_HOME:-}" ]; then
            log "JAVA_HOME=${JAVA_HOME} is not a JDK ${MIN_JAVA}+; looking for another"
        fi
        JAVA_HOME=$(find_jdk)
        if [ -z "$JAVA_HOME" ]; then
            log "no JDK ${MIN_JAVA}+ under /usr/lib/jvm; installing openjdk-21-jdk-headless"
            apt_install openjdk-21-jdk-headless \
                || die "could not install openjdk-21-jdk-headless; install a JDK ${MIN_JAVA} or newer and set JAVA_HOME to it"
            JAVA_HOME=$(find_jdk)
            [ -n "$JAVA_HOME" ] || die "no JDK ${MIN_JAVA}+ found after installing; set JAVA_HOME to a JDK ${MIN_JAVA} or newer"
        fi
    fi
    export JAVA_HOME
    export PATH="$JAVA_HOME/bin:$PATH"
    log "JDK: $JAVA_HOME (Java $(java_major "$JAVA_HOME"))"
}

# Maven, to build.
require_maven() {
    if ! command -v mvn >/dev/null 2>&1; then
        log "mvn not found; installing maven"
        apt_install maven || die "could not install maven; install Maven 3.8 or newer"
    fi
}
