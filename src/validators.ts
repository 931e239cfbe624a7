/**
 * Every value rule of the library, once: the plan, the option schema and the Dockerfile model
 * call these. Each throws a `RustDockerError` naming the option, the bad value and the fix.
 */
import { RustDockerError, showValue } from './errors';

/**
 * Characters that end a line somewhere our values go: CR/LF/NUL end a Dockerfile instruction,
 * and YAML 1.1 readers (GitHub's, actionlint's) also break lines at U+0085, U+2028 and U+2029.
 */
export const LINE_BREAK = /[\r\n\0\u0085\u2028\u2029]/;
/** The line separators YAML 1.1 readers honour besides CR/LF (in a `run: |` block the rest would become workflow keys). */
const UNICODE_LINE_SEPARATOR = /[\u0085\u2028\u2029]/;

/** `value` must be one line (see `LINE_BREAK`). */
export function checkOneLine(option: string, value: string, why = 'every value is one line of the Dockerfile or workflow'): void {
  if (LINE_BREAK.test(value)) {
    throw RustDockerError.forOption(option, `${showValue(value)} contains a line break (or NUL, U+0085, U+2028, U+2029)`,
      `Remove the line break: ${why}`, { value });
  }
}

/** `value` must be a non-empty string. */
export function checkString(option: string, value: unknown, fix: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw RustDockerError.forOption(option, `${showValue(value)} is empty or not a string`, fix, { value });
  }
}

/** `value` must be a list (or undefined). */
export function checkList(option: string, value: unknown): asserts value is unknown[] | undefined {
  if (value !== undefined && !Array.isArray(value)) {
    throw RustDockerError.forOption(option, `${showValue(value)} is not a list`, `Pass a list, e.g. [${showValue(value)}]`, { value });
  }
}

/** A list of non-empty strings (a copy; `[]` when undefined). */
export function checkStringList(option: string, values: unknown): string[] {
  checkList(option, values);
  for (const v of values ?? []) {
    if (typeof v !== 'string' || v.trim() === '') {
      throw RustDockerError.forOption(option, `${showValue(v)} is empty or not a string`, 'Remove it', { value: v });
    }
  }
  return [...(values as string[] | undefined ?? [])];
}

/** A whole number from `min` to `max` (inclusive); `unit` names what it counts ("seconds"). */
export function checkInteger(option: string, value: unknown, min: number, max: number, unit: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw RustDockerError.forOption(option, `${showValue(value)} is not a whole number of ${unit} from ${min} to ${max}`,
      `Give a whole number of ${unit} from ${min} to ${max}`, { value });
  }
  return value;
}

/** Largest integer Docker and YAML render plainly (larger ones become `1e+300`, or overflow Docker's int64 nanoseconds). */
export const MAX_INT32 = 2147483647;

/** A TCP port: 1..65535. */
export function checkPort(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw RustDockerError.forOption(option, `${showValue(value)} is not a TCP port`, 'Give an integer from 1 to 65535', { value });
  }
  return value;
}

/** A value of a jsii enum (`typeName` is the enum's name in messages, e.g. `CacheBackend`). */
export function checkEnum<T extends string>(option: string, value: unknown, enumObject: { [key: string]: string }, typeName: string): T {
  if (typeof value !== 'string' || !Object.values(enumObject).includes(value)) {
    throw RustDockerError.forOption(option, `${showValue(value)} is not a ${typeName}`,
      `Use one of ${Object.keys(enumObject).map(k => `${typeName}.${k}`).join(', ')}`, { value });
  }
  return value as T;
}

