#!/usr/bin/env bash
# Issue 16 design 3 / issue 15 candidate default: DependencyCaching.RUNNER. The binaries are built
# on the runner itself (its rustup toolchain, `target/` and the cargo registry restored by
# actions/cache), then the generated Dockerfile only copies them: `--build-arg BINARIES=runner-binaries
# --build-context runner-binaries=DIR` (DIR/out/<binary>), the glibc guard still checks them.
# What a new GitHub runner does, step for step, with STATE_DIR in the role of actions/cache:
#   0. the binaries entry (binaries_cache hit|miss): keyed by a hash of the names and contents of every
#      file the allow-list .dockerignore sends and of `rustc -vV`/`cargo -vV` (the workflow: hashFiles
#      of the allow-list's entries, the names below them, the toolchain). An exact hit restores
#      DIR/out (binaries_restore) and skips 1-3 and 5: a README-only commit runs no cargo;
#   1. restore: the entry whose key matches this Cargo.lock, else the newest entry (restore-keys:
#      the same prefix without the lock's hash), into a FRESH CARGO_HOME and target/ (cache_restore);
#   2. cargo-auditable from its own cache entry (installed with `cargo install --locked` on the
#      cold run: tool_install, counted in the cold build as the Docker variants count theirs);
#   3. `cargo auditable build --locked --release` natively (cargo_build), binaries copied to DIR/out;
#   4. the image: `docker buildx build` on the fresh builder with the registry cache (docker_build);
#   5. save (after the push, as actions/cache's post step): only when no entry has this key
#      (actions/cache never overwrites a key), after pruning the workspace's own crates from target/
#      (cache_save, cache_stored_bytes); and the binaries under their key (after a miss).
# The toolchain is the runner's preinstalled one (rustup on PATH; the channel of the project's
# rust-toolchain.toml, else BENCH_RUST_VERSION, else 1.99.1, the lab's rust:1; installed once if
# missing — a fresh install measured 9.8 s here). The lab host is Debian 12 (glibc 2.36), a GitHub
# ubuntu-24.04 runner has 2.39: both below the trixie runtime's 2.41.
# shellcheck source=_common.sh source-path=SCRIPTDIR
source "$(dirname "$0")/_common.sh"
parse_args "$@"
TOOLCHAIN=$(bench_toolchain)
AUDITABLE_VERSION=${AUDITABLE_VERSION:-$(sed -n "s/^export const CARGO_AUDITABLE_VERSION = '\(.*\)';/\1/p" "$REPO_DIR/src/plan/builder-plan.ts")}
STORE="$STATE_DIR/cache"; mkdir -p "$STORE"
BINS="$STATE_DIR/runner-binaries"

