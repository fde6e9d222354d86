#!/usr/bin/env bash
# Builds the container image's base from Debian packages, for machines with no image registry (CI, the lab): Debian 13
# minbase plus the Dockerfile's PACKAGES, made by mmdebstrap from the Debian mirror this machine's apt already uses,
# with apt state of its own (the machine's /etc/apt is never touched). Cached in .cache/image-base/ by its inputs;
# prints the tarball's path (for `docker import`).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
suite=trixie
packages=$(sed -n 's/^ARG PACKAGES="\(.*\)"$/\1/p' "$root/Dockerfile")
[ -n "$packages" ] || { echo "no ARG PACKAGES line in $root/Dockerfile" >&2; exit 1; }
key=$(printf '%s\n' "$suite" "$packages" | sha256sum | cut -c1-12)
tarball="$root/.cache/image-base/$suite-$key.tar"
if [ -f "$tarball" ]; then echo "$tarball"; exit 0; fi
mirror=$(apt-get indextargets --format '$(ORIGIN) $(CODENAME) $(IDENTIFIER) $(REPO_URI)' |
  awk '$1 == "Debian" && $2 !~ /-/ && $3 == "Packages" { print $4; exit }')
[ -n "$mirror" ] || { echo "no Debian mirror in this machine's apt sources: cannot build the image base" >&2; exit 1; }
mkdir -p "$(dirname "$tarball")"
# mmdebstrap picks its output format by the name's extension: the unfinished file must end in .tar too.
partial="${tarball%.tar}.partial.tar"
rm -rf "$partial"
# Documentation, manuals and translations are left out: nobody reads them in this image.
mmdebstrap --quiet --variant=minbase --include="${packages// /,}" \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  "$suite" "$partial" \
  "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >&2
mv "$partial" "$tarball"
echo "$tarball"
