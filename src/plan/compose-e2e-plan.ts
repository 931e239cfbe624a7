/**
 * The compose E2E across every image of a repository that ships several (`composeE2e`, issue 14):
 * resolved and validated here; `src/github/compose-e2e-job.ts` renders its workflow job.
 */
import { ErrorCollector, RustDockerError, showValue } from '../errors';
import { ComposeE2eSettings } from '../settings';
import { checkNoExpression, checkString, isNameToken } from '../validators';

/** The compose E2E across images: `docker compose -f <file> up --exit-code-from <service>` with `IMAGE_<NAME>` per image. */
export interface ComposeE2ePlan {
  /** Compose file, relative to the project root. */
  readonly file: string;
  /** Service whose exit code decides the test. */
  readonly service: string;
  /** Minutes the compose step may run in CI (the shared `e2e.timeoutMinutes`). */
  readonly timeoutMinutes: number;
  /** Per image, in the order of the images: its name and the variable that holds its local tag. */
  readonly images: ComposeImagePlan[];
}

/** One image in the compose E2E across images. */
export interface ComposeImagePlan {
  /** Image name. */
  readonly name: string;
  /** The variable that holds its local tag in the compose file: `IMAGE_<NAME>`. */
  readonly variable: string;
}

/** The variable that holds an image's local tag in the compose E2E: `IMAGE_<NAME>` (upper-cased, other characters than letters and digits as `_`). */
export function composeImageVariable(imageName: string): string {
  return `IMAGE_${imageName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Resolves `composeE2e` for the images of the repository (their names; one name: a repository with
 * one image, which has `e2e.composeFile` instead). Every bad value is recorded in `errors`;
 * undefined when unset or bad.
 */
export function resolveComposeE2ePlan(
  settings: ComposeE2eSettings | undefined, imageNames: string[], timeoutMinutes: unknown, errors: ErrorCollector,
): ComposeE2ePlan | undefined {
  if (settings === undefined) return undefined;
  if (imageNames.length < 2) {
    errors.add(RustDockerError.forOption('composeE2e', `is set, but the repository ships one image (${showValue(imageNames[0])})`,
      'For one image, use "e2e.composeFile" and "e2e.composeService" (its compose test gets $IMAGE), or list the images in "images"'));
    return undefined;
  }
  const file = errors.attempt<string | undefined>(() => composeFile(settings.file), undefined);
  const service = errors.attempt<string | undefined>(() => composeService(settings.service), undefined);
  const images = imageNames.map(name => ({ name, variable: composeImageVariable(name) }));
  const clash = images.find((image, i) => images.findIndex(other => other.variable === image.variable) !== i);
  if (clash !== undefined) {
    const first = images.find(other => other.variable === clash.variable)!;
    errors.add(RustDockerError.forOption('composeE2e', `images ${showValue(first.name)} and ${showValue(clash.name)} would both be ${clash.variable} in the compose file`,
      'Rename one of the images in "images" so their names differ in more than "-", "." and "_"'));
  }
  if (file === undefined || service === undefined || clash !== undefined) return undefined;
  const minutes = typeof timeoutMinutes === 'number' && Number.isInteger(timeoutMinutes) && timeoutMinutes >= 1 && timeoutMinutes <= 360 ? timeoutMinutes : 10;
  return { file, service, timeoutMinutes: minutes, images };
}

/** A compose file path inside the project (relative, no `..`, one line, no expression). */
function composeFile(file: unknown): string {
  const fix = 'Give the compose file path relative to the project root, e.g. "compose.e2e.yaml"';
  checkString('composeE2e.file', file, fix);
  checkNoExpression('composeE2e.file', file, 'Give a literal path');
  if (file.startsWith('/') || /^[A-Za-z]:/.test(file) || file.split(/[\\/]/).includes('..') || /[\r\n\0]/.test(file)) {
    throw RustDockerError.forOption('composeE2e.file', `${showValue(file)} is not a path inside the project`, fix, { value: file });
  }
  return file;
}

/** A compose service name: letters, digits, `_`, `.` and `-`, starting with a letter or digit. */
function composeService(service: unknown): string {
  if (service === undefined) {
    throw RustDockerError.forOption('composeE2e.service', 'is required',
      'Name the compose service whose exit code decides the test (its command checks the other services)');
  }
  if (!isNameToken(service)) {
    throw RustDockerError.forOption('composeE2e.service', `${showValue(service)} is not a compose service name`,
      'Give a service name of letters, digits, "_", "." or "-", starting with a letter or digit', { value: service });
  }
  return service;
}
