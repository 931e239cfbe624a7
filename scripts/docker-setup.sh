#!/usr/bin/env bash
# Provide what the real-Docker tests and benchmarks need, on this machine or a fresh CI runner.
# Idempotent: each step is skipped when already done.
#   1. shellcheck (also used by other tests)                    apt, when missing
#   2. a Docker engine (Debian docker.io, dockerd offline)      docker-offline/start-dockerd.sh
#   3. base images: debian:bookworm-slim, rust:*, distroless    docker-offline/base-images.sh
#   4. the Debian crate packages of test/fixtures/*/debian-crates.txt (and, with --bench or
#      BENCH=1, of bench-svc) so tests can vendor them without apt
# The docker-offline toolkit: $DOCKER_OFFLINE_DIR, else <repo>/../shared/docker-offline.
# Usage (root): bash scripts/docker-setup.sh [--bench]
# Exits non-zero with a message when it cannot provide a working engine.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=docker-offline-lib.sh source-path=SCRIPTDIR
. "$HERE/docker-offline-lib.sh"
T0=$(date +%s)
step() { echo "[docker-setup +$(( $(date +%s) - T0 ))s] $*"; }
die() { echo "[docker-setup] ERROR: $*" >&2; exit 1; }
bench=${BENCH:-0}; [ "${1:-}" = --bench ] && bench=1
export PATH=$HOME/.cargo/bin:$PATH
is_root=0; [ "$(id -u)" = 0 ] && is_root=1

apt_updated=0
apt_install() {  # installs the missing ones among "$@"
  local missing
  mapfile -t missing < <(missing_debs "$@")
  [ ${#missing[@]} -eq 0 ] && { step "already installed: $*"; return 0; }
  [ $is_root = 1 ] || die "need root to install: ${missing[*]}"
  (
    flock 9
    if [ $apt_updated = 0 ]; then apt-get update -qq; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  ) 9>"$APT_LOCK"
  apt_updated=1
  step "installed: ${missing[*]}"
}

# 1. shellcheck
if command -v shellcheck >/dev/null; then step "shellcheck present ($(shellcheck --version | sed -n 's/^version: //p'))"
else apt_install shellcheck; fi

OFFLINE=$(docker_offline_dir) || die "cannot provide a Docker engine without the docker-offline toolkit"
step "docker-offline toolkit: $OFFLINE"

# 2. engine
if "$DOCKER" info >/dev/null 2>&1; then
  step "docker engine already running ($("$DOCKER" version --format '{{.Server.Version}}'))"
else
  [ $is_root = 1 ] || die "no reachable Docker engine and not root: cannot start dockerd"
  bash "$OFFLINE/start-dockerd.sh" || die "could not start dockerd (see /var/log/dockerd-offline.log)"
  "$DOCKER" info >/dev/null 2>&1 || die "dockerd started but the engine is not reachable"
  step "docker engine started"
fi
if [ "$DOCKER" = docker ] && [ -x /usr/bin/docker ]; then DOCKER=/usr/bin/docker; fi   # docker.io just installed

# 3. base images (base-images.sh is idempotent but runs apt-get update: skip when all present)
need_images=(debian:bookworm-slim rust:latest rust:1-slim-bookworm gcr.io/distroless/cc-debian12 gcr.io/distroless/static-debian12)
have_all=1
for i in "${need_images[@]}"; do "$DOCKER" image inspect "$i" >/dev/null 2>&1 || have_all=0; done
if [ $have_all = 1 ] && [ "${FORCE:-0}" != 1 ]; then
  step "base images present"
else
  [ $is_root = 1 ] || die "base images missing and not root: cannot build them"
  command -v cargo >/dev/null || die "no host Rust toolchain (~/.cargo/bin): base-images.sh copies it into rust:*"
  step "building base images (~3 min the first time)"
  bash "$OFFLINE/base-images.sh" >/tmp/docker-setup-base-images.log 2>&1 \
    || { tail -30 /tmp/docker-setup-base-images.log >&2; die "base-images.sh failed (log: /tmp/docker-setup-base-images.log)"; }
  step "base images built"
fi
"$DOCKER" run --rm --network=none rust:latest cargo --version >/dev/null 2>&1 || die "rust:latest cannot run cargo"

# 4. crates for the fixtures (and the benchmark project)
command -v cargo >/dev/null || die "no host cargo: needed to vendor fixture crates"
pkgs=()
for f in "$REPO_ROOT"/test/fixtures/*/debian-crates.txt; do
  [ -f "$f" ] && read -r -a p <<<"$(tr '\n' ' ' <"$f")" && pkgs+=("${p[@]}")
done
[ "$bench" = 1 ] && read -r -a p <<<"$(tr '\n' ' ' <"$OFFLINE/bench-svc/debian-crates.txt")" && pkgs+=("${p[@]}")
command -v flock >/dev/null || die "flock (util-linux) missing"
if [ ${#pkgs[@]} -gt 0 ]; then
  mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | sort -u)
  apt_install "${pkgs[@]}"
fi

step "done: engine $("$DOCKER" version --format '{{.Server.Version}}'), $(nproc) cores, $(date -u +%H:%M:%SZ)"
