#!/usr/bin/env bash
# Rebuild benchmark ("prove the speed"): wall seconds of real Docker builds of a Rust project for
# several Dockerfile strategies, scenarios and cache modes, against a naive baseline and the
# host's own `cargo build` (the lower limit). Writes bench/results/<date>.md + .csv.
#
# Usage: bench/run.sh [options] [NAME=DOCKERFILE[:DOCKERIGNORE] …]
#   NAME=…             a strategy to measure (e.g. skeleton=/tmp/gen/Dockerfile:/tmp/gen/.dockerignore)
#   --baselines LIST   baselines of bench/baselines/ to include (default naive,docker-init,cargo-chef-readme;
#                      "none" for none; naive is always needed for the ratios)
#   --project DIR      Rust project (default: docker-offline/bench-svc, 126 crates). Needs
#                      debian-crates.txt; Cargo.toml.add-hex/Cargo.lock.add-hex enable the "dep" scenario.
#   --bin NAME         binary name, passed as --build-arg APP_NAME (default: the project's dir name)
#   --run-args "ARGS"  run the image after the cold build with these args as a sanity check
#                      (default "--version" for bench-svc)
#   --scenarios LIST   of cold,nochange,source,dep,readme (default all)
#   --modes LIST       of local,ephemeral (default both). local: everything kept between builds;
#                      ephemeral: cache mounts wiped before each build (a fresh CI runner restoring a
#                      layer cache, e.g. type=gha mode=max)
#   --no-host          skip the host cargo builds
#   --out DIR          results directory (default bench/results)
#   --smoke            tiny fixture (test/fixtures/docker-app), naive only, local mode, cold+source,
#                      results in bench/.work/smoke (for CI: about a minute)
#
# Scenarios, in this order on one context: cold (`docker builder prune -af` first; base images stay),
# nochange, source (one line appended to src/main.rs), dep (Cargo.toml/Cargo.lock swapped for the
# .add-hex versions), readme (one line appended to README.md).
# Crates come from Debian packages (no crates.io here): the project is vendored into
# bench/.work/ in the "inject" layout and each Dockerfile gets two COPY lines after its rust FROM
# (scripts/offline-dockerfile.sh --inject); those layers stay cached across scenarios.
# Strategies whose base images are missing here (e.g. lukemathwalker/cargo-chef) are skipped with a note.
# Each strategy × mode sequence (and the host builds) holds the jest harness's lock
# (/tmp/projen-rust-docker.docker.lock): no test build runs meanwhile, and times exclude waiting
# for it. Cold builds prune ALL unused build cache on the engine.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
REPO_ROOT=$(cd "$BENCH/.." && pwd)
# shellcheck source=../scripts/docker-offline-lib.sh source-path=SCRIPTDIR
. "$REPO_ROOT/scripts/docker-offline-lib.sh"
export PATH=$HOME/.cargo/bin:$PATH
WORK=${BENCH_WORK:-$BENCH/.work}
BUILD_LOCK=${DOCKER_BUILD_LOCK:-/tmp/projen-rust-docker.docker.lock}   # same lock as the jest tests

baselines=naive,docker-init,cargo-chef-readme
project=""; bin=""; run_args=__default__; scenarios=cold,nochange,source,dep,readme; modes=local,ephemeral
host=1; out=""; smoke=0; strategies=()
while [ $# -gt 0 ]; do
  case $1 in
    --baselines) baselines=$2; shift 2 ;;
    --project) project=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --run-args) run_args=$2; shift 2 ;;
    --scenarios) scenarios=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    --no-host) host=0; shift ;;
    --out) out=$2; shift 2 ;;
    --smoke) smoke=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *=*) strategies+=("$1"); shift ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ $smoke = 1 ]; then
  project=${project:-$REPO_ROOT/test/fixtures/docker-app}; baselines=naive; scenarios=cold,source; modes=local
  out=${out:-$WORK/smoke}; [ "$run_args" = __default__ ] && run_args=""
