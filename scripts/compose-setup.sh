#!/usr/bin/env bash
# Docker Compose v2 for the lab (no Docker Hub, no GitHub downloads): built from the Go module proxy,
# pinned, once per machine, cached under /var/tmp; installed as the CLI plugin of the engine's client
# (~/.docker/cli-plugins/docker-compose), so `docker compose` works as on a GitHub runner.
# Compose's go.mod has `exclude` directives, so `go install …/cmd@version` refuses it: it is built as a
# dependency of a throwaway module (as docker-offline/buildkit.sh builds BuildKit).
# Measured on this lab (2 cores): 5 min 23 s the first time (module downloads + build), seconds after.
# Prints the binary's path as its last line. Idempotent; concurrent callers wait for one build.
#
# Usage: bash scripts/compose-setup.sh
#   COMPOSE_VERSION   pinned release (default v2.40.3: the newest v2 the proxy serves that builds with Go 1.26)
#   COMPOSE_CACHE     where the built binary is kept (default /var/tmp/docker-compose-<version>)
set -euo pipefail
VERSION=${COMPOSE_VERSION:-v2.40.3}
CACHE=${COMPOSE_CACHE:-/var/tmp/docker-compose-$VERSION}
BIN=$CACHE/docker-compose
PLUGIN_DIR=$HOME/.docker/cli-plugins
export PATH=/usr/local/go/bin:$HOME/go/bin:$PATH

mkdir -p "$CACHE"
(
  flock 9
  if ! [ -x "$BIN" ] || ! "$BIN" version >/dev/null 2>&1; then
    command -v go >/dev/null || { echo "compose-setup: no Go toolchain (Compose is built from the Go module proxy)" >&2; exit 1; }
    t0=$(date +%s)
    mod=$(mktemp -d)
    trap 'rm -rf "$mod"' EXIT
    cd "$mod"
    printf 'module lab/compose\n\ngo 1.26\n' > go.mod
    export CGO_ENABLED=0 GOFLAGS=-mod=mod
    { go get "github.com/docker/compose/v2@$VERSION" \
      && go build -o "$BIN.tmp" -ldflags "-X github.com/docker/compose/v2/internal.Version=$VERSION" github.com/docker/compose/v2/cmd; } \
      >"$CACHE/build.log" 2>&1 || { tail -20 "$CACHE/build.log" >&2; exit 1; }
    mv "$BIN.tmp" "$BIN"
    echo "compose-setup: built Docker Compose $VERSION in $(( $(date +%s) - t0 ))s" >&2
  fi
) 9>"$CACHE/.lock"

mkdir -p "$PLUGIN_DIR"
if ! cmp -s "$BIN" "$PLUGIN_DIR/docker-compose"; then
  install -m 0755 "$BIN" "$PLUGIN_DIR/docker-compose.tmp.$$"
  mv "$PLUGIN_DIR/docker-compose.tmp.$$" "$PLUGIN_DIR/docker-compose"
fi
echo "$BIN"
