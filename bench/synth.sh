#!/usr/bin/env bash
# Synthesis benchmark: `npx projen` and the library's synth alone for generated Cargo workspaces of
# 1, 50 and 500 members. Writes bench/results/synth-<date>.md + .csv. See bench/synth.ts.
# Usage: bench/synth.sh [--sizes 1,50,500] [--reps 5] [--cli-reps 3] [--out DIR] [--no-cli]
# Compiles lib/ first (jsii, as scripts/example.sh), since the `npx projen` runs import the package
# as a user's repo does. Holds the docker build lock meanwhile, so it never overlaps a bench build.
set -euo pipefail
cd "$(dirname "$0")/.."
case ${1:-} in -h|--help) sed -n '2,6p' "$0"; exit 0 ;; esac
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
exec 9>"${DOCKER_BUILD_LOCK:-/tmp/projen-rust-docker.docker.lock}"
flock 9
if [[ " $* " != *" --no-cli "* ]]; then
  flock "${TMPDIR:-/tmp}/projen-rust-docker-jsii.lock" npx jsii --silence-warnings=reserved-word >/dev/null \
    || { [ -f lib/index.js ] && echo "[synth] jsii failed: using the existing lib/" >&2; } \
    || { echo "[synth] jsii failed and there is no lib/" >&2; exit 1; }
fi
npx ts-node --skipProject -O '{"module":"commonjs","skipLibCheck":true}' bench/synth.ts "$@"