fi
OFFLINE=$(docker_offline_dir)
project=$(cd "${project:-$OFFLINE/bench-svc}" && pwd)
bin=${bin:-$(basename "$project")}
if [ "$run_args" = __default__ ]; then
  if [ "$bin" = bench-svc ]; then run_args=--version; else run_args=""; fi
fi
out=${out:-$BENCH/results}
"$DOCKER" info >/dev/null 2>&1 || { echo "no Docker engine: run scripts/docker-setup.sh (root)" >&2; exit 1; }

if [ "$baselines" != none ]; then
  IFS=, read -r -a bl <<<"$baselines"
  given=("${strategies[@]}"); strategies=()
  for b in "${bl[@]}"; do strategies+=("$b=$BENCH/baselines/$b.Dockerfile"); done
  strategies+=("${given[@]}")
fi
IFS=, read -r -a SCEN <<<"$scenarios"
IFS=, read -r -a MODES <<<"$modes"

T0=$(date +%s)
log() { echo "[bench +$(( $(date +%s) - T0 ))s] $*" >&2; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

mkdir -p "$WORK" "$out"
RUN_ID=$(date -u +%Y-%m-%d-%H%M%S)
RAW=$WORK/raw-$RUN_ID.csv
LOGS=$WORK/logs-$RUN_ID; mkdir -p "$LOGS"
echo "strategy,mode,metric,value,unit,status,compiled_crates,note" >"$RAW"
row() { local q='"'; echo "$1,$2,$3,$4,$5,$6,$7,\"${8//$q/$q$q}\"" >>"$RAW"; }   # note: CSV-quoted

# ---- project: copy + vendor (inject layout), hex vendored too ----------------------------------
BASE=$WORK/project-$(basename "$project")
EXTRA=$WORK/extra-$(basename "$project"); rm -rf "$EXTRA"; mkdir -p "$EXTRA"
log "preparing $project → $BASE"
SRC=$project
if [ -f "$project/Cargo.toml.add-hex" ]; then
  # vendor the superset (with hex) so the "dep" scenario resolves offline, then restore the manifests
  SRC=$WORK/src-add-hex; rm -rf "$SRC"; cp -a "$project" "$SRC"; chmod -R u+w "$SRC"
  cp "$project/Cargo.toml.add-hex" "$SRC/Cargo.toml"; cp "$project/Cargo.lock.add-hex" "$SRC/Cargo.lock"
  rm -f "$SRC/Cargo.toml.add-hex" "$SRC/Cargo.lock.add-hex"
  cp "$project/Cargo.toml.add-hex" "$project/Cargo.lock.add-hex" "$EXTRA/"
fi
pkgs=()
[ -f "$project/debian-crates.txt" ] && read -r -a pkgs <<<"$(tr '\n' ' ' <"$project/debian-crates.txt")"
bash "$REPO_ROOT/scripts/prepare-rust-fixture.sh" --inject "$SRC" "$BASE" "${pkgs[@]}" >"$LOGS/prepare.log" 2>&1 \
  || { cat "$LOGS/prepare.log" >&2; exit 1; }
cp "$project/Cargo.toml" "$project/Cargo.lock" "$BASE/"
[ "$SRC" != "$project" ] && rm -rf "$SRC"
main_rs=src/main.rs; [ -f "$BASE/$main_rs" ] || main_rs=$(cd "$BASE" && find . -name main.rs -path '*src*' | grep -v offline-cargo | head -1)

exec 9>"$BUILD_LOCK"
locked() { flock 9; }
unlocked() { flock -u 9; }

# ---- host limit --------------------------------------------------------------------------------
host_cold=""; host_inc=""
if [ $host = 1 ]; then
  H=$WORK/host; rm -rf "$H"; cp -a "$BASE" "$H"
  hc=(cargo --config "$H/.offline-cargo/host-config.toml" build --release --offline --locked)
  log "host: cargo build --release (cold)"
  locked
  t=$(now); (cd "$H" && "${hc[@]}") >"$LOGS/host-cold.log" 2>&1; host_cold=$(secs "$t" "$(now)")
  echo "// bench edit" >>"$H/$main_rs"
  t=$(now); (cd "$H" && "${hc[@]}") >"$LOGS/host-source.log" 2>&1; host_inc=$(secs "$t" "$(now)")
  unlocked
  row host host cold "$host_cold" s ok "$(grep -c ' Compiling ' "$LOGS/host-cold.log" || true)" "cargo build --release --offline, empty target/"
  row host host source "$host_inc" s ok "$(grep -c ' Compiling ' "$LOGS/host-source.log" || true)" "after a one-line change in $main_rs"
  log "host: cold ${host_cold}s, one-line change ${host_inc}s"
  rm -rf "$H"
fi

# ---- helpers -----------------------------------------------------------------------------------
# External images a Dockerfile's FROM lines need (global ARG defaults substituted; stages skipped).
external_images() {
  awk '
    toupper($1) == "ARG" && !seen_from { split($2, kv, "="); if (kv[2] != "") args[kv[1]] = kv[2] }
    toupper($1) == "FROM" {
      seen_from = 1; i = 2; while ($i ~ /^--/) i++
      img = $i
      for (k in args) { gsub("\\$\\{" k "\\}", args[k], img); gsub("\\$" k, args[k], img) }
      if (!(tolower(img) in stages)) print img
      if (toupper($(i + 1)) == "AS") stages[tolower($(i + 2))] = 1
    }' "$1" | sort -u
}
cache_bytes() {  # $1 = unix start time: sums build-cache records created since then, by type
  "$DOCKER" system df -v --format '{{json .BuildCache}}' | node "$BENCH/cache-usage.js" "$1"
}
apply_change() {  # $1 = scenario, $2 = context
  case $1 in
    cold) "$DOCKER" builder prune -af >/dev/null ;;
    nochange) ;;
    source) echo "// bench edit $(date +%s%N)" >>"$2/$main_rs" ;;
    dep)
      if [ -f "$EXTRA/Cargo.toml.add-hex" ]; then
        cp "$EXTRA/Cargo.toml.add-hex" "$2/Cargo.toml"; cp "$EXTRA/Cargo.lock.add-hex" "$2/Cargo.lock"
      else return 1; fi ;;
    readme) echo "bench edit $(date +%s%N)" >>"$2/README.md" ;;
    *) echo "unknown scenario $1" >&2; exit 2 ;;
  esac
}

