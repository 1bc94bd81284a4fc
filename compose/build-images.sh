#!/usr/bin/env bash
# Builds the hivemind-server and hivemind-updater images from the jars of the Maven build.
# The release team and the tests both use this script (docs/release-team.md, "Building images").
#
# Exit codes: 0 built (and pushed), 1 a build or push failed, 2 usage error or a missing
# prerequisite (docker, the JDK's jar tool, the jars, the keyring).
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: compose/build-images.sh [OPTIONS]

Builds the hivemind-server and hivemind-updater images from server/target/hivemind-server.jar and
updater-agent/target/hivemind-updater.jar (run `mvn -DskipTests package` first).

Options:
  --version V          version stamped into the jars (Implementation-Version, which /health
                       reports) and the image labels; default: the jars' own version
  --repository PREFIX  images are PREFIX/hivemind-server:V and PREFIX/hivemind-updater:V
                       (default: ghcr.io/seglamater)
  --base IMAGE         Debian 13 (trixie) base image (default: debian:trixie-slim)
  --keyring FILE       the release team's public keyring, baked into the updater image at
                       /usr/share/hivemind/release-keys.asc (required unless --only server)
  --revision REV       org.opencontainers.image.revision (default: git rev-parse HEAD)
  --source URL         org.opencontainers.image.source
                       (default: https://github.com/seglamater/hivemind)
  --only IMAGE         build only `server` or `updater`
  --push               push the images and print their digests as the --image arguments of
                       `manifest-signer publish`, one per line: hivemind-server=REPO@sha256:…
  -h, --help           this help

Exit codes: 0 built, 1 a build or push failed, 2 usage error or a missing prerequisite
(docker, the JDK's jar tool, the jars, the keyring).
EOF
}

die_usage() { printf 'build-images.sh: %s\n' "$*" >&2; echo "Try 'compose/build-images.sh --help'." >&2; exit 2; }
die() { printf 'build-images.sh: %s\n' "$*" >&2; exit 1; }
log() { printf 'build-images.sh: %s\n' "$*" >&2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

version=""
repository="ghcr.io/seglamater"
base="debian:trixie-slim"
keyring=""
revision=""
source_url="https://github.com/seglamater/hivemind"
only=""
push=no

need_value() { [ $# -ge 2 ] && [ -n "$2" ] || die_usage "$1 needs a value"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --version) need_value "$@"; version=$2; shift 2 ;;
        --repository) need_value "$@"; repository=${2%/}; shift 2 ;;
        --base) need_value "$@"; base=$2; shift 2 ;;
        --keyring) need_value "$@"; keyring=$2; shift 2 ;;
        --revision) need_value "$@"; revision=$2; shift 2 ;;
        --source) need_value "$@"; source_url=$2; shift 2 ;;
        --only) need_value "$@"; only=$2; shift 2 ;;
        --push) push=yes; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die_usage "unknown argument '$1'" ;;
    esac
done

case "$only" in
    "") images=(server updater) ;;
    server|updater) images=("$only") ;;
    *) die_usage "--only takes server or updater, not '$only'" ;;
esac
# A semantic version, as release statements carry it (model.version.SemanticVersion).
semver='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$'
if [ -n "$version" ] && ! [[ "$version" =~ $semver ]]; then
    die_usage "--version '$version' is not a semantic version (e.g. 0.2.0 or 0.2.0-rc.1)"
fi
[[ "$repository" =~ ^[a-z0-9]([a-z0-9._:/-]*[a-z0-9])?$ ]] || die_usage "--repository '$repository' is not an image repository prefix"
command -v docker >/dev/null 2>&1 || die_usage "docker is not installed or not on PATH"
# The JDK's jar tool reads and stamps the jars' manifests (the Maven build needed a JDK anyway).
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/jar" ]; then
    jartool="$JAVA_HOME/bin/jar"
elif command -v jar >/dev/null 2>&1; then
    jartool=$(command -v jar)
