#!/usr/bin/env bash
# The main job: synthesize the bundled example Rust service (examples/hello-service) from its
# .projenrc.ts with this checkout's library, and print where the generated files are.
#   npm run example            (installs dependencies first when node_modules is missing)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
EXAMPLE=${1:-examples/hello-service}
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

[ -d node_modules/projen ] || npm ci
# compile the library (jsii) so the example imports lib/ like a user would import the package
npx jsii --silence-warnings=reserved-word >/dev/null

# the example resolves 'projen-rust-docker' to this checkout (projen/constructs from the root node_modules)
mkdir -p "$EXAMPLE/node_modules"
ln -sfn "$ROOT" "$EXAMPLE/node_modules/projen-rust-docker"

cd "$EXAMPLE"
# no `npm install` inside the example: its package.json is generated for real users' repos
PROJEN_DISABLE_POST=true "$ROOT/node_modules/.bin/ts-node" --skipProject \
  -O '{"module":"node16","moduleResolution":"node16","target":"ES2022","strict":true,"skipLibCheck":true,"types":["node"]}' \
  .projenrc.ts
echo
echo "Synthesized $EXAMPLE:"
for f in Dockerfile .dockerignore .github/workflows/docker.yml; do
  [ -f "$f" ] && printf '  %-32s %s\n' "$f" "$ROOT/$EXAMPLE/$f"
done
echo "Build and test it locally (needs a Docker engine): cd $EXAMPLE && npx projen docker:build && npx projen docker:e2e"
