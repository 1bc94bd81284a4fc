# hivemind-updater image. Built by compose/build-images.sh from the jars of the Maven build.
# BASE: as for the server (server.Dockerfile), a Debian 13 (trixie) image.
ARG BASE=debian:trixie-slim
FROM ${BASE}

# Debian 13's OpenJDK 21, not the server's 25: with the same options an idle agent on OpenJDK 25
# holds 95-98 MiB, at or over the 96 MiB this image is held to (issue 15), against 89 MiB on 21
# (more heap committed after its start: updater-agent/bench/idle-memory.sh, docs/benchmarks.md);
# and the agent gains nothing from 25's AOT cache, as it starts once and then sleeps.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-21-jre-headless \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log /usr/share/doc/* /usr/share/man/*

# The docker CLI and compose v2 from Debian 13's own packages: the agent drives the host's
# engine through the mounted socket (docs/threat-model.md says what that grants). No engine.
RUN apt-get update \
 && apt-get install -y --no-install-recommends docker-cli docker-compose \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log /usr/share/doc/* /usr/share/man/*

COPY --chown=root:root app/ /opt/hivemind/
COPY --chown=root:root bin/hivemind-updater bin/hivemind-updater-healthcheck /usr/local/bin/
# The release team's public keyring: the only keys whose statements this agent installs
# (HIVEMIND_UPDATE_KEYRING defaults to this path).
COPY --chown=root:root release-keys.asc /usr/share/hivemind/release-keys.asc

# UTF-8 for what the programs print (a C locale would turn every non-ASCII character into '?').
# Memory (issue 15: at most 96 MiB resident when idle): the agent sleeps between polls and its
# heaviest work (a statement's verification, a dump streamed to disk, compose's output) needs a
# few MiB of heap, so the heap starts at 8 MiB, may grow to 64 MiB and gives back what it does not
# use (free ratios); the serial collector needs no extra threads; the client compiler alone
# (TieredStopAtLevel=1, one compiler thread) compiles the little that runs hot, at a fraction of
# C2's memory; metaspace, code cache and direct buffers are capped; two malloc arenas instead of
# one per core. updater-agent/bench/idle-memory.sh measures this very image: 89 MiB resident
# idle (121 MiB with the JVM's defaults). HIVEMIND_UPDATER_JAVA_OPTS adds or overrides.
ENV LANG=C.UTF-8 \
    MALLOC_ARENA_MAX=2 \
    JAVA_DEFAULT_OPTS="-XX:+ExitOnOutOfMemoryError -Xms8m -Xmx64m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=24m -XX:MaxDirectMemorySize=16m -Xss512k"

# Root in its own container: it needs the docker socket, which is root on the host anyway.
HEALTHCHECK --interval=10s --timeout=3s --start-period=1m --retries=3 CMD ["hivemind-updater-healthcheck"]
# The agent is the entrypoint: its self-update hand-off starts this image with the argument
# "handoff" (docker compose run … hivemind-updater handoff).
ENTRYPOINT ["hivemind-updater"]
CMD ["run"]

ARG VERSION
ARG REVISION
ARG SOURCE
ARG CREATED
ARG BASE
LABEL org.opencontainers.image.title="hivemind-updater" \
      org.opencontainers.image.description="Hivemind updater agent: verifies signed releases and rolls the stack forward" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${BASE}"
