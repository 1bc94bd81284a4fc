#!/usr/bin/env bash
# Installs the Hivemind stack on a host with Docker (docs/operators.md, "Install").
# Idempotent: run it again after an upgrade of this checkout, or to repair permissions; it never
# overwrites /etc/hivemind/.env.
#
# Exit codes: 0 installed (or nothing to do), 1 a step failed, 2 usage error or a missing
# prerequisite (Docker, compose, root).
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: sudo compose/install.sh [OPTIONS]

Creates the directories with their owners and modes, writes /etc/hivemind/.env (mode 0600, with a
generated DB_PASSWORD and ADMIN_API_KEY) unless it exists, puts the compose file into the stack
directory /var/lib/hivemind, installs and enables the systemd units, starts the stack, waits
until the server is healthy and prints how to create the first admin.

Options:
  --root DIR         install below DIR instead of / (DIR/etc/hivemind, DIR/var/lib/hivemind, …);
                     systemd units go to DIR/etc/systemd/system and are not enabled
  --set KEY=VALUE    put KEY=VALUE into a new /etc/hivemind/.env (repeatable), e.g.
                     --set HIVEMIND_UPDATE_CHANNEL=beta; refused when the file exists already
  --compose CMD      'docker compose' (v2) or 'docker-compose' (v1); default: v2 when present
  --no-start         install everything but do not start the stack
  --dry-run          print what would be done and change nothing
  -h, --help         this help

Exit codes: 0 done, 1 a step failed, 2 usage error or missing prerequisite.
EOF
}

