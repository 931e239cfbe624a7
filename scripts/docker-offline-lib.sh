# shellcheck shell=bash
# Sourced by scripts/docker-setup.sh and bench/run.sh: locate the docker-offline toolkit and share helpers.
# DOCKER_OFFLINE_DIR wins; else <repo>/../shared/docker-offline (CI: a read-only copy beside the clone).

REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export REPO_ROOT

# Prints the docker-offline directory, or fails with a clear message.
docker_offline_dir() {
  local d
  for d in "${DOCKER_OFFLINE_DIR:-}" "$REPO_ROOT/../shared/docker-offline"; do
    if [ -n "$d" ] && [ -f "$d/start-dockerd.sh" ]; then (cd "$d" && pwd); return 0; fi
  done
  echo "docker-offline toolkit not found: set DOCKER_OFFLINE_DIR or put shared/docker-offline beside the repo ($REPO_ROOT/../shared/docker-offline)" >&2
  return 1
}

# Lists the Debian packages among "$@" that are not installed.
missing_debs() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}

# One lock for apt/dpkg across parallel jest workers and scripts.
APT_LOCK=${APT_LOCK:-/tmp/projen-rust-docker.apt.lock}

# Debian's docker.io client (20.10): a newer `docker` earlier on the PATH may demand buildx.
if [ -z "${DOCKER:-}" ]; then
  if [ -x /usr/bin/docker ]; then DOCKER=/usr/bin/docker; else DOCKER=docker; fi
fi
export DOCKER
