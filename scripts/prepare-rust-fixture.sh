#!/usr/bin/env bash
# Copy a Rust project and vendor its crates.io dependencies from Debian's librust-*-dev packages,
# so it builds offline: `cargo build --offline` on the host and `docker build --network=none`.
#
# Usage: scripts/prepare-rust-fixture.sh [--inject] SRC DEST [librust-…-dev …]
#   Packages default to SRC/debian-crates.txt. DEST is replaced (SRC's target/ and vendor/ are
#   not copied). Installing packages needs root; already-installed ones are skipped.
#
# Layouts:
#   default   DEST/vendor + DEST/.cargo/config.toml (source replacement). Any Dockerfile that
#             copies the whole project (naive `COPY . .`) builds offline as is.
#   --inject  the project stays a plain crates.io project (no .cargo/config.toml pointing to
#             vendor/); the crates go to DEST/.offline-cargo/{vendor,config.toml}, and
#             scripts/offline-dockerfile.sh --inject adds two COPY lines after each rust `FROM`
#             that install them as $CARGO_HOME config. Use it to build *generated* Dockerfiles
#             (skeleton / cargo-chef / cache mounts) unchanged: they copy only Cargo.toml,
#             Cargo.lock and sources, as they would for real. Host builds: use
#             `cargo --config DEST/.offline-cargo/host-config.toml build --offline …`.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=docker-offline-lib.sh source-path=SCRIPTDIR
. "$HERE/docker-offline-lib.sh"

inject=0
if [ "${1:-}" = --inject ]; then inject=1; shift; fi
[ $# -ge 2 ] || { sed -n '2,20p' "$0" >&2; exit 2; }
SRC=$(cd "$1" && pwd); DEST=$2; shift 2
[ -f "$SRC/Cargo.toml" ] || { echo "no Cargo.toml in $SRC" >&2; exit 2; }

pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ] && [ -f "$SRC/debian-crates.txt" ]; then
  read -r -a pkgs <<<"$(tr '\n' ' ' <"$SRC/debian-crates.txt")"
fi

OFFLINE=$(docker_offline_dir)
export PATH=$HOME/.cargo/bin:$PATH
command -v cargo >/dev/null || { echo "cargo not found (needed to vendor crates)" >&2; exit 1; }

rm -rf "$DEST"; mkdir -p "$DEST"
tar -C "$SRC" --exclude=./target --exclude=./vendor --exclude=./.offline-cargo -cf - . | tar -C "$DEST" -xf -
chmod -R u+w "$DEST"   # shared/ is read-only: the copy must not be
DEST=$(cd "$DEST" && pwd)

# vendor-crates.sh runs apt when given packages: give it only the missing ones, under one lock.
missing=()
if [ ${#pkgs[@]} -gt 0 ]; then mapfile -t missing < <(missing_debs "${pkgs[@]}"); fi
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages (run scripts/docker-setup.sh as root, or install): ${missing[*]}" >&2; exit 1
fi
had_config=0; [ -f "$DEST/.cargo/config.toml" ] && had_config=1
(
  flock 9
  bash "$OFFLINE/vendor-crates.sh" "$DEST" "${missing[@]}"
) 9>"$APT_LOCK"

if [ $inject = 1 ]; then
  O=$DEST/.offline-cargo; mkdir -p "$O"
  mv "$DEST/vendor" "$O/vendor"
  # drop the project-level replacement pointing at ./vendor (ours, or a pre-vendored project's)
  if [ -f "$DEST/.cargo/config.toml" ] && { [ $had_config = 0 ] || grep -q 'directory = "vendor"' "$DEST/.cargo/config.toml"; }; then
    rm -f "$DEST/.cargo/config.toml"; rmdir "$DEST/.cargo" 2>/dev/null || true
  fi
  printf '[source.crates-io]\nreplace-with = "offline-vendor"\n\n[source.offline-vendor]\ndirectory = "%s"\n\n[net]\noffline = true\n' \
    /usr/local/cargo/offline-vendor >"$O/config.toml"
  printf '[source.crates-io]\nreplace-with = "offline-vendor"\n\n[source.offline-vendor]\ndirectory = "%s"\n\n[net]\noffline = true\n' \
    "$O/vendor" >"$O/host-config.toml"
  echo "inject layout: $O (use scripts/offline-dockerfile.sh --inject)"
fi