die_usage() { printf 'install.sh: %s\n' "$*" >&2; exit 2; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '%s\n' "$*"; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

root=/
dry_run=no
start=yes
compose_cmd=""
sets=()

while [ $# -gt 0 ]; do
    case "$1" in
        --root) [ $# -ge 2 ] && [ -n "$2" ] || die_usage "--root needs a directory"; root=$2; shift 2 ;;
        --set)
            [ $# -ge 2 ] || die_usage "--set needs KEY=VALUE"
            [[ "$2" =~ ^[A-Z_][A-Z0-9_]*=[^$'\n\r']*$ ]] || die_usage "--set '${2%%=*}…' is not KEY=VALUE (KEY in capitals, value on one line)"
            case "${2%%=*}" in
                HIVEMIND_STACK_DIR|HIVEMIND_CONFIG_DIR|HIVEMIND_BACKUP_DIR|HIVEMIND_LOG_DIR)
                    die_usage "--set ${2%%=*}: the installer makes that directory itself; choose where with --root" ;;
            esac
            # Written into .env unquoted, it must read back as itself (compose, and the programs'
            # reader, shared-model DotEnv): characters they would interpret are refused, and so is
            # white space at either end, which they trim.
            [[ "${2#*=}" != *[\$\"\'\\\`]* && "${2#*=}" != *" #"* ]] \
                || die_usage "--set ${2%%=*}: the value may not contain \$, quotes, backslashes or ' #' (edit the file for such values)"
            [[ "${2#*=}" != [[:space:]]* && "${2#*=}" != *[[:space:]] ]] \
                || die_usage "--set ${2%%=*}: the value may not start or end with white space (compose would drop it)"
            sets+=("$2"); shift 2 ;;
        --compose) [ $# -ge 2 ] || die_usage "--compose needs a command"; compose_cmd=$2; shift 2 ;;
        --no-start) start=no; shift ;;
        --dry-run) dry_run=yes; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die_usage "unknown argument '$1' (see --help)" ;;
    esac
done

case "$root" in
    /*) ;;
    *) die_usage "--root must be an absolute path, not '$root'" ;;
esac
[[ "$root" != *[\|\&\ ]* ]] || die_usage "--root may not contain '|', '&' or spaces"
root=${root%/}
config_dir="$root/etc/hivemind"
stack_dir="$root/var/lib/hivemind"
log_dir="$root/var/log/hivemind"
backup_dir="$root/var/backup/hivemind"
units_dir="$root/etc/systemd/system"
env_file="$config_dir/.env"
# The server image runs as this uid/gid (compose/images/server.Dockerfile).
server_uid=10001

# ---- prerequisites ----
[ "$(id -u)" -eq 0 ] || [ "$dry_run" = yes ] || die_usage "run as root (sudo): it creates directories under /etc and /var and talks to Docker"
command -v docker >/dev/null 2>&1 || die_usage "docker is not installed (Debian: apt-get install docker.io)"
if [ -z "$compose_cmd" ]; then
    if docker compose version >/dev/null 2>&1; then
        compose_cmd="docker compose"
    elif command -v docker-compose >/dev/null 2>&1; then
        compose_cmd="docker-compose"
    else
        die_usage "docker compose (v2) or docker-compose (v1) is needed (Debian: apt-get install docker-compose)"
    fi
fi
case "$compose_cmd" in
    "docker compose"|"docker-compose") ;;
    *) die_usage "--compose takes 'docker compose' or 'docker-compose', not '$compose_cmd'" ;;
esac
read -r -a compose <<< "$compose_cmd"
"${compose[@]}" version >/dev/null 2>&1 || die_usage "'$compose_cmd' does not run"
if [ "$start" = yes ] && [ "$dry_run" = no ]; then
    docker info >/dev/null 2>&1 || die_usage "the Docker engine does not answer (is dockerd running? are you root?)"
fi
env_exists() { [ -e "$env_file" ] || [ -L "$env_file" ]; }   # a dangling link counts: never replaced
[ ${#sets[@]} -eq 0 ] || ! env_exists \
    || die_usage "$env_file exists already, --set would not be applied: edit the file instead"
project=hivemind
for pair in ${sets[@]+"${sets[@]}"}; do
    [ "${pair%%=*}" != COMPOSE_PROJECT_NAME ] || project=${pair#*=}
done
# A database volume without its settings file: the volume's password is in the .env that was
# lost, and a new one would never match it.
if ! env_exists && [ "$dry_run" = no ] && docker volume inspect "${project}_hivemind-db-data" >/dev/null 2>&1; then
    die_usage "the database volume ${project}_hivemind-db-data exists but $env_file does not: restore that file (it holds the database's password) from your backup, or remove the volume to start afresh (docs/operators.md, Disaster recovery)"
fi

# ---- helpers: every change goes through these, so --dry-run shows them all ----
run() {
    if [ "$dry_run" = yes ]; then
        say "would run: $*"
    else
        "$@"
    fi
}
make_dir() { # MODE OWNER DIR
    if [ "$dry_run" = yes ]; then
        say "would ensure directory $3 (mode $1, owner $2)"
        return
    fi
    install -d -m "$1" -o "${2%%:*}" -g "${2##*:}" "$3"
}
put_file() { # MODE SOURCE TARGET: replace TARGET when its content differs (atomic rename)
    if [ -f "$3" ] && cmp -s "$2" "$3"; then
        return
    fi
    if [ "$dry_run" = yes ]; then
        say "would write $3 (mode $1)"
        return
    fi
    local temp
    temp=$(mktemp "$(dirname "$3")/.install.XXXXXX")
    cat "$2" > "$temp"
    chmod "$1" "$temp"
    mv -f "$temp" "$3"
    say "wrote $3"
}
is_set() { # KEY: whether --set gave KEY (it then replaces the installer's own line)
    local pair
    for pair in ${sets[@]+"${sets[@]}"}; do
        [ "${pair%%=*}" = "$1" ] && return 0
    done
    return 1
}
default_line() { # KEY VALUE
    is_set "$1" || printf '%s=%s\n' "$1" "$2"
}
secret() { # LENGTH: letters and digits from the kernel's CSPRNG
    local out=""
    while [ ${#out} -lt "$1" ]; do
        out+=$(head -c 256 /dev/urandom | tr -dc 'A-Za-z0-9')
    done
    printf '%s' "${out:0:$1}"
}

# ---- directories ----
make_dir 0700 root:root "$config_dir"
make_dir 0750 root:root "$stack_dir"
make_dir 0700 root:root "$stack_dir/agent"
make_dir 0755 root:root "$log_dir"
make_dir 0750 "$server_uid:$server_uid" "$log_dir/server"
make_dir 0750 root:root "$log_dir/updater"
make_dir 0700 root:root "$backup_dir"

# ---- /etc/hivemind/.env: written once, never overwritten ----
if env_exists; then
    say "kept $env_file (it exists; install.sh never overwrites it)"
    if [ "$dry_run" = no ] && [ -f "$env_file" ]; then
        run chmod 0600 "$env_file"
    fi
elif [ "$dry_run" = yes ]; then
    say "would write $env_file (mode 0600) with a generated DB_PASSWORD and ADMIN_API_KEY"
else
    temp=$(mktemp "$config_dir/.env.XXXXXX")
    trap 'rm -f "$temp"' EXIT
    chmod 0600 "$temp"
    {
        printf '# Hivemind settings and secrets, read by docker compose in %s.\n' "$stack_dir"
        printf '# Written by compose/install.sh on %s. Every setting, with its default and\n' "$(date -u +%Y-%m-%d)"
        printf '# meaning, is in compose/.env.example (docs/operators.md); add a line here to change one,\n'
        printf '# then run `docker compose up -d` in %s.\n\n' "$stack_dir"
        printf '# Where the stack and its files are on this host (the updater mounts them at the same paths).\n'
        default_line COMPOSE_PROJECT_NAME hivemind
        default_line HIVEMIND_STACK_DIR "$stack_dir"
        default_line HIVEMIND_CONFIG_DIR "$config_dir"
        default_line HIVEMIND_BACKUP_DIR "$backup_dir"
        default_line HIVEMIND_LOG_DIR "$log_dir"
        printf '\n# Password of the PostgreSQL role hivemind (generated; keep it with your backups).\n'
        default_line DB_PASSWORD "$(secret 40)"
        printf '# Break-glass bearer key for the admin API (Authorization: Bearer …); every use is audited.\n'
        default_line ADMIN_API_KEY "$(secret 48)"
        if [ ${#sets[@]} -gt 0 ]; then
            printf '\n# Given to install.sh with --set.\n'
            printf '%s\n' "${sets[@]}"
        fi
    } > "$temp"
    # A hard link never replaces a file that appeared meanwhile (another run): the secrets there stay.
    ln "$temp" "$env_file" 2>/dev/null || die "$env_file appeared while this ran; it is kept, nothing was written"
    rm -f "$temp"
    trap - EXIT
    say "wrote $env_file (mode 0600) with a generated DB_PASSWORD and ADMIN_API_KEY"
fi

# ---- the stack directory ----
put_file 0644 "$here/docker-compose.yml" "$stack_dir/docker-compose.yml"
if [ -L "$stack_dir/.env" ] && [ "$(readlink "$stack_dir/.env")" = "$env_file" ]; then
    :
elif [ -e "$stack_dir/.env" ] || [ -L "$stack_dir/.env" ]; then
    die "$stack_dir/.env exists and is not a link to $env_file: move it away (its settings belong in $env_file)"
else
    run ln -s "$env_file" "$stack_dir/.env"
    [ "$dry_run" = yes ] || say "linked $stack_dir/.env -> $env_file"
fi

# ---- systemd units: the paths and the compose command of this host ----
make_dir 0755 root:root "$units_dir"
units=(hivemind.service hivemind-update-check.service hivemind-update-check.timer hivemind-backup.service hivemind-backup.timer)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for unit in "${units[@]}"; do
    sed -e "s|/var/lib/hivemind|$stack_dir|g" -e "s|docker compose |$compose_cmd |g" \
        "$repo/systemd/$unit" > "$work/$unit"
    put_file 0644 "$work/$unit" "$units_dir/$unit"
done
systemd_running=no
if [ "$root" = "" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemd_running=yes
fi

# ---- start ----
# With systemd: the units are enabled (the stack at boot, the timers); either way the stack is
# brought up directly as well, which also applies a compose file this run has changed (starting
# the oneshot hivemind.service again would not, once it is active).
if [ "$systemd_running" = yes ]; then
    run systemctl daemon-reload
    run systemctl enable hivemind.service hivemind-update-check.timer hivemind-backup.timer
    if [ "$start" = yes ]; then
        run systemctl start hivemind-update-check.timer hivemind-backup.timer
    fi
elif [ "$root" = "" ]; then
    say "systemd is not running here: the units are installed but not enabled"
fi
if [ "$start" = no ]; then
    say "not started (--no-start): run '$compose_cmd up -d' in $stack_dir"
elif [ "$dry_run" = yes ]; then
    say "would run: (cd $stack_dir && $compose_cmd up -d)"
else
    (cd "$stack_dir" && "${compose[@]}" up -d) || die "'$compose_cmd up -d' failed in $stack_dir (see above)"
fi

if [ "$start" = yes ] && [ "$dry_run" = no ]; then
    say "waiting for the services to become healthy…"
    pending="hivemind-db hivemind-server hivemind-updater"
    deadline=$((SECONDS + 180))
    while [ "$SECONDS" -lt "$deadline" ]; do
        still=""
        for service in $pending; do
            id=$(cd "$stack_dir" && "${compose[@]}" ps -q "$service" 2>/dev/null || true)
            health=""
            [ -z "$id" ] || health=$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$id" 2>/dev/null || true)
            [ "$health" = healthy ] || still="$still $service"
        done
        pending=${still# }
        [ -n "$pending" ] || break
        sleep 2
    done
    if [ -n "$pending" ]; then
        die "not healthy within 3 minutes: $pending; see: cd $stack_dir && $compose_cmd ps; $compose_cmd logs --tail=200 ${pending%% *}"
    fi
    publish=$(sed -n 's/^HIVEMIND_PUBLISH=//p' "$env_file" | tail -n 1)
    say ""
    # The server's one-time setup link (HIVEMIND_DATA_DIR/setup-token), there while no admin exists.
    setup_token=$(cd "$stack_dir" && "${compose[@]}" exec -T hivemind-server cat /var/lib/hivemind-server/setup-token 2>/dev/null || true)
    if [ -n "$setup_token" ]; then
        say "Hivemind is running on http://${publish:-127.0.0.1:8585}. Create the first admin with the one-time setup link"
        say "(on this host; through your reverse proxy, the same path on its address):"
        say "  http://${publish:-127.0.0.1:8585}/setup?token=$setup_token"
        say "or on the command line (it asks for a password):"
    else
        say "Hivemind is running on http://${publish:-127.0.0.1:8585}. Create the first admin (it asks for a password):"
    fi
    say "  cd $stack_dir && $compose_cmd exec hivemind-server hivemind-server users create --username admin --role admin"
    say "Then put a reverse proxy in front of it: compose/proxy/ has Caddy and nginx files (docs/operators.md)."
fi
