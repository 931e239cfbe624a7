import { DEBIAN_RELEASES, packageForRelease } from './debian-release';
import { ErrorCollector, RustDockerError, showValue } from '../errors';
import { DebianRelease, DockerfileSettings, DockerHealthcheck, RuntimeBase } from '../settings';
import { checkInteger, checkLabelKey, checkPackageList, checkPort, checkVariableName, enumName, MAX_INT32 } from '../validators';

/** The C library a runtime image offers. */
export enum RuntimeLibc {
  /** glibc: runs GNU and MUSL binaries. */
  GLIBC = 'glibc',
  /** musl (Alpine): runs static MUSL binaries only. */
  MUSL = 'musl',
  /** No C library (scratch, distroless static): static MUSL binaries only. */
  NONE = 'none',
}

/** How packages are installed in the runtime image. */
export enum PackageManager {
  /** `apt-get` (Debian). */
  APT = 'apt',
  /** `apk` (Alpine). */
  APK = 'apk',
  /** A custom image: whichever of apt-get and apk it has. */
  DETECT = 'detect',
}

/** What the library knows of each runtime base: one table, read by every rule about runtimes. */
interface RuntimeBaseFacts {
  readonly libc: RuntimeLibc;
  readonly packageManager?: PackageManager;
  /** The image runs as distroless' `nonroot` (65532) and has no useradd. */
  readonly distroless: boolean;
  /** The image of this base on a Debian release (CUSTOM: the option's). */
  readonly image: (release: DebianRelease) => string;
}

const RUNTIME_BASES: { [base: string]: RuntimeBaseFacts } = {
  [RuntimeBase.DEBIAN_SLIM]: { libc: RuntimeLibc.GLIBC, packageManager: PackageManager.APT, distroless: false, image: r => `debian:${DEBIAN_RELEASES[r].codename}-slim` },
  [RuntimeBase.DISTROLESS_CC]: { libc: RuntimeLibc.GLIBC, distroless: true, image: r => `gcr.io/distroless/cc-debian${DEBIAN_RELEASES[r].number}` },
  [RuntimeBase.DISTROLESS_STATIC]: { libc: RuntimeLibc.NONE, distroless: true, image: r => `gcr.io/distroless/static-debian${DEBIAN_RELEASES[r].number}` },
  [RuntimeBase.SCRATCH]: { libc: RuntimeLibc.NONE, distroless: false, image: () => 'scratch' },
  [RuntimeBase.ALPINE]: { libc: RuntimeLibc.MUSL, packageManager: PackageManager.APK, distroless: false, image: () => 'alpine:3' },
  [RuntimeBase.CUSTOM]: { libc: RuntimeLibc.GLIBC, packageManager: PackageManager.DETECT, distroless: false, image: () => '' },
};

/** The facts of a runtime base. */
export function runtimeBaseFacts(base: RuntimeBase): RuntimeBaseFacts {
  return RUNTIME_BASES[base];
}

/** A user the runtime image runs as (numeric, so Kubernetes `runAsNonRoot` can verify it). */
export interface ImageUser {
  /** UID. */
  readonly uid: number;
  /** GID (same as the UID). */
  readonly gid: number;
  /** Whether the Dockerfile creates the user (`groupadd`/`useradd` on Debian, `addgroup`/`adduser` on Alpine). */
  readonly create: boolean;
  /** User and group name when created. */
  readonly name: string;
}

/** The runtime (final) image: base, packages, user and image settings. */
export interface RuntimePlan {
  /** Runtime base. */
  readonly base: RuntimeBase;
  /** C library of the runtime image. */
  readonly libc: RuntimeLibc;
  /** Runtime image (digest-pinned when configured); "scratch" for SCRATCH. */
  readonly image: string;
  /** Packages installed in the runtime image. */
  readonly packages: string[];
  /** How `packages` are installed; undefined: the image has no package manager. */
  readonly packageManager?: PackageManager;
  /** Whether a `glibc-guard` stage checks the binaries' library needs against the runtime image. */
  readonly glibcGuard: boolean;
  /** Non-root user; undefined when `runAsRoot`. */
  readonly user?: ImageUser;
  /** Runtime working directory. */
  readonly workdir: string;
  /** Folder of the binaries in the image. */
  readonly binDir: string;
  /** Ports the image exposes. */
  readonly ports: number[];
  /** Runtime environment. */
  readonly env: { [name: string]: string };
  /** HEALTHCHECK. */
  readonly healthcheck?: DockerHealthcheck;
  /** ENTRYPOINT (exec form). */
  readonly entrypoint: string[];
  /** CMD (exec form). */
  readonly cmd?: string[];
  /** Static labels (title + user labels). */
  readonly labels: { [name: string]: string };
  /** Labels whose value comes from a build arg: label → ARG name (empty default). */
  readonly labelBuildArgs: { [label: string]: string };
  /** STOPSIGNAL. */
  readonly stopSignal?: string;
  /**
   * The Dockerfile stages that make the runtime image from its base (`runtime-base` with the glibc
   * guard, then `runtime`): the scheduled rebuild builds them without the layer cache.
   */
  readonly stages: string[];
}

