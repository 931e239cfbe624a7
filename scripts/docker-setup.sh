#!/usr/bin/env bash
# The one set-up of this repository's tests and benchmarks, on this machine or a fresh CI machine
# (nothing installed but Node, Rust via rustup, Go, Python). The projen `test` task runs it first,
# so the README's test command (`npx projen build`) and `.ci/run` need nothing else.
# Provides, each step skipped when already done (seconds when everything is there):
#   1. shellcheck (the Dockerfile/workflow lint tests)                 apt
#   2. a Docker engine (Debian docker.io, no bridge network)           docker-offline/start-dockerd.sh
#   3. stand-ins of the public base images, as Docker Hub serves them: docker-offline/base-images.sh
#      rust:* (trixie and -bookworm), debian:*-slim, gcr.io/distroless/*
#   4. cargo-chef images for every rust:<tag> stand-in                 docker-offline/chef-images.sh
#   5. BuildKit + `docker buildx`, the docker/dockerfile:1 frontend,   docker-offline/buildkit.sh
#      the local registry playing Docker Hub/gcr.io (127.0.0.1:5000) with every stand-in, and the
#      buildx builder `lab` the tests build with (`docker buildx build --builder lab`, as a runner)
#   6. a check that the builder answers (and, after any set-up work, a real build with `# syntax=`)
# The heavy scripts run under `flock -o /tmp/lab-heavy.lock` (shared with other lab users); their
# logs go to /tmp/docker-setup-<script>.log. First run on a new machine: ~30 min (measured 32: engine
# 25 s, base-images 7 min, chef-images 5 min, buildkit 20 min = Go build of BuildKit/buildx + registry pushes).
#
# Usage (root): bash scripts/docker-setup.sh
#   SKIP_DOCKER_TESTS=1  skip the Docker set-up (machines without root or Docker); the Docker
#                        test suites are then skipped too. shellcheck is still installed if possible.
#   LAB_RERUN=1          run every lab script even when its results exist (they skip what is done)
#   FORCE=1              rebuild everything (passed on to the lab scripts, which then rebuild their images)
#   OLDER_RUST="1.94.1"  also require/provide rust:<x.y.z> stand-ins of older releases
#   DOCKER_OFFLINE_DIR   the docker-offline toolkit (default: <repo>/../shared/docker-offline)
#   LAB_WORK             the lab's work dir (default /var/tmp/docker-offline)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=docker-offline-lib.sh source-path=SCRIPTDIR
. "$HERE/docker-offline-lib.sh"
T0=$(date +%s)
step() { echo "[docker-setup +$(( $(date +%s) - T0 ))s] $*"; }
die() {
  echo "[docker-setup] ERROR: $*" >&2
  echo "[docker-setup] (on a machine without root or Docker: SKIP_DOCKER_TESTS=1 skips the Docker set-up and suites)" >&2
  exit 1
}
export PATH=$HOME/.cargo/bin:/usr/local/go/bin:$PATH
is_root=0; [ "$(id -u)" = 0 ] && is_root=1
LAB_WORK=${LAB_WORK:-/var/tmp/docker-offline}; export LAB_WORK
REG=127.0.0.1:5000
BUILDER=lab
HEAVY_LOCK=/tmp/lab-heavy.lock

