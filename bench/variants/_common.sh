#!/usr/bin/env bash
# shellcheck disable=SC2034 # the variables parse_args sets are used by the scripts that source this file
# Shared helpers of the bench/variants/*.sh scripts (sourced, not run).
# Interface of every variant:
#   <variant>.sh prepare CTX BUILDER CACHE_REF IMAGE_TAG STATE_DIR   (untimed: writes the files the
#                repository would have committed, e.g. the generated Dockerfile, into CTX)
#   <variant>.sh build CTX BUILDER CACHE_REF IMAGE_TAG STATE_DIR
#   <variant>.sh push  CTX BUILDER CACHE_REF IMAGE_TAG STATE_DIR PUSH_REF
# env PHASES_FILE (optional): "phase<TAB>seconds" lines appended; BENCH_RUST_VERSION (optional).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

parse_args() {
# shellcheck disable=SC2034 # used by the variant scripts that source this file
  MODE=${1:?mode build|push}; CTX=${2:?CTX}; BUILDER=${3:?BUILDER}; CACHE_REF=${4:?CACHE_REF}
  IMAGE_TAG=${5:?IMAGE_TAG}; STATE_DIR=${6:?STATE_DIR}; PUSH_REF=${7:-}
  case "$MODE" in build|prepare) ;; push) [ -n "$PUSH_REF" ] || { echo "push needs PUSH_REF" >&2; exit 2; } ;; *) echo "mode: prepare|build|push" >&2; exit 2 ;; esac
  mkdir -p "$STATE_DIR"
}

now() { date +%s.%N; }
phase() { # phase NAME START_EPOCH [value]
  local v=${3:-}
  [ -n "$v" ] || v=$(awk -v a="$2" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
  [ -z "${PHASES_FILE:-}" ] || printf '%s\t%s\n' "$1" "$v" >>"$PHASES_FILE"
  echo "[variant] $1 $v" >&2
}

# generate STRATEGY OUTDIR: our library's Dockerfile + .dockerignore for CTX (bench/generate.ts)
generate() {
  local extra=()
  [ -z "${BENCH_RUST_VERSION:-}" ] || extra=(--set "rustVersion=\"$BENCH_RUST_VERSION\"")
  (cd "$REPO_DIR" && JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 npx ts-node --skipProject \
    -O '{"module":"commonjs","skipLibCheck":true}' bench/generate.ts "$2" --project "$CTX" \
    --strategies "$1" "${extra[@]}" >/dev/null)
}

# copy_generated STRATEGY: our library's Dockerfile + .dockerignore for CTX into CTX (generated once
# per STATE_DIR: the repository commits them, so their synthesis is not part of any build)
copy_generated() {
  local g="$STATE_DIR/gen"
  [ -f "$g/$1/Dockerfile" ] || { rm -rf "$g"; generate "$1" "$g"; }
  cp "$g/$1/Dockerfile" "$CTX/Dockerfile"; cp "$g/$1/.dockerignore" "$CTX/.dockerignore"
}
