#!/usr/bin/env bash
# Issue 16 design 2: our CACHE_MOUNTS Dockerfile (target/ + cargo registry in cache mounts) whose
# mount contents survive fresh builders: the buildkit-cache-dance pattern, with STATE_DIR in the
# role of actions/cache. Before the build, the previous scenario's tar.zst is injected into the
# fresh builder's cache mounts (a tiny Dockerfile whose RUN --mount=type=cache untars a named
# context); after it, the mounts are extracted again (RUN tar -c → --output type=local) and stored
# as STATE_DIR/mounts/*.tar.zst. Key: always the previous scenario's state (on GitHub: key on
# Cargo.lock's hash with restore-keys falling back to the newest entry, so a bump restores the
# previous lock's state). The mount lines are copied verbatim from the generated Dockerfile.
# shellcheck source=_common.sh source-path=SCRIPTDIR
source "$(dirname "$0")/_common.sh"
parse_args "$@"
STORE="$STATE_DIR/mounts"; mkdir -p "$STORE"

if [ "$MODE" = prepare ]; then copy_generated cache-mounts; exit 0; fi
gen=$(mktemp -d); trap 'rm -rf "$gen"' EXIT
base=$(awk '$1 == "FROM" && $3 == "AS" && $4 == "builder" { print $2 }' "$CTX/Dockerfile")
mounts=$(grep -o -- '--mount=type=cache,[^ ]*' "$CTX/Dockerfile" | sort -u | tr '\n' ' ')
# shellcheck disable=SC2086 # word splitting of the mount list is intended
targets=$(printf '%s\n' $mounts | sed -n 's/.*target=\([^,]*\).*/\1/p')
if [ -z "$base" ] || [ -z "$mounts" ]; then echo "ours-persisted-mounts: no builder stage / cache mounts in the generated Dockerfile" >&2; exit 1; fi
name() { echo "$1" | tr '/' '_'; }

# shellcheck disable=SC2016,SC2116,SC2086 # the $(…) belong to the generated RUN
dance_df() { # dance_df inject|extract → Dockerfile text
  echo '# syntax=docker/dockerfile:1'
  echo "FROM $base"
  echo 'ARG TARGETPLATFORM'
  echo 'ARG DANCE_BUST'
  if [ "$1" = inject ]; then
    printf 'RUN --mount=type=bind,from=dance,target=/dance %s\\\n    set -e; : "$DANCE_BUST"; for t in %s; do f=/dance/$(echo "$t" | tr / _).tar; mkdir -p "$t"; if [ -f "$f" ]; then tar -x -f "$f" -C "$t"; fi; done\n' "$mounts" "$(echo $targets)"
  else
    printf 'RUN %s\\\n    set -e; : "$DANCE_BUST"; mkdir -p /dance-out; for t in %s; do tar -c -f /dance-out/$(echo "$t" | tr / _).tar -C "$t" .; done\n' "$mounts" "$(echo $targets)"
    echo 'FROM scratch'
    echo 'COPY --from=0 /dance-out /'
  fi
}

# 1. inject (build only: push runs on the same builder right after, mounts already there)
if [ "$MODE" = build ]; then
  t=$(now)
  dctx="$gen/dance-in"; mkdir -p "$dctx"
  n=0
  for tgt in $targets; do
    z="$STORE/$(name "$tgt").tar.zst"
    if [ -f "$z" ]; then zstd -q -d -f "$z" -o "$dctx/$(name "$tgt").tar"; n=$((n + 1)); fi
  done
  if [ "$n" -gt 0 ]; then
    dance_df inject >"$gen/inject.Dockerfile"
    docker buildx build --builder "$BUILDER" --progress=plain -f "$gen/inject.Dockerfile" \
      --build-arg DANCE_BUST="$(date +%s%N)" --build-context dance="$dctx" "$dctx" >&2
  fi
  rm -rf "$dctx"
  phase mounts_inject "$t"
fi

# 2. build (or push)
image_output
t=$(now)
docker buildx build --builder "$BUILDER" --progress=plain \
  "${out[@]}" "$CTX" >&2
phase "$MODE" "$t"

# 3. extract → STATE_DIR (build only), the previous state replaced
if [ "$MODE" = build ]; then
  t=$(now)
  dance_df extract >"$gen/extract.Dockerfile"
  docker buildx build --builder "$BUILDER" --progress=plain -f "$gen/extract.Dockerfile" \
    --build-arg DANCE_BUST="$(date +%s%N)" --output "type=local,dest=$gen/dance-out" "$gen" >&2
  for f in "$gen"/dance-out/*.tar; do zstd -q -T0 -3 -f --rm "$f" -o "$STORE/$(basename "$f").zst"; done
  phase mounts_extract "$t"
  phase mounts_stored_bytes 0 "$(du -cb "$STORE"/*.tar.zst | tail -1 | cut -f1)"
fi
