#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian/Ubuntu machine: the tools macvlan-doctor calls,
# the lab's real dockerd, DHCP servers (dnsmasq and ISC dhcpd), IPv6 router advertisements (radvd), switch (nftables) and busybox image source, and Chromium, in which
# mermaid's parser checks the report's topology diagrams, and the tools that read the persistence files
# `macvlan fix` writes (systemd-analyze, systemd-networkd, nmcli, ifupdown), and mmdebstrap, which makes the
# container image's base from Debian packages for the lab test that builds and runs the image.
# The lab runs two Docker engines: Debian 12's docker.io (installed) and Debian 13's (downloaded and unpacked
# into .cache/lab-engines/, never installed: it runs on this machine's containerd and runc).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  iproute2 util-linux iputils-ping iputils-arping \
  docker.io dnsmasq-base isc-dhcp-server radvd nftables busybox-static chromium \
  systemd network-manager ifupdown debian-archive-keyring mmdebstrap >/dev/null

# Unpacks docker.io and docker-cli of Debian suite $1 into .cache/lab-engines/$1, from the Debian mirror this
# machine's apt already uses, with apt state of its own so the machine's /etc/apt and package lists stay untouched.
unpack_engine() {
  local suite=$1
  local dest
  dest="$(cd "$(dirname "$0")/.." && pwd)/.cache/lab-engines/$suite"
  if "$dest/usr/sbin/dockerd" --version >/dev/null 2>&1 && "$dest/usr/bin/docker" --version >/dev/null 2>&1; then
    echo "docker.io from $suite: already in $dest"
    return
  fi
  local mirror
  mirror=$(apt-get indextargets --format '$(ORIGIN) $(CODENAME) $(IDENTIFIER) $(REPO_URI)' |
    awk '$1 == "Debian" && $2 !~ /-/ && $3 == "Packages" { print $4; exit }')
  if [ -z "$mirror" ]; then
    echo "no Debian mirror in this machine's apt sources: cannot download docker.io from $suite" >&2
    return 1
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/sources.list.d" "$work/root"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >"$work/sources.list"
  local apt_own_state=(
    -o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=$work/sources.list.d"
    -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
    # apt's unprivileged download user cannot write into the private work directory.
    -o "APT::Sandbox::User=root"
  )
  apt-get -qq "${apt_own_state[@]}" update
  (cd "$work" && apt-get -qq "${apt_own_state[@]}" download docker.io docker-cli)
  for deb in "$work"/docker.io_*.deb "$work"/docker-cli_*.deb; do dpkg-deb -x "$deb" "$work/root"; done
  "$work/root/usr/sbin/dockerd" --version >/dev/null
  rm -rf "$dest"
  mkdir -p "$(dirname "$dest")"
  mv "$work/root" "$dest"
  echo "docker.io from $suite: $("$dest/usr/sbin/dockerd" --version)"
}
unpack_engine trixie
# The container image's base, from Debian packages (no registry here): cached, so only the first run pays for it.
echo "image base: $(bash "$(dirname "$0")/image-base.sh")"
echo "test dependencies installed"
