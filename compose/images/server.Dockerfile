# hivemind-server image. Built by compose/build-images.sh from the jars of the Maven build
# (never by hand: the script stages the context, stamps the version and sets the labels).
#
# BASE is a Debian 13 (trixie) image: debian:trixie-slim in production, a local import of the
# same release in the tests, so the tests build exactly this file. docs/operators.md says why
# Debian's openjdk-21-jre-headless rather than another Java image.
ARG BASE=debian:trixie-slim
FROM ${BASE}

# The Java runtime in a layer of its own, identical in both Hivemind images, so the server and
# the updater share it on disk and in the registry. No caches or package lists are left behind.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-21-jre-headless \
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
# rate-limit buckets) and the load of a single instance; the serial collector needs no extra threads
# or regions on 2 cores and such a heap; metaspace, code cache and direct buffers are capped above
# what Helidon, Jackson, Flyway, JTE and JDBC use. server/bench/run.sh measures with these very
# options (189 MiB resident after its load; 323 MiB with a 192 MiB heap, 501 MiB with the JVM's
# defaults). HIVEMIND_SERVER_JAVA_OPTS adds or overrides (the last -Xmx wins).
ENV LANG=C.UTF-8 \
    HIVEMIND_BIND=0.0.0.0:8585 \
    HIVEMIND_ADMIN_BIND=0.0.0.0:8586 \
    HIVEMIND_DATA_DIR=/var/lib/hivemind-server \
    HIVEMIND_ADMIN_TOKEN_FILE=/run/hivemind/admin.token \
    JAVA_DEFAULT_OPTS="-XX:+ExitOnOutOfMemoryError -Xmx128m -XX:+UseSerialGC -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=48m -XX:MaxDirectMemorySize=32m -Xss512k"

USER hivemind:hivemind
WORKDIR /var/lib/hivemind-server
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