# binary_inputs_hash: the names and contents of the files the allow-list .dockerignore sends (each
# `!` entry; an entry with a wildcard stands for the whole context: a superset), and the toolchain
binary_inputs_hash() {
  local roots=() e
  while IFS= read -r e; do
    case "$e" in '!'*) e=${e#!}; e=${e%/}; e=${e#/} ;; *) continue ;; esac
    case "$e" in *[*?[\\]*) roots=(.); break ;; esac
    if [ -e "$CTX/$e" ]; then roots+=("./$e"); fi
  done <"$CTX/.dockerignore"
  [ "${#roots[@]}" -gt 0 ] || roots=(.)
  {
    rustc -vV; cargo -vV
    (cd "$CTX" && find "${roots[@]}" \( -name .git -o -name target \) -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
  } | sha256sum | cut -c1-16
}

if [ "$MODE" = prepare ]; then
  copy_generated runner
  exit 0
fi

if [ "$MODE" = build ]; then
  # shellcheck disable=SC2016 # the Dockerfile's own ${BINARIES}
  grep -qF 'FROM ${BINARIES} AS binaries' "$CTX/Dockerfile" \
    || { echo "ours-runner: the Dockerfile in $CTX has no binaries stage (run prepare first)" >&2; exit 1; }
  rustup run "$TOOLCHAIN" rustc --version >/dev/null 2>&1 || rustup toolchain install "$TOOLCHAIN" --profile minimal --no-self-update >&2
  # a runner's HOME is always the same path: cargo's fingerprints of registry crates hold their source
  # paths under CARGO_HOME, so a restored target/ is reused only under the same CARGO_HOME
  RUNNER_HOME=${BENCH_RUNNER_HOME:-/tmp/prd-bench-runner-home}
  rm -rf "$RUNNER_HOME"; mkdir -p "$RUNNER_HOME"
  export CARGO_HOME="$RUNNER_HOME/.cargo" RUSTUP_TOOLCHAIN="$TOOLCHAIN" CARGO_TERM_COLOR=never
  mkdir -p "$CARGO_HOME"; rm -rf "$CTX/target"
  key="cargo-$TOOLCHAIN-$(sha256sum "$CTX/Cargo.lock" | cut -c1-16)"

  # 0. the binaries entry (exact key only)
  bin_entry="$STORE/bin-$TOOLCHAIN-$(binary_inputs_hash)"
  if [ -d "$bin_entry/out" ]; then
    t=$(now)
    rm -rf "$BINS"; mkdir -p "$BINS"; cp -a "$bin_entry/out" "$BINS/out"
    phase binaries_restore "$t"
    phase binaries_cache 0 hit
  else
    phase binaries_cache 0 miss

    # 1. restore (exact key, else the newest entry of the prefix)
    t=$(now)
    entry="$STORE/$key.tar.zst"
    [ -f "$entry" ] || entry=$(find "$STORE" -name "cargo-$TOOLCHAIN-*.tar.zst" -printf '%T@ %p\n' | sort -rn | head -1 | cut -d' ' -f2-)
    if [ -n "$entry" ]; then
      mkdir -p "$CTX/target"
      zstd -q -d -c "$entry" | tar -x -f - -C "$RUNNER_HOME" --transform 's,^target,ctx-target,' 2>/dev/null || true
      [ -d "$RUNNER_HOME/ctx-target" ] && { rm -rf "$CTX/target"; mv "$RUNNER_HOME/ctx-target" "$CTX/target"; }
    fi
    phase cache_restore "$t"
    if [ -z "$entry" ]; then how=miss; elif [ "$entry" = "$STORE/$key.tar.zst" ]; then how=hit; else how=prefix; fi
    phase cache_restored_key 0 "$how"

    # 2. cargo-auditable (its own cache entry, by version)
    if [ ! -x "$STATE_DIR/tools/bin/cargo-auditable" ]; then
      t=$(now)
      cargo install cargo-auditable --locked --version "$AUDITABLE_VERSION" --root "$STATE_DIR/tools" >&2
      phase tool_install "$t"
    fi
    export PATH="$STATE_DIR/tools/bin:$PATH"

    # 3. the native build, binaries to BINS/out
    t=$(now)
    (cd "$CTX" && cargo auditable build --locked --release --message-format=json-render-diagnostics) >"$STATE_DIR/cargo.json"
    rm -rf "$BINS"; mkdir -p "$BINS/out"
    python3 - "$STATE_DIR/cargo.json" "$BINS/out" <<'PY'
import json, shutil, sys
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m.get('reason') == 'compiler-artifact' and m.get('executable'):
        shutil.copy2(m['executable'], sys.argv[2])
PY
    phase cargo_build "$t"
    phase crates_compiled 0 "$(python3 -c 'import json, sys
print(len({m["package_id"] for m in map(json.loads, open(sys.argv[1])) if m.get("reason") == "compiler-artifact" and not m.get("fresh")}))' "$STATE_DIR/cargo.json")"
  fi
fi

# 4. the image (build, or push on the same builder)
image_output
t=$(now)
docker buildx build --builder "$BUILDER" --progress=plain \
  --build-arg BINARIES=runner-binaries --build-context runner-binaries="$BINS" \
  "${out[@]}" "$CTX" >&2
phase "docker_$MODE" "$t"

# 5. save (once per key; the workspace's own crates pruned first), and the binaries after a miss
if [ "$MODE" = build ] && [ ! -d "$bin_entry/out" ]; then
  rm -rf "$bin_entry.tmp"; mkdir -p "$bin_entry.tmp"; cp -a "$BINS/out" "$bin_entry.tmp/out"; mv "$bin_entry.tmp" "$bin_entry"
  if [ ! -f "$STORE/$key.tar.zst" ]; then
    t=$(now)
    own=$(cd "$CTX" && cargo metadata --format-version 1 --no-deps --offline \
      | python3 -c 'import json,sys; print(" ".join(p["name"].replace("-", "_") for p in json.load(sys.stdin)["packages"]))')
    for n in $own; do
      for d in "$CTX"/target/release/{deps,.fingerprint,build}; do
        find "$d" -maxdepth 1 \( -name "$n-*" -o -name "lib$n-*" -o -name "${n//_/-}-*" \) -exec rm -rf {} + 2>/dev/null || true
      done
    done
    find "$CTX/target/release" -maxdepth 1 -type f -delete
    rm -rf "$CTX/target/release/incremental" "$CTX/target/release/examples"
    mv "$CTX/target" "$RUNNER_HOME/target"
    tar -c -f - -C "$RUNNER_HOME" target .cargo/registry/index .cargo/registry/cache .cargo/git/db 2>/dev/null \
      | zstd -q -T0 -3 -o "$STORE/$key.tar.zst.tmp" || true
    mv "$STORE/$key.tar.zst.tmp" "$STORE/$key.tar.zst"
    phase cache_save "$t"
  fi
fi
if [ "$MODE" = build ]; then
  phase cache_stored_bytes 0 "$(du -cb "$STORE"/*.tar.zst | tail -1 | cut -f1)"
fi
