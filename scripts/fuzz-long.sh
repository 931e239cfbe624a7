#!/usr/bin/env bash
# Long fuzz run of the option-space property test (test/fuzz/option-space.test.ts).
#
#   scripts/fuzz-long.sh                      # 5000 cases, fresh seed (printed)
#   FUZZ_RUNS=20000 scripts/fuzz-long.sh      # more cases
#   FUZZ_SEED=123 scripts/fuzz-long.sh        # reproduce a run
#   FUZZ_SHRINK=1 FUZZ_SEED=123 scripts/fuzz-long.sh   # shrink a failure to a minimal case
#
# CI runs the same test with 1000 cases and a fixed seed (`npx projen test`). Prints the
# `fuzz: N cases … synthesized … rejected` summary line; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

export FUZZ_RUNS="${FUZZ_RUNS:-5000}"
export FUZZ_SEED="${FUZZ_SEED:-$(( $(date +%s) % 2147483647 ))}"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="${JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION:-20}"

if ! command -v shellcheck >/dev/null 2>&1; then
  echo "fuzz-long: shellcheck is required (apt-get install -y shellcheck)" >&2
  exit 2
fi

echo "fuzz-long: ${FUZZ_RUNS} cases, seed ${FUZZ_SEED} (reproduce: FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${FUZZ_RUNS} scripts/fuzz-long.sh)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
npx jest test/fuzz/option-space.test.ts --coverage=false --ci 2>&1 | tee "$log" || status=$?
echo
grep '^fuzz:' "$log" || echo "fuzz-long: no summary line (the run did not start?)"
if [ "$status" -ne 0 ]; then
  echo "fuzz-long: FAILED (seed ${FUZZ_SEED}); rerun with FUZZ_SHRINK=1 FUZZ_SEED=${FUZZ_SEED} to shrink the counterexample" >&2
fi
exit "$status"
