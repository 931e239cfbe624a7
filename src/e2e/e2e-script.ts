/**
 * The E2E renderer: the shell script of one E2E test, the same text in a workflow `run:` step and
 * in a `docker:e2e` task step. POSIX sh, also valid bash; `$IMAGE` is the image under test.
 */
import { ComposeTestPlan, E2eTestPlan, HttpProbePlan, SmokeTestPlan } from '../plan/e2e-plan';
import { shellQuote } from '../shell';

/** The shell script of one E2E test (exactly one of smoke, httpProbe, command, compose is set). */
export function e2eScript(test: E2eTestPlan): string {
  const kinds = [test.smoke, test.httpProbe, test.command, test.compose].filter(kind => kind !== undefined).length;
  if (kinds !== 1) {
    throw new Error(`E2E test "${test.name}" has ${kinds} kinds; it must have exactly one of smoke, httpProbe, command, compose`);
  }
  if (test.smoke) return smokeScript(test.smoke);
  if (test.httpProbe) return httpProbeScript(test.httpProbe);
  if (test.compose) return composeScript(test.compose);
  return script([test.command!]);
}

function script(lines: string[]): string {
  return ['set -eu', ...lines].join('\n') + '\n';
}

/** Words after the image, each quoted and preceded by a space. */
function argWords(args: string[]): string {
  return args.map(a => ` ${shellQuote(a)}`).join('');
}

/**
 * The start of a script that runs one detached container named `$name` (unique: pid + 32 random
 * bits, so a concurrent run on a shared engine never removes ours) and always removes it: on
 * success, failure, `set -e` exits and cancellation (HUP/INT/TERM become exits, so the EXIT trap
 * runs in sh as in bash; the cleanup itself ignores signals, SIGPIPE and errors). `alwaysShowLogs`:
 * `docker logs` always, or on failure only.
 */
function containerScriptHead(prefix: string, alwaysShowLogs: boolean): string[] {
  const logs = ['  echo "container logs:"', '  docker logs "$name"'];
  return [
    `name="${prefix}-$$-$(od -An -N4 -tx4 /dev/urandom | tr -d ' \\n')"`,
    'cleanup() {',
    '  status=$?',
    // neither a second signal nor a closed output (SIGPIPE, a write error under set -e) may stop the removal
    '  trap \'\' HUP INT TERM PIPE',
    '  set +e',
    ...(alwaysShowLogs ? logs : ['  if [ "$status" -ne 0 ]; then', ...logs.map(l => `  ${l}`), '  fi']),
    '  docker rm -f "$name" >/dev/null 2>&1',
    '  exit "$status"',
    '}',
    'trap cleanup EXIT',
    'trap \'exit 129\' HUP',
    'trap \'exit 130\' INT',
    'trap \'exit 143\' TERM',
  ];
}

/**
 * The smoke test: the container runs detached without network; it passes when it exits 0
 * (a `--version`-style command) or is still running after `seconds` (a server), and fails when it
 * exits non-zero (a crash at start: missing library, bad config), with its logs and exit code.
 */
function smokeScript(smoke: SmokeTestPlan): string {
  return script([
    ...containerScriptHead('e2e-smoke', true),
    `docker run -d --network=none --name "$name" "$IMAGE"${argWords(smoke.args)} >/dev/null`,
    `deadline=$(( $(date +%s) + ${smoke.seconds} ))`,
    'while :; do',
    '  state=$(docker inspect --format \'{{.State.Status}} {{.State.ExitCode}}\' "$name")',
    '  case "$state" in',
    '    "exited 0")',
    '      echo "ok: the container exited with code 0"',
    '      exit 0',
    '      ;;',
    '    exited\\ * | dead\\ *)',
    '      echo "error: the container exited with code ${state#* }" >&2',
    '      exit 1',
    '      ;;',
    '  esac',
    // -gt: whole-second clock, so the container has run at least `seconds`
    '  if [ "$(date +%s)" -gt "$deadline" ]; then',
    `    echo "ok: the container is still running after ${smoke.seconds}s"`,
    '    exit 0',
    '  fi',
    '  sleep 1',
    'done',
  ]);
}

/**
 * The HTTP probe: the container runs detached with host networking (not `-p`: publishing needs a
 * bridge network, which some engines lack); `curl` polls until a 2xx answer, the container exits
 * or the deadline passes. Logs are shown on failure.
 */
function httpProbeScript(probe: HttpProbePlan): string {
  const envFlags = Object.entries(probe.env).map(([name, value]) => ` -e ${shellQuote(`${name}=${value}`)}`).join('');
  const url = `http://127.0.0.1:${probe.port}${probe.path}`;
  return script([
    ...containerScriptHead(`e2e-http-${probe.port}`, false),
    `docker run -d --network=host --name "$name"${envFlags} "$IMAGE"${argWords(probe.args)} >/dev/null`,
    `deadline=$(( $(date +%s) + ${probe.timeoutSeconds} ))`,
    `until curl --fail --silent --show-error --max-time 5 --output /dev/null ${shellQuote(url)}; do`,
    '  state=$(docker inspect --format \'{{.State.Status}} {{.State.ExitCode}}\' "$name")',
    '  case "$state" in',
    '    running\\ *) ;;',
    '    *)',
    '      echo "error: the container exited with code ${state#* } before answering" >&2',
    '      exit 1',
    '      ;;',
    '  esac',
    '  if [ "$(date +%s)" -ge "$deadline" ]; then',
    `    echo ${shellQuote(`error: ${url} did not answer with a 2xx status within ${probe.timeoutSeconds}s`)} >&2`,
    '    exit 1',
    '  fi',
    '  sleep 1',
    'done',
    `echo ${shellQuote(`ok: ${url} answered`)}`,
  ]);
}

/** The compose test: `up` decides with the service's exit code; `down` always runs after. */
function composeScript(compose: ComposeTestPlan): string {
  const cli = `docker compose -f ${shellQuote(compose.file)}`;
  return script([
    'cleanup() {',
    '  status=$?',
    `  IMAGE="$IMAGE" ${cli} down --volumes --remove-orphans || true`,
    '  exit "$status"',
    '}',
    'trap cleanup EXIT',
    `IMAGE="$IMAGE" ${cli} up --abort-on-container-exit --exit-code-from ${shellQuote(compose.service)}`,
  ]);
}
