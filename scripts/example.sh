#!/usr/bin/env bash
# The main job: synthesize a bundled example Rust service from its .projenrc.ts with this
# checkout's library, and print where the generated files are.
#   npm run example                              examples/hello-service
#   npm run example -- examples/acme-service     a service using the example org preset package
# Installs dependencies first when node_modules is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
EXAMPLE=${1:-examples/hello-service}
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
[ -f "$EXAMPLE/.projenrc.ts" ] || { echo "error: $EXAMPLE has no .projenrc.ts (try examples/hello-service)" >&2; exit 2; }

[ -d node_modules/projen ] || npm ci
# compile the library (jsii) so examples import lib/ exactly as users import the package
flock "${TMPDIR:-/tmp}/projen-rust-docker-jsii.lock" npx jsii --silence-warnings=reserved-word >/dev/null

# link <dir>/node_modules/<name> -> <target> (examples resolve packages to this checkout)
link() { mkdir -p "$(dirname "$1/node_modules/$2")"; rm -rf "$1/node_modules/$2"; ln -s "$3" "$1/node_modules/$2"; }
# <dir>/node_modules/projen-rust-docker: this checkout's package.json, lib/ and .jsii only. Never a
# link to the checkout itself: that makes a directory cycle (examples/ inside it) tools walk forever.
install_library() {
  local d="$1/node_modules/projen-rust-docker"
  rm -rf "$d"; mkdir -p "$d"
  cp "$ROOT/package.json" "$d/"
  ln -s "$ROOT/lib" "$d/lib"; ln -s "$ROOT/.jsii" "$d/.jsii"
}
install_library "$EXAMPLE"

if grep -q "@acme/projen-rust-service" "$EXAMPLE/.projenrc.ts"; then
  ORG=examples/org-preset
  for pkg in projen constructs; do link "$ORG" "$pkg" "$ROOT/node_modules/$pkg"; done
  install_library "$ORG"
  (cd "$ORG" && flock "${TMPDIR:-/tmp}/projen-rust-docker-jsii.lock" "$ROOT/node_modules/.bin/jsii" --silence-warnings=reserved-word >/dev/null)
  link "$EXAMPLE" @acme/projen-rust-service "$ROOT/$ORG"
fi

cd "$EXAMPLE"
# no `npm install` inside the example: its package.json is generated for real users' repos
PROJEN_DISABLE_POST=true "$ROOT/node_modules/.bin/ts-node" --skipProject \
  -O '{"module":"node16","moduleResolution":"node16","target":"ES2022","strict":true,"skipLibCheck":true,"types":["node"]}' \
  .projenrc.ts

echo
echo "Synthesized $EXAMPLE:"
for f in Dockerfile .dockerignore .github/workflows/*.yml; do
  [ -f "$f" ] && printf '  %-32s %s\n' "$f" "$ROOT/$EXAMPLE/$f"
done
echo "Build and test the image locally (needs a Docker engine): cd $EXAMPLE && npx projen docker:e2e"
