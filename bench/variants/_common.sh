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

# bench_toolchain: the Rust channel of CTX (its rust-toolchain.toml, which bench/run.sh's toolchain
# scenario bumps), else BENCH_RUST_VERSION, else 1.99.1 (the lab's rust:1)
bench_toolchain() {
  local c
  c=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' "$CTX/rust-toolchain.toml" 2>/dev/null | head -1)
  echo "${c:-${BENCH_RUST_VERSION:-1.99.1}}"
}

# copy_generated STRATEGY: our library's Dockerfile + .dockerignore for CTX into CTX (generated once
# per STATE_DIR and toolchain: the repository commits them, so their synthesis is not part of any build)
copy_generated() {
  local g
  g="$STATE_DIR/gen-$(bench_toolchain)"
  [ -f "$g/$1/Dockerfile" ] || { rm -rf "$g"; generate "$1" "$g"; }
  cp "$g/$1/Dockerfile" "$CTX/Dockerfile"; cp "$g/$1/.dockerignore" "$CTX/.dockerignore"
}

# image_output: the output flags of this MODE (array out): build = the workflow's first call, with the
# registry cache (its type=gha mapped to the registry) and --load; push = its second call on the same
# builder, which neither reads nor writes the cache (a second export would replace the first with the
# records of an all-cached build)
image_output() {
  if [ "$MODE" = push ]; then out=(--push -t "$PUSH_REF")
  else out=(--cache-from "type=registry,ref=$CACHE_REF" --cache-to "type=registry,ref=$CACHE_REF,mode=max" --load -t "$IMAGE_TAG"); fi
}