else
    die_usage "the JDK's jar tool was not found: set JAVA_HOME to the JDK that built the jars"
fi

jar_of() {
    case "$1" in
        server) printf '%s' "$root/server/target/hivemind-server.jar" ;;
        updater) printf '%s' "$root/updater-agent/target/hivemind-updater.jar" ;;
    esac
}
for image in "${images[@]}"; do
    jar=$(jar_of "$image")
    [ -f "$jar" ] && [ -d "$(dirname "$jar")/libs" ] \
        || die_usage "$jar (and libs/ beside it) not found: run 'mvn -B -ntp -DskipTests package' first"
done
if [[ " ${images[*]} " == *" updater "* ]]; then
    [ -n "$keyring" ] || die_usage "--keyring FILE is required for the updater image: the release keys it trusts"
    [ -f "$keyring" ] || die_usage "--keyring $keyring: no such file"
    grep -q -- '-----BEGIN PGP PUBLIC KEY BLOCK-----' "$keyring" \
        || die_usage "--keyring $keyring is not an armored OpenPGP public keyring"
fi
if [ -z "$revision" ]; then
    revision=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)
    if [ "$revision" != unknown ] && [ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
        revision="$revision-dirty"
    fi
fi
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

jar_version() {
    local dir
    dir=$(mktemp -d "$work/manifest.XXXXXX")
    (cd "$dir" && "$jartool" --extract --file "$1" META-INF/MANIFEST.MF) || return 1
    tr -d '\r' < "$dir/META-INF/MANIFEST.MF" | sed -n 's/^Implementation-Version: *//p' | head -n 1
}

for image in "${images[@]}"; do
    jar=$(jar_of "$image")
    own=$(jar_version "$jar")
    v=${version:-$own}
    [ -n "$v" ] || die_usage "$jar has no Implementation-Version; give --version"
    name="$repository/hivemind-$image:$v"
    ctx="$work/$image"
    mkdir -p "$ctx/app" "$ctx/bin"
    cp "$jar" "$ctx/app/"
    cp -r "$(dirname "$jar")/libs" "$ctx/app/libs"
    cp "$here/images/bin/hivemind-$image" "$here/images/bin/hivemind-$image-healthcheck" "$ctx/bin/"
    [ "$image" = server ] || cp "$keyring" "$ctx/release-keys.asc"
    if [ "$v" != "$own" ]; then
        # The version /health and the agent report is the jar's Implementation-Version: stamp it,
        # so the label and the running program cannot disagree.
        printf 'Implementation-Version: %s\n' "$v" > "$work/manifest-$image"
        "$jartool" --update --file "$ctx/app/$(basename "$jar")" --manifest "$work/manifest-$image" 2>/dev/null \
            || die "could not stamp version $v into $(basename "$jar")"
        [ "$(jar_version "$ctx/app/$(basename "$jar")")" = "$v" ] || die "stamping version $v into $(basename "$jar") failed"
    fi
    log "building $name from $base"
    docker build \
        --file "$here/images/$image.Dockerfile" \
        --build-arg "BASE=$base" --build-arg "VERSION=$v" --build-arg "REVISION=$revision" \
        --build-arg "SOURCE=$source_url" --build-arg "CREATED=$created" \
        --tag "$name" "$ctx" >&2 || die "docker build of $name failed"
    if [ "$push" = yes ]; then
        # The digest as the registry reported it ("…: digest: sha256:… size: …"): the image's
        # RepoDigests would name docker.io repositories in their short form.
        pushed=$(docker push "$name") || die "docker push of $name failed"
        digest=$(printf '%s\n' "$pushed" | sed -n 's/.*digest: \(sha256:[0-9a-f]\{64\}\).*/\1/p' | tail -n 1)
        [ -n "$digest" ] || die "the registry reported no digest for $name"
        printf 'hivemind-%s=%s@%s\n' "$image" "$repository/hivemind-$image" "$digest"
    else
        log "built $name (not pushed)"
    fi
done
