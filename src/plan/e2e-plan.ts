/**
 * The end-to-end tests as data: resolved and validated from `E2eSettings`. The same tests run as
 * workflow steps and as `docker:e2e` task steps; `src/e2e/e2e-script.ts` renders their shell.
 */
import { ErrorCollector, RustDockerError, showValue } from '../errors';
import { E2eSettings } from '../settings';
import { checkInteger, checkList, checkNoExpression, checkPort, checkString, checkVariableName, isNameToken } from '../validators';

/** The smoke test: the image runs detached without network; it passes when it exits 0 or is still running at the deadline. */
export interface SmokeTestPlan {
  /** Arguments passed to the container after the image (empty: the image's CMD). */
  readonly args: string[];
  /** Seconds a still-running container must survive to pass (1 to 600). */
  readonly seconds: number;
}

/** The HTTP probe: the image runs detached with host networking; `curl` polls `http://127.0.0.1:<port><path>`. */
export interface HttpProbePlan {
  /** Port the service listens on (1 to 65535). */
  readonly port: number;
  /** Path requested, starting with `/`. */
  readonly path: string;
  /** Seconds to wait for a 2xx answer (1 to 3600). */
  readonly timeoutSeconds: number;
  /** Arguments passed to the container after the image. */
  readonly args: string[];
  /** Environment variables of the container, in the order given. */
  readonly env: { [name: string]: string };
}

/** The compose test: `docker compose up` with `IMAGE` set; the service's exit code decides. */
export interface ComposeTestPlan {
  /** Compose file, relative to the project root. */
  readonly file: string;
  /** Service whose exit code decides the test. */
  readonly service: string;
}

/** One E2E test (a workflow step, a docker:e2e task step): exactly one of smoke, httpProbe, command, compose. */
export interface E2eTestPlan {
  /** Step name, e.g. `E2E smoke test`. */
  readonly name: string;
  /** Minutes the step may run in CI: `e2e.timeoutMinutes`, or more when the test's own deadline needs it. */
  readonly timeoutMinutes: number;
  /** The smoke test, if this is it. */
  readonly smoke?: SmokeTestPlan;
  /** The HTTP probe, if this is it. */
  readonly httpProbe?: HttpProbePlan;
  /** A user shell command (trailing whitespace removed), if this is one; `$IMAGE` is the image under test. */
  readonly command?: string;
  /** The compose test, if this is it. */
  readonly compose?: ComposeTestPlan;
}

/** The E2E tests run against the freshly built image, in order. */
export interface E2ePlan {
  /** The tests: smoke test, commands, HTTP probe, compose test (each when configured). */
  readonly tests: E2eTestPlan[];
}

/** A test before the step timeout is applied, with the minutes its own deadline needs. */
type PendingTest = Omit<E2eTestPlan, 'timeoutMinutes'> & { readonly minutes: number };

/**
 * Resolves and validates the E2E settings. Every bad value is recorded in `errors` (each check
 * independent, so several are reported together); a test that cannot be built is left out.
 */
export function resolveE2ePlan(e2e: E2eSettings | undefined, errors: ErrorCollector): E2ePlan {
  const settings = e2e ?? {};
  const timeoutMinutes = errors.attempt(() => checkInteger('e2e.timeoutMinutes', settings.timeoutMinutes ?? 10, 1, 360, 'minutes'), 10);
  // checked even when the smoke test is off: a bad value is reported either way
  const smokeSeconds = attempt(errors, () => checkInteger('e2e.smokeSeconds', settings.smokeSeconds ?? 10, 1, 600, 'seconds'));
  const tests: Array<PendingTest | undefined> = [
    (settings.smokeTest ?? true) ? smokeTest(settings.smokeArgs, smokeSeconds, errors) : undefined,
    ...commandTests(settings.commands, errors),
    settings.httpProbe ? httpProbeTest(settings, errors) : undefined,
    settings.composeFile !== undefined || settings.composeService !== undefined ? composeTest(settings, errors) : undefined,
  ];
  return {
    tests: tests.filter((t): t is PendingTest => t !== undefined).map(({ minutes, ...test }) => ({
      ...test,
      timeoutMinutes: Math.max(timeoutMinutes, minutes),
    })),
  };
}

/** Runs one check; `undefined` when it failed (its error is recorded). */
function attempt<T>(errors: ErrorCollector, check: () => T): T | undefined {
  return errors.attempt<T | undefined>(check, undefined);
}

/** Whether every value was resolved (no check failed). */
function allResolved(...values: unknown[]): boolean {
  return values.every(v => v !== undefined);
}

/** The smoke test; `seconds` is undefined when `e2e.smokeSeconds` was bad. */
function smokeTest(smokeArgs: unknown, seconds: number | undefined, errors: ErrorCollector): PendingTest | undefined {
  const args = words('e2e.smokeArgs', smokeArgs, errors);
  if (seconds === undefined || args === undefined) return undefined;
  // the smoke deadline, plus time to start and clean up
  return { name: 'E2E smoke test', minutes: Math.ceil(seconds / 60) + 2, smoke: { args, seconds } };
}