apt_install() {  # installs the missing ones among "$@"
  local missing
  mapfile -t missing < <(missing_debs "$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  [ $is_root = 1 ] || die "need root to install: ${missing[*]}"
  (
    flock 9
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${missing[@]}" >/dev/null
  ) 9>"$APT_LOCK"
  step "installed: ${missing[*]}"
}

# 1. shellcheck
if command -v shellcheck >/dev/null; then step "shellcheck present ($(shellcheck --version | sed -n 's/^version: //p'))"
elif [ $is_root = 1 ]; then apt_install shellcheck
elif [ "${SKIP_DOCKER_TESTS:-0}" = 1 ]; then step "WARNING: shellcheck missing and not root: the lint tests will fail (apt-get install shellcheck)"
else die "shellcheck missing and not root: run as root (or apt-get install shellcheck)"
fi

if [ "${SKIP_DOCKER_TESTS:-0}" = 1 ]; then
  cat >&2 <<'EOF'
################################################################################################
##  SKIP_DOCKER_TESTS=1: NO Docker set-up, and every real-Docker test suite will be SKIPPED.   ##
##  The generated Dockerfiles are then NOT built or run. Run as root without it for the full   ##
##  suite (`bash scripts/docker-setup.sh`, or just the test command).                          ##
################################################################################################
EOF
  exit 0
fi

OFFLINE=$(docker_offline_dir) || die "cannot set up the Docker lab without the docker-offline toolkit"
command -v flock >/dev/null || die "flock (util-linux) missing"
DOCKER=/usr/bin/docker   # the engine's own client (Debian docker.io); buildx is its CLI plugin

heavy() {  # heavy <script>: run a lab script under the shared lock, log to a file, fail loudly
  local s=$1 log=/tmp/docker-setup-${1%.sh}.log t
  [ $is_root = 1 ] || die "the lab is incomplete and $s needs root: run as root (sudo bash scripts/docker-setup.sh)"
  t=$(date +%s)
  step "running $s (log: $log)"
  flock -o "$HEAVY_LOCK" bash "$OFFLINE/$s" "$LAB_WORK" >"$log" 2>&1 \
    || { tail -30 "$log" >&2; die "$s failed (log: $log)"; }
  step "$s done in $(( $(date +%s) - t ))s: $(tail -1 "$log")"
  did_work=1
}
did_work=0
force=0; { [ "${LAB_RERUN:-0}" = 1 ] || [ "${FORCE:-0}" = 1 ]; } && force=1

# 2. engine
if [ "$force" != 1 ] && "$DOCKER" info >/dev/null 2>&1; then
  step "docker engine running ($("$DOCKER" version --format '{{.Server.Version}}'))"
else
  [ $is_root = 1 ] || die "no reachable Docker engine ($DOCKER info fails) and not root: cannot start one. Run as root: sudo bash scripts/docker-setup.sh"
  heavy start-dockerd.sh
  "$DOCKER" info >/dev/null 2>&1 || die "dockerd started but the engine is not reachable (see /var/log/dockerd-offline.log)"
fi

# 3.–4. stand-ins (engine images; buildkit.sh pushes them to the registry)
host_rust=$(rustc --version 2>/dev/null | awk '{print $2}') || true
[ -n "$host_rust" ] || die "no Rust toolchain (rustc via rustup in ~/.cargo/bin): base-images.sh needs rustup"
rust_minor=${host_rust%.*}
base_images=(debian:bookworm-slim debian:trixie-slim rust:1 rust:latest rust:1-slim rust:1-slim-bookworm rust:1-bookworm
  "rust:$rust_minor" "rust:$rust_minor-slim-bookworm"
  gcr.io/distroless/cc-debian12 gcr.io/distroless/cc-debian13 gcr.io/distroless/static-debian12:nonroot
  gcr.io/distroless/static-debian13:nonroot)
for v in ${OLDER_RUST:-}; do base_images+=("rust:$v" "rust:$v-slim-bookworm"); done
chef_images=(lukemathwalker/cargo-chef:latest-rust-1 lukemathwalker/cargo-chef:latest-rust-1-slim-bookworm
  "lukemathwalker/cargo-chef:latest-rust-$rust_minor")
for v in ${OLDER_RUST:-}; do chef_images+=("lukemathwalker/cargo-chef:latest-rust-$v"); done
have_images() { "$DOCKER" image inspect "$@" >/dev/null 2>&1; }

if [ "$force" != 1 ] && have_images "${base_images[@]}"; then step "base image stand-ins present"
else
  command -v cargo >/dev/null || die "no host cargo (~/.cargo/bin): base-images.sh installs the stand-ins' toolchains with rustup"
  heavy base-images.sh
  have_images "${base_images[@]}" || die "base-images.sh ran but stand-ins are missing (log: /tmp/docker-setup-base-images.log)"
fi
if [ "$force" != 1 ] && [ $did_work = 0 ] && have_images "${chef_images[@]}"; then step "cargo-chef stand-ins present"
else
  heavy chef-images.sh   # also after base-images.sh ran: new rust tags get their cargo-chef tag
  have_images "${chef_images[@]}" || die "chef-images.sh ran but cargo-chef images are missing"
fi

# 5. BuildKit, buildx, registry, builder `lab`
registry_has() {  # registry_has <image ref as the engine names it>: the registry serves its manifest
  local ref=$1 name tag
  case ${ref##*/} in *:*) name=${ref%:*}; tag=${ref##*:} ;; *) name=$ref; tag=latest ;; esac
  case $name in gcr.io/*) name=${name#gcr.io/} ;; */*) ;; *) name=library/$name ;; esac
  # (a multi-platform tag, e.g. from scripts/lab-arm64.sh, is an index/list: accept those too)
  curl -fsS -o /dev/null -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' -H 'Accept: application/vnd.oci.image.index.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' "http://$REG/v2/$name/manifests/$tag" 2>/dev/null
}
builder_running() { "$DOCKER" buildx inspect "$BUILDER" 2>/dev/null | grep -qE '^Status:[[:space:]]+running'; }
lab_ready() {
  "$DOCKER" buildx version >/dev/null 2>&1 || { echo "docker buildx not installed"; return 1; }
  local i
  for i in "${base_images[@]}" "${chef_images[@]}" docker/dockerfile:1; do
    registry_has "$i" || { echo "registry $REG does not serve $i"; return 1; }
  done
  builder_running || { echo "builder '$BUILDER' not running"; return 1; }
}
if [ "$force" != 1 ] && [ $did_work = 0 ] && why=$(lab_ready); then
  step "buildx $("$DOCKER" buildx version | awk '{print $2}'), registry $REG with the stand-ins, builder '$BUILDER' running"
else
  [ $did_work = 1 ] || step "BuildKit lab incomplete (${why:-LAB_RERUN/FORCE})"
  if ! ls -d "$LAB_WORK"/buildkit-*/bin/docker-buildx >/dev/null 2>&1; then
    command -v go >/dev/null || die "no Go toolchain: buildkit.sh builds BuildKit and buildx from the Go module proxy (first time only)"
  fi
  heavy buildkit.sh
  why=$(lab_ready) || die "buildkit.sh ran but the lab is not ready: $why"
fi

# 6. the builder answers; after set-up work, a real build through it (frontend pull, base image
#    pull from the registry, RUN with network)
if [ $did_work = 1 ]; then
  ctx=$(mktemp -d)
  printf '# syntax=docker/dockerfile:1\nFROM debian:trixie-slim\nRUN echo lab-ok\n' >"$ctx/Dockerfile"
  "$DOCKER" buildx build --builder "$BUILDER" --progress=plain --output type=cacheonly "$ctx" >/tmp/docker-setup-check.log 2>&1 \
    || { rm -rf "$ctx"; tail -20 /tmp/docker-setup-check.log >&2; die "a test build on builder '$BUILDER' failed (log: /tmp/docker-setup-check.log)"; }
  rm -rf "$ctx"
  step "test build on '$BUILDER' ok"
fi
step "done: engine $("$DOCKER" version --format '{{.Server.Version}}'), builder '$BUILDER' ($(nproc) cores, $(date -u +%H:%M:%SZ))"