/** The enum member's name for messages (`cache-mounts` → `CACHE_MOUNTS`). */
export function enumName(value: string): string {
  return value.toUpperCase().replace(/-/g, '_');
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether `name` is a shell/Dockerfile variable name (ENV, ARG, secret env, GitHub secret). */
export function isVariableName(name: unknown): name is string {
  return typeof name === 'string' && VARIABLE_NAME.test(name);
}

/** An environment/ARG variable name: letters, digits and `_`, not starting with a digit. */
export function checkVariableName(option: string, name: unknown, example = 'RUST_LOG'): string {
  if (!isVariableName(name)) {
    throw RustDockerError.forOption(option, `${showValue(name)} is not a variable name`,
      `Use letters, digits and "_", not starting with a digit (e.g. "${example}")`, { value: name });
  }
  return name;
}

/** A GitHub secret name: a variable name not starting with `GITHUB_` (except GITHUB_TOKEN itself). */
export function isGithubSecretName(name: unknown): name is string {
  return isVariableName(name) && (!/^GITHUB_/i.test(name) || name === 'GITHUB_TOKEN');
}

const LABEL_KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;

/** Whether `key` is an image label key (reverse-DNS style). */
export function isLabelKey(key: unknown): key is string {
  return typeof key === 'string' && LABEL_KEY.test(key);
}

/** An image label key: letters, digits, `.`, `-`, `_`, `/`, starting and ending with a letter or digit. */
export function checkLabelKey(option: string, key: unknown): string {
  if (!isLabelKey(key)) {
    throw RustDockerError.forOption(option, `${showValue(key)} is not a label key`,
      'Use letters, digits, ".", "-", "_" and "/", starting and ending with a letter or digit (e.g. "org.opencontainers.image.source")', { value: key });
  }
  return key;
}

// Docker's reference grammar (distribution/reference): a first component is a registry host only if it
// has a "." or a ":port", or is "localhost"; path components are lower-case.
const HOST_COMPONENT = '(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])';
const HOST = `(?:${HOST_COMPONENT}(?:\\.${HOST_COMPONENT})*(?::[0-9]+)?)`;
const REGISTRY_PREFIX = `(?:(?:${HOST_COMPONENT}(?:\\.${HOST_COMPONENT})+(?::[0-9]+)?|${HOST_COMPONENT}:[0-9]+|localhost)/)`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = `${REGISTRY_PREFIX}?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const IMAGE_REFERENCE = new RegExp(`^${REPOSITORY}(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`);
const REPOSITORY_ONLY = new RegExp(`^${REPOSITORY}$`);
const REGISTRY_HOST = new RegExp(`^${HOST}$`);

/** Whether `value` is an image reference (`rust:1.95-slim`, `ghcr.io/org/img:tag@sha256:…`). */
export function isImageReference(value: unknown): value is string {
  return typeof value === 'string' && IMAGE_REFERENCE.test(value);
}

/** Whether `value` is an image repository without tag or digest (`ghcr.io/acme/api`). */
export function isImageRepository(value: unknown): value is string {
  return typeof value === 'string' && REPOSITORY_ONLY.test(value);
}

/** Whether `value` is a registry host (`ghcr.io`, `localhost:5000`, `123.dkr.ecr.eu-west-1.amazonaws.com`). */
export function isRegistryHost(value: unknown): value is string {
  return typeof value === 'string' && REGISTRY_HOST.test(value);
}

/** An image reference (see `isImageReference`). */
export function checkImageReference(option: string, value: unknown): string {
  if (!isImageReference(value)) {
    throw RustDockerError.forOption(option, `${showValue(value)} is not an image reference`,
      'Use e.g. "rust:1.95-slim-bookworm" or "ghcr.io/org/image:tag"', { value });
  }
  return value;
}

/** GitHub expressions are expanded into a script before it runs: a value with one could inject code. */
export function checkNoExpression(option: string, value: string, fix: string): void {
  if (value.includes('${{')) {
    throw RustDockerError.forOption(option, `${showValue(value)} contains "\${{". GitHub expressions (\`\${{ }}\`) are not allowed here: `
      + 'they would be expanded into a script before it runs (script injection)', fix, { value });
  }
  if (UNICODE_LINE_SEPARATOR.test(value)) {
    throw RustDockerError.forOption(option, `${showValue(value)} contains a Unicode line separator (U+0085, U+2028 or U+2029), `
      + 'which GitHub\'s YAML reader treats as a line break', 'Remove the character', { value });
  }
}

/** A package list entry: a Debian/Alpine package name, optionally `name=version`. */
const PACKAGE = /^[A-Za-z0-9][A-Za-z0-9+.:~_-]*(=[A-Za-z0-9+.:~_-]+)?$/;

/** A list of system package names (`buildPackages`, `runtimePackages`), deduplicated. */
export function checkPackageList(option: string, values: string[] | undefined): string[] {
  for (const v of values ?? []) {
    if (!PACKAGE.test(v)) {
      throw RustDockerError.forOption(option, `${showValue(v)} is not a package name`, 'Use a package name such as "libssl-dev" (optionally "name=version")', { value: v });
    }
  }
  return [...new Set(values ?? [])];
}

const NAME_TOKEN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Whether `value` is a name token: a letter or digit, then letters, digits, `.`, `_` or `-` (workflow
 * files, runner labels, secret ids, compose services, rustup toolchains, targets and components).
 */
export function isNameToken(value: unknown): value is string {
  return typeof value === 'string' && NAME_TOKEN.test(value);
}
