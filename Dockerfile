# macvlan-doctor in a container, for Docker hosts without Node.js:
#   docker run --rm --net host --pid host --cap-add NET_ADMIN --cap-add NET_RAW --cap-add SYS_ADMIN --cap-add SYS_PTRACE \
#     -v /var/run/docker.sock:/var/run/docker.sock -v /etc:/host/etc:ro -v /run:/host/run:ro IMAGE doctor
# Build: npm ci && npm run build && npm run sea && docker build -t macvlan-doctor .
# BASE is any Debian 13 (trixie) or later image; a base that already has PACKAGES (CI builds one from Debian packages,
# with no registry) needs no network while building.
ARG BASE=debian:trixie-slim
FROM ${BASE}
# What macvlan-doctor runs: ip, ping, arping, nsenter, docker.
ARG PACKAGES="iproute2 iputils-ping iputils-arping util-linux docker-cli"
RUN missing=$(for package in $PACKAGES; do dpkg -s "$package" >/dev/null 2>&1 || echo "$package"; done); \
    if [ -n "$missing" ]; then \
      apt-get update && apt-get install -y --no-install-recommends $missing && rm -rf /var/lib/apt/lists/*; \
    fi
# The single executable (npm run sea): Node, the bundled CLI, its docs and schemas in one file; npm run sea on an
# arm64 machine writes release/macvlan-linux-arm64.
ARG EXECUTABLE=release/macvlan-linux-x64
COPY ${EXECUTABLE} /usr/local/bin/macvlan
# The host's /etc and /run, mounted read-only here, are where collection reads the network configuration.
ENV MACVLAN_DOCTOR_HOST_ROOT=/host
ENTRYPOINT ["macvlan"]
CMD ["doctor"]
