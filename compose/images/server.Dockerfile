# hivemind-server image. Built by compose/build-images.sh from the jars of the Maven build
# (never by hand: the script stages the context, stamps the version and sets the labels).
#
# BASE is a Debian 13 (trixie) image: debian:trixie-slim in production, a local import of the
# same release in the tests, so the tests build exactly this file. docs/operators.md says why
# Debian's openjdk-25-jre-headless rather than another Java image.
ARG BASE=debian:trixie-slim
FROM ${BASE} AS runtime

# The Java runtime in a layer of its own: Debian 13's OpenJDK 25, whose AOT cache (below) starts the
# server in well under a second. The updater image keeps OpenJDK 21, which needs less memory for
# an idle agent (updater.Dockerfile says why), so the two images no longer share this layer.
# No caches or package lists are left behind.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-25-jre-headless \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log /usr/share/doc/* /usr/share/man/*

# A fixed, unprivileged user: the installer gives its uid the host's log directory.
RUN groupadd --system --gid 10001 hivemind \
 && useradd --system --uid 10001 --gid hivemind --home-dir /var/lib/hivemind-server --no-create-home \
        --shell /usr/sbin/nologin hivemind \
 && install -d -o hivemind -g hivemind -m 0750 /var/lib/hivemind-server /run/hivemind \
 && install -d -o hivemind -g hivemind -m 0755 /var/log/hivemind

COPY --chown=root:root app/ /opt/hivemind/
COPY --chown=root:root bin/hivemind-server bin/hivemind-server-healthcheck /usr/local/bin/

# Inside a container the server listens on every interface of its own network namespace;
# compose publishes the main port on the host's loopback only and never publishes the admin
# socket. The named volume on /run/hivemind carries the admin token to the updater.
# UTF-8 for what the programs print (a C locale would turn every non-ASCII character into '?').
# Memory (issue 15: at most 256 MiB resident under load): a 128 MiB heap holds the caches (sessions,
# credentials, rate-limit buckets) and the load of a single instance: about 11 MiB stays live after
# a full collection under load, but the embedded PostgreSQL's first unpack (a first run without
# HIVEMIND_DB_URL, and this image's training start below) ran out of a 96 MiB heap. The serial
# collector needs no extra threads or regions on 2 cores and such a heap; metaspace, code cache
# and direct buffers are capped above what Helidon, Jackson, Flyway, JTE and JDBC use (direct buffers
# at 64 MiB: the embedded PostgreSQL's unpack writes through 8 MiB temporary direct buffers, several
# at once, and ran out of 32 MiB).
# server/bench/run.sh and soak.sh measure with these very options (189-213 MiB resident after the
# API load, 263 MiB under the soak's page and API mix; 501 MiB with the JVM's defaults).
# HIVEMIND_SERVER_JAVA_OPTS adds or overrides (the last -Xmx wins).
# Start-up (issue 15): classes, loaded and linked, and the start's method profiles come from an
# AOT cache (JDK 25, JEP 483/514/515) made below for this very JVM and these jars. Should the file
# be unusable (missing, damaged), the JVM starts without it: slower, never refused
# (-XX:AOTMode=auto, the default). The jars must never change under it: OpenJDK 25 does not check
# them and may run the cached classes instead (docs/operators.md); a new image makes a new cache.
ENV LANG=C.UTF-8 \
    HIVEMIND_BIND=0.0.0.0:8585 \
    HIVEMIND_ADMIN_BIND=0.0.0.0:8586 \
    HIVEMIND_DATA_DIR=/var/lib/hivemind-server \
    HIVEMIND_ADMIN_TOKEN_FILE=/run/hivemind/admin.token \
    JAVA_DEFAULT_OPTS="-XX:+ExitOnOutOfMemoryError -Xmx128m -XX:+UseSerialGC -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=48m -XX:MaxDirectMemorySize=64m -Xss512k -XX:AOTCache=/opt/hivemind/hivemind-server.aot"

USER hivemind:hivemind
WORKDIR /var/lib/hivemind-server

# The AOT cache (issue 15: start to the first /health 200), made at build time by the image's own
# JVM, since a cache only works for the JVM that wrote it and the same class path, jars unchanged
# (made at the JVM's exit in production instead, it would lengthen every stop, and so every
# update). A training start on the embedded PostgreSQL, as the hivemind user (PostgreSQL refuses
# root), records with -XX:AOTMode=record the classes it loads and links and the methods it runs up
# to its first /health 200, and writes that record as it stops; -XX:AOTMode=create then makes the
# cache from it with the image's own options. This happens in a stage of its own, so that nothing of
# the training run (its database, its logs, the record) reaches the image, only the cache. The
# training start alone runs with a larger heap (512 MiB) and no direct-memory cap: its first unpack
# of the embedded PostgreSQL is no part of a start on the stack's database, and a cap must not fail
# a build. A cache made under one heap size serves another, but the heap must stay below 32 GiB
# (compressed object pointers, which record and create must agree on), so it is set, never left to
# the JVM's share of a large build host's memory.
FROM runtime AS aot
RUN set -eu; \
    opts=$(printf '%s\n' $JAVA_DEFAULT_OPTS | grep -v -e '^-XX:AOTCache='); \
    export HIVEMIND_DATA_DIR=/tmp/training HIVEMIND_ADMIN_TOKEN_FILE=/tmp/training/admin.token \
           HIVEMIND_BIND=127.0.0.1:8585 HIVEMIND_ADMIN_BIND=127.0.0.1:8586; \
    java $(printf '%s\n' $opts | grep -v -e '^-Xmx' -e '^-XX:MaxDirectMemorySize=') -Xmx512m \
        -XX:AOTMode=record -XX:AOTConfiguration=/tmp/hivemind-server.aotconf \
        -jar /opt/hivemind/hivemind-server.jar > /tmp/training.log 2>&1 & pid=$!; \
    for _ in $(seq 1 1200); do \
        if hivemind-server-healthcheck; then break; fi; \
        kill -0 "$pid" 2>/dev/null || { cat /tmp/training.log; echo "training start failed"; exit 1; }; \
        sleep 0.1; \
    done; \
    hivemind-server-healthcheck || { cat /tmp/training.log; echo "training start did not become healthy"; exit 1; }; \
    kill "$pid"; wait "$pid" || true; \
    [ -s /tmp/hivemind-server.aotconf ] || { cat /tmp/training.log; echo "the training start recorded nothing"; exit 1; }; \
    java $opts -XX:AOTMode=create -XX:AOTConfiguration=/tmp/hivemind-server.aotconf \
        -XX:AOTCache=/tmp/hivemind-server.aot -jar /opt/hivemind/hivemind-server.jar > /tmp/create.log 2>&1 \
        || { cat /tmp/create.log; exit 1; }; \
    echo "AOT cache: $(du -h /tmp/hivemind-server.aot | cut -f1)"

FROM runtime
COPY --from=aot --chown=root:root /tmp/hivemind-server.aot /opt/hivemind/hivemind-server.aot
EXPOSE 8585
HEALTHCHECK --interval=5s --timeout=3s --start-period=2m --retries=3 CMD ["hivemind-server-healthcheck"]
ENTRYPOINT ["hivemind-server"]

ARG VERSION
ARG REVISION
ARG SOURCE
ARG CREATED
ARG BASE
LABEL org.opencontainers.image.title="hivemind-server" \
      org.opencontainers.image.description="Hivemind server: web UI, JSON API, SSO and /health" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${BASE}"
