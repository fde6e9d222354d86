#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian/Ubuntu machine: the tools macvlan-doctor calls,
# the lab's real dockerd, DHCP server, switch (nftables) and busybox image source, and Chromium, in which
# mermaid's parser checks the report's topology diagrams, and the tools that read the persistence files
# `macvlan fix` writes (systemd-analyze, systemd-networkd, nmcli, ifquery).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  iproute2 util-linux iputils-ping iputils-arping \
  docker.io dnsmasq-base nftables busybox-static chromium \
  systemd network-manager ifupdown >/dev/null
echo "test dependencies installed"