/** Name of the final stage of the Dockerfile. */
export const RUNTIME_STAGE = 'runtime';
/** Name of the stage with the runtime image before the binaries (with the glibc guard). */
export const RUNTIME_BASE_STAGE = 'runtime-base';

/** Build args the Dockerfile declares for the OCI labels (the workflow passes them). */
export const OCI_LABEL_BUILD_ARGS: { [label: string]: string } = {
  'org.opencontainers.image.source': 'OCI_SOURCE',
  'org.opencontainers.image.revision': 'OCI_REVISION',
  'org.opencontainers.image.version': 'OCI_VERSION',
  'org.opencontainers.image.created': 'OCI_CREATED',
};

/** Folder of the runtime image that receives the binaries. */
export const BIN_DIR = '/usr/local/bin';

const DEFAULT_UID = 10001;
const DISTROLESS_NONROOT_UID = 65532;
const SIGNAL = /^(SIG[A-Z0-9+-]+|\d+)$/;

/** The runtime base the settings ask for (`runtimeImage` implies CUSTOM). */
export function resolveRuntimeBase(options: DockerfileSettings): RuntimeBase {
  if (options.runtimeImage !== undefined) {
    if (options.runtime !== undefined && options.runtime !== RuntimeBase.CUSTOM) {
      throw RustDockerError.forOption('runtimeImage', `is only used with RuntimeBase.CUSTOM, but "runtime" is ${enumName(options.runtime)}`,
        'Remove "runtimeImage", or remove "runtime" (setting "runtimeImage" implies CUSTOM)');
    }
    return RuntimeBase.CUSTOM;
  }
  const runtime = options.runtime ?? RuntimeBase.DEBIAN_SLIM;
  if (runtime === RuntimeBase.CUSTOM) {
    throw RustDockerError.forOption('runtime', 'CUSTOM needs an image', 'Set "runtimeImage" (e.g. "ubuntu:24.04"), or choose another RuntimeBase');
  }
  return runtime;
}

/** The unpinned runtime image of a base on a release. */
export function runtimeImageOf(options: DockerfileSettings, base: RuntimeBase, release: DebianRelease): string {
  return base === RuntimeBase.CUSTOM ? options.runtimeImage! : RUNTIME_BASES[base].image(release);
}

/** Inputs of the runtime part that other parts of the plan decide. */
export interface RuntimePlanInput {
  readonly base: RuntimeBase;
  /** The runtime image, digest-pinned when configured. */
  readonly image: string;
  readonly debianRelease: DebianRelease;
  /** The first binary (entrypoint, title label). */
  readonly firstBinary: string;
}

/** Resolves and validates the runtime image; every bad option is recorded in `errors`. */
export function resolveRuntimePlan(options: DockerfileSettings, input: RuntimePlanInput, errors: ErrorCollector): RuntimePlan {
  const { base } = input;
  const facts = RUNTIME_BASES[base];
  const workdir = options.workdir ?? '/app';
  errors.attempt(() => {
    if (!workdir.startsWith('/') || /\s/.test(workdir)) {
      throw RustDockerError.forOption('workdir', `${showValue(workdir)} is not an absolute path without whitespace`, 'Use an absolute path such as "/app"');
    }
  }, undefined);
  const stopSignal = options.stopSignal;
  errors.attempt(() => {
    if (stopSignal !== undefined && !SIGNAL.test(stopSignal)) {
      throw RustDockerError.forOption('stopSignal', `${showValue(stopSignal)} is not a signal`, 'Use a signal name such as "SIGINT" or a number');
    }
  }, undefined);
  if (options.entrypoint !== undefined) errors.attempt(() => execList('entrypoint', options.entrypoint!, false), []);
  if (options.cmd !== undefined) errors.attempt(() => execList('cmd', options.cmd!, true), []);
  const { labels, labelBuildArgs } = errors.attempt(() => resolveLabels(options.labels, input.firstBinary), { labels: {}, labelBuildArgs: {} });
  const glibcGuard = (options.glibcGuard ?? true) && base !== RuntimeBase.SCRATCH;
  return {
    base,
    libc: facts.libc,
    image: input.image,
    packages: errors.attempt(() => resolveRuntimePackages(options, base, input.debianRelease), []),
    packageManager: facts.packageManager,
    glibcGuard,
    user: errors.attempt(() => resolveUser(options, base), undefined),
    workdir,
    binDir: BIN_DIR,
    ports: errors.attempt(() => resolvePorts(options.ports), []),
    env: errors.attempt(() => resolveEnv(options.env), {}),
    healthcheck: errors.attempt(() => resolveHealthcheck(options.healthcheck), undefined),
    entrypoint: options.entrypoint ?? [`${BIN_DIR}/${input.firstBinary}`],
    cmd: options.cmd,
    labels,
    labelBuildArgs,
    stopSignal,
    stages: glibcGuard ? [RUNTIME_BASE_STAGE, RUNTIME_STAGE] : [RUNTIME_STAGE],
  };
}