function commandTests(commands: unknown, errors: ErrorCollector): Array<PendingTest | undefined> {
  if (attempt(errors, () => { checkList('e2e.commands', commands); return true; }) === undefined) return [];
  return ((commands ?? []) as unknown[]).map((command, i) => {
    const option = `e2e.commands[${i}]`;
    const checked = attempt(errors, () => {
      checkString(option, command, 'Give a shell command that uses "$IMAGE", e.g. "docker run --rm \\"$IMAGE\\" --help"');
      checkNoExpression(option, command, 'Read values from the environment instead ($IMAGE is the image under test)');
      return command;
    });
    return checked === undefined ? undefined : { name: `E2E command ${i + 1}`, minutes: 0, command: checked.replace(/\s+$/, '') };
  });
}

/** A URL path: `/`, then the characters RFC 3986 allows in a path and query (no space, no `${{`). */
const URL_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$/;

function httpProbeTest(e2e: E2eSettings, errors: ErrorCollector): PendingTest | undefined {
  const probe = e2e.httpProbe!;
  const port = attempt(errors, () => checkPort('e2e.httpProbe.port', probe.port));
  const probePath = attempt(errors, () => {
    const value: unknown = probe.path ?? '/';
    if (typeof value !== 'string' || !URL_PATH.test(value) || value.includes('${{')) {
      throw RustDockerError.forOption('e2e.httpProbe.path', `${showValue(value)} is not a URL path`,
        'Give a path starting with "/", e.g. "/healthz"', { value });
    }
    return value;
  });
  const timeoutSeconds = attempt(errors, () => checkInteger('e2e.httpProbe.timeoutSeconds', probe.timeoutSeconds ?? 30, 1, 3600, 'seconds'));
  const args = words('e2e.httpProbe.args', probe.args, errors);
  const env = environment('e2e.httpProbe.env', probe.env, errors);
  if (!allResolved(port, probePath, timeoutSeconds, args, env)) return undefined;
  return {
    name: `E2E HTTP probe ${probePath} on port ${port}`,
    // the probe's own deadline, plus time to start and clean up
    minutes: Math.ceil(timeoutSeconds! / 60) + 2,
    httpProbe: { port: port!, path: probePath!, timeoutSeconds: timeoutSeconds!, args: args!, env: env! },
  };
}

function composeTest(e2e: E2eSettings, errors: ErrorCollector): PendingTest | undefined {
  if (e2e.composeFile === undefined) {
    errors.add(RustDockerError.forOption('e2e.composeService', 'is set without composeFile',
      'Set "e2e.composeFile" to the compose file, or drop "e2e.composeService"'));
    return undefined;
  }
  const file = attempt(errors, () => composeFile(e2e.composeFile));
  const service = attempt(errors, () => composeService(e2e.composeService, e2e.composeFile));
  if (file === undefined || service === undefined) return undefined;
  return { name: `E2E compose ${service}`, minutes: 0, compose: { file, service } };
}

/** A compose file path inside the project (relative, no `..`, one line). */
function composeFile(file: unknown): string {
  const fix = 'Give the compose file path relative to the project root, e.g. "compose.e2e.yaml"';
  checkString('e2e.composeFile', file, fix);
  checkNoExpression('e2e.composeFile', file, 'Give a literal path');
  if (file.startsWith('/') || file.split(/[\\/]/).includes('..') || file.includes('\n')) {
    throw RustDockerError.forOption('e2e.composeFile', `${showValue(file)} is not a path inside the project`, fix, { value: file });
  }
  return file;
}

/** A compose service name: letters, digits, `_`, `.` and `-`, starting with a letter or digit. */
function composeService(service: unknown, file: unknown): string {
  if (service === undefined) {
    throw RustDockerError.forOption('e2e.composeService', `is required with composeFile ${showValue(file)}`,
      'Name the compose service whose exit code decides the test (its command runs the checks)');
  }
  if (!isNameToken(service)) {
    throw RustDockerError.forOption('e2e.composeService', `${showValue(service)} is not a compose service name`,
      'Give a service name of letters, digits, "_", "." or "-"', { value: service });
  }
  return service;
}

/** Container arguments: a list of literal strings (empty strings allowed); `undefined` when one is bad. */
function words(option: string, values: unknown, errors: ErrorCollector): string[] | undefined {
  if (attempt(errors, () => { checkList(option, values); return true; }) === undefined) return undefined;
  const checked = ((values ?? []) as unknown[]).map((word, i) =>
    attempt(errors, () => literal(`${option}[${i}]`, word, 'Give the arguments as strings', 'Give a literal argument')));
  return allResolved(...checked) ? checked as string[] : undefined;
}

/** Container environment: variable names and literal string values; `undefined` when one is bad. */
function environment(option: string, env: unknown, errors: ErrorCollector): { [name: string]: string } | undefined {
  const entries = Object.entries(env ?? {}).map(([name, value]) => {
    const checkedName = attempt(errors, () => checkVariableName(`${option}.${name}`, name));
    const checkedValue = attempt(errors, () => literal(`${option}.${name}`, value, 'Give the value as a string', 'Give a literal value'));
    return checkedName === undefined || checkedValue === undefined ? undefined : [checkedName, checkedValue] as const;
  });
  if (!allResolved(...entries)) return undefined;
  const resolved: { [name: string]: string } = {};
  for (const [name, value] of entries as Array<readonly [string, string]>) resolved[name] = value;
  return resolved;
}

/** A string (possibly empty) without GitHub expressions: it goes into a script. */
function literal(option: string, value: unknown, typeFix: string, expressionFix: string): string {
  if (typeof value !== 'string') {
    throw RustDockerError.forOption(option, `${showValue(value)} is not a string`, typeFix, { value });
  }
  checkNoExpression(option, value, expressionFix);
  return value;
}
