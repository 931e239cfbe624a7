#!/usr/bin/env bash
# Make a Dockerfile buildable by this offline engine, without changing what it does:
#   - drops a leading `# syntax=…` line (BuildKit would pull that frontend image; the engine's
#     built-in frontend already supports RUN --mount);
#   - with --inject: after every `FROM` of an external Rust image (name matching
#     $INJECT_FROM_REGEX, default `(^|/)rust(:|@|$)|cargo-chef`; stages built FROM another stage
#     inherit it), adds
#         COPY .offline-cargo/config.toml /usr/local/cargo/config.toml
#         COPY .offline-cargo/vendor /usr/local/cargo/offline-vendor
#     so cargo resolves crates.io from the vendored crates of a project prepared with
#     `scripts/prepare-rust-fixture.sh --inject` (those layers only change when the vendored set does).
# Usage: scripts/offline-dockerfile.sh [--inject] IN OUT    (IN/OUT may be - for stdin/stdout)
set -euo pipefail
inject=0
if [ "${1:-}" = --inject ]; then inject=1; shift; fi
[ $# -eq 2 ] || { sed -n '2,13p' "$0" >&2; exit 2; }
in=$1; out=$2
[ "$in" = - ] && in=/dev/stdin
dest=$out
# not >/dev/stdout: reopening it truncates a stdout that is redirected to a file
if [ "$out" = - ]; then dest=$(mktemp); trap 'rm -f "$dest"' EXIT; fi
awk -v inject="$inject" -v re="${INJECT_FROM_REGEX:-(^|/)rust(:|@|\$)|cargo-chef}" '
  BEGIN { leading = 1 }
  # parser directives only count before the first instruction/comment that is not a directive
  leading && tolower($0) ~ /^#[ \t]*syntax[ \t]*=/ { next }
  { if ($0 !~ /^#[ \t]*[a-z]+[ \t]*=/) leading = 0 }
  { print }
  inject && toupper($1) == "FROM" {
    i = 2; while (i <= NF && $i ~ /^--/) i++
    image = $i; as = ""
    if (i + 2 <= NF && toupper($(i + 1)) == "AS") as = tolower($(i + 2))
    if (!(tolower(image) in stages) && tolower(image) ~ re) {
      print "COPY .offline-cargo/config.toml /usr/local/cargo/config.toml"
      print "COPY .offline-cargo/vendor /usr/local/cargo/offline-vendor"
    }
    if (as != "") stages[as] = 1
  }
' "$in" >"$dest"
if [ "$out" = - ]; then cat "$dest"; fi