function resolveRuntimePackages(options: DockerfileSettings, runtime: RuntimeBase, release: DebianRelease): string[] {
  const facts = RUNTIME_BASES[runtime];
  if (options.runtimePackages !== undefined && options.runtimePackages.length > 0 && facts.packageManager === undefined) {
    throw RustDockerError.forOption('runtimePackages', `runtime ${enumName(runtime)} has no package manager, so ${showValue(options.runtimePackages)} cannot be installed`,
      'Use RuntimeBase.DEBIAN_SLIM or ALPINE, or copy files into the image with the escape hatches');
  }
  if (options.runtimePackages !== undefined) {
    const list = checkPackageList('runtimePackages', options.runtimePackages);
    return runtime === RuntimeBase.DEBIAN_SLIM ? [...new Set(list.map(p => packageForRelease(p, release)))] : list;
  }
  return runtime === RuntimeBase.DEBIAN_SLIM || runtime === RuntimeBase.ALPINE ? ['ca-certificates'] : [];
}

function resolveUser(options: DockerfileSettings, runtime: RuntimeBase): ImageUser | undefined {
  if (options.runAsRoot) {
    if (options.uid !== undefined) {
      throw RustDockerError.forOption('uid', `${showValue(options.uid)} is ignored when "runAsRoot" is true`, 'Remove "uid" or "runAsRoot"');
    }
    return undefined;
  }
  const facts = RUNTIME_BASES[runtime];
  const uid = options.uid ?? (facts.distroless ? DISTROLESS_NONROOT_UID : DEFAULT_UID);
  if (!Number.isInteger(uid) || uid < 1 || uid > 2147483646) {
    throw RustDockerError.forOption('uid', `${showValue(uid)} is not a non-root UID`,
      uid === 0 ? 'Set "runAsRoot" to true to run as root' : 'Use an integer in 1..2147483646, e.g. 10001', { value: uid });
  }
  const create = runtime === RuntimeBase.DEBIAN_SLIM || runtime === RuntimeBase.ALPINE;
  return { uid, gid: uid, create, name: 'app' };
}

function resolvePorts(ports: number[] | undefined): number[] {
  const result: number[] = [];
  for (const p of ports ?? []) {
    checkPort('ports', p);
    if (!result.includes(p)) result.push(p);
  }
  return result;
}

function resolveEnv(env: { [name: string]: string } | undefined): { [name: string]: string } {
  const result: { [name: string]: string } = {};
  for (const name of Object.keys(env ?? {}).sort()) {
    checkVariableName(`env.${name}`, name);
    result[name] = env![name];
  }
  return result;
}

function resolveHealthcheck(hc: DockerHealthcheck | undefined): DockerHealthcheck | undefined {
  if (hc === undefined || hc === null) return undefined;
  execList('healthcheck.command', hc.command, false);
  const check = (field: string, value: number | undefined, min: number, unit: string) => {
    if (value !== undefined) checkInteger(`healthcheck.${field}`, value, min, MAX_INT32, unit);
  };
  check('intervalSeconds', hc.intervalSeconds, 1, 'seconds');
  check('timeoutSeconds', hc.timeoutSeconds, 1, 'seconds');
  check('startPeriodSeconds', hc.startPeriodSeconds, 0, 'seconds');
  check('retries', hc.retries, 1, 'retries');
  return hc;
}

function resolveLabels(user: { [name: string]: string } | undefined, title: string) {
  const labels: { [name: string]: string } = {};
  const labelBuildArgs: { [label: string]: string } = {};
  for (const [label, arg] of Object.entries(OCI_LABEL_BUILD_ARGS)) {
    if (user?.[label] === undefined) labelBuildArgs[label] = arg;
  }
  labels['org.opencontainers.image.title'] = title;
  for (const key of Object.keys(user ?? {}).sort()) {
    checkLabelKey(`labels.${key}`, key);
    labels[key] = user![key];
  }
  return { labels, labelBuildArgs };
}

/** An exec-form list (ENTRYPOINT, CMD, HEALTHCHECK): strings, the program first. */
function execList(option: string, values: string[], allowEmpty: boolean): string[] {
  if (!Array.isArray(values) || (!allowEmpty && values.length === 0)) {
    throw RustDockerError.forOption(option, `${showValue(values)} is empty`, 'Give the program and its arguments, e.g. ["/usr/local/bin/app", "serve"]');
  }
  if (!allowEmpty && values[0].trim() === '') {
    throw RustDockerError.forOption(option, 'the program is empty', 'Give the program path first');
  }
  return [...values];
}