# ---- strategies ----------------------------------------------------------------------------------
CTX=$WORK/ctx
DF_DIR=$WORK/dockerfiles; mkdir -p "$DF_DIR"
notes=()
for spec in "${strategies[@]}"; do
  name=${spec%%=*}; rest=${spec#*=}; df=${rest%%:*}; di=""
  [ "$rest" != "$df" ] && di=${rest#*:}
  [ -f "$df" ] || { log "SKIP $name: no Dockerfile $df"; notes+=("$name: Dockerfile $df not found"); row "$name" - all "" s skipped "" "Dockerfile not found"; continue; }
  missing=""
  for img in $(external_images "$df"); do
    "$DOCKER" image inspect "$img" >/dev/null 2>&1 || missing="$missing $img"
  done
  if [ -n "$missing" ]; then
    msg="skipped: base image(s)${missing} not available offline on this machine"
    case $missing in *cargo-chef*) msg="$msg (cargo-chef comes from crates.io/Docker Hub: not installable here)" ;; esac
    log "SKIP $name: $msg"; notes+=("$name: $msg"); row "$name" - all "" s skipped "" "$msg"; continue
  fi
  odf=$DF_DIR/$name.Dockerfile
  bash "$REPO_ROOT/scripts/offline-dockerfile.sh" --inject "$df" "$odf"
  for mode in "${MODES[@]}"; do
    rm -rf "$CTX"; cp -a "$BASE" "$CTX"
    if [ -n "$di" ]; then
      cp "$di" "$CTX/.dockerignore"; printf '\n!.offline-cargo\n!.offline-cargo/**\n' >>"$CTX/.dockerignore"
    fi
    tag=prd-bench/$name:$mode
    locked   # the whole scenario sequence: no other build/prune/wipe in between (jest suites wait)
    for sc in "${SCEN[@]}"; do
      if ! apply_change "$sc" "$CTX"; then row "$name" "$mode" "$sc" "" s skipped "" "no .add-hex manifests"; continue; fi
      [ "$mode" = ephemeral ] && [ "$sc" != cold ] && "$DOCKER" builder prune -f --filter type=exec.cachemount >/dev/null
      blog=$LOGS/$name-$mode-$sc.log
      prev=$("$DOCKER" image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
      start_unix=$(date +%s); t=$(now)
      rc=0
      DOCKER_BUILDKIT=1 "$DOCKER" build --network=none --progress=plain -f "$odf" -t "$tag" \
        --build-arg "APP_NAME=$bin" "$CTX" >"$blog" 2>&1 || rc=$?
      s=$(secs "$t" "$(now)")
      # the previous image of this tag is now dangling: drop it (its build cache stays)
      if [ -n "$prev" ] && [ "$prev" != "$("$DOCKER" image inspect --format '{{.Id}}' "$tag" 2>/dev/null)" ]; then
        "$DOCKER" rmi "$prev" >/dev/null 2>&1 || true
      fi
      n=$(grep -cE '^#[0-9]+ [0-9.]+ +Compiling ' "$blog" || true)
      if [ $rc = 0 ]; then st=ok; else st=FAIL; fi
      row "$name" "$mode" "$sc" "$s" s "$st" "$n" "log: $(basename "$blog")"
      log "$name [$mode] $sc: ${s}s $st ($n crates compiled)"
      if [ $rc != 0 ]; then tail -5 "$blog" >&2; break; fi
      if [ "$sc" = cold ] && [ "$mode" = "${MODES[0]}" ]; then
        row "$name" "$mode" image_size "$("$DOCKER" image inspect --format '{{.Size}}' "$tag")" B ok "" "final image"
        read -r layers mounts <<<"$(cache_bytes "$start_unix")"
        row "$name" "$mode" cache_layers "$layers" B ok "" "build-cache layers created by the cold build (all stages; ≈ mode=max export without base images)"
        row "$name" "$mode" cache_mounts "$mounts" B ok "" "BuildKit cache mounts after the cold build (never exported)"
        if [ -n "$run_args" ] || [ $smoke = 1 ]; then
          # shellcheck disable=SC2086 # run_args is a word list
          outl=$("$DOCKER" run --rm --network=none "$tag" $run_args 2>&1 | head -1 || true)
          row "$name" "$mode" run_check "" - ok "" "$outl"
          log "$name: run $run_args → $outl"
        fi
      fi
    done
    "$DOCKER" rmi -f "$tag" >/dev/null 2>&1 || true
    unlocked
  done
done
rm -rf "$CTX"
"$DOCKER" builder prune -f >/dev/null 2>&1 || true   # unused cache left by the bench's removed images

# ---- report ------------------------------------------------------------------------------------
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
meta=$WORK/meta-$RUN_ID.env
{
  echo "run_id=$RUN_ID"
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "project=$(basename "$project")"
  echo "bin=$bin"
  echo "nproc=$(nproc)"
  echo "memory=$mem"
  echo "cpu=$cpu"
  echo "docker=$("$DOCKER" version --format '{{.Server.Version}}')"
  echo "rustc=$(rustc --version 2>/dev/null || echo '?')"
  echo "kernel=$(uname -r)"
  echo "smoke=$smoke"
  echo "elapsed=$(( $(date +%s) - T0 ))"
  for n in "${notes[@]}"; do echo "note=$n"; done
} >"$meta"
node "$BENCH/report.js" "$RAW" "$meta" "$out/$RUN_ID"
log "results: $out/$RUN_ID.md, $out/$RUN_ID.csv (build logs: $LOGS)"
