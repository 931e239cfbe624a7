import { ImageCacheMount, ImagePlan } from './image-plan';
import { BuildSecret } from '../docker/rust-dockerfile-options';
import { RustDockerError, showValue } from '../errors';
import { resolveActionRefs, ResolvedActionRef } from '../github/action-versions';
import {
  ActionPinning,
  CacheBackend,
  ImageE2eOptions,
  ImageWorkflowOptions,
  MultiArchStrategy,
} from '../github/image-workflow-options';
import { shellQuote } from '../shell';

/** One end-to-end test step: the same shell in the workflow and in the `docker:e2e` task. */
export interface E2eStep {
  /** Step name. */
  readonly name: string;
  /** Shell script (POSIX sh, also valid bash); `$IMAGE` is the image under test. */
  readonly run: string;
  /** Minutes the step may run in CI. */
  readonly timeoutMinutes: number;
}

/** A target platform and the runner that builds it natively. */
export interface PlatformPlan {
  /** Docker platform, `linux/amd64` or `linux/arm64`. */
  readonly platform: string;
  /** Platform as a name part, `linux-amd64`: cache scopes, artifact names. */
  readonly slug: string;
  /** GitHub runner label that runs this platform natively. */
  readonly runner: string;
}

/** Where the image is pushed and how the workflow logs in. */
export interface RegistryPlan {
  /** Registry host (`ghcr.io`, `docker.io`, `123.dkr.ecr.eu-west-1.amazonaws.com`). */
  readonly host: string;
  /** Whether it is GHCR (login with `GITHUB_TOKEN`, `packages: write`). */
  readonly ghcr: boolean;
  /** Secret holding the user name; undefined: `github.actor`. */
  readonly usernameSecret?: string;
  /** Secret holding the password/token. */
  readonly passwordSecret: string;
}

/** A build argument and its value in CI (a GitHub expression). */
export interface BuildArgPlan {
  /** `ARG` name in the Dockerfile. */
  readonly name: string;
  /** Value in the workflow (GitHub expression); `docker:build` leaves the Dockerfile's default. */
  readonly ciValue: string;
}

/** A build secret and where its value comes from. */
export interface BuildSecretPlan {
  /** Secret id (`--secret id=<id>`). */
  readonly id: string;
  /** GitHub secret / local environment variable holding the value. */
  readonly source: string;
  /** Whether the build fails without it. */
  readonly required: boolean;
}

/**
 * Everything the workflow and the local docker tasks need, resolved and validated.
 */
export interface PipelinePlan {
  /** Whether the workflow is generated. */
  readonly workflow: boolean;
  /** Workflow name (also its file name without `.yml`). */
  readonly workflowName: string;
  /** Files the workflow renderer writes, relative to the project root. */
  readonly workflowFiles: string[];
  /** Image repository without tag; undefined: `ghcr.io/<github.repository>` lower-cased at run time. */
  readonly imageName?: string;
  /** Base of cache scopes and cache refs (`<cacheScope>-<platform slug>`). */
  readonly cacheScope: string;
  /** Registry login. */
  readonly registry: RegistryPlan;
  /** Target platforms, in option order. */
  readonly platforms: PlatformPlan[];
  /** How the platforms are built (one platform: the native runner, no strategy applies). */
  readonly multiArchStrategy?: MultiArchStrategy;
  /** The platform the single build job runs on natively (and E2E-tests) when there is no per-platform matrix. */
  readonly nativePlatform: PlatformPlan;
  /** Layer cache backend. */
  readonly cacheBackend: CacheBackend;
  /** Whether BuildKit cache mounts are persisted (buildkit-cache-dance). */
  readonly persistCacheMounts: boolean;
  /** Cache mounts persisted with `persistCacheMounts`. */
  readonly cacheMounts: ImageCacheMount[];
  /** Branches whose pushes build and push. */
  readonly branches: string[];
  /** Whether `v*` tags trigger the workflow. */
  readonly versionTags: boolean;
  /** Whether pull requests build and test. */
  readonly pullRequests: boolean;
  /** Whether the image is pushed (never on pull requests). */
  readonly push: boolean;
  /** BuildKit provenance on the pushed image. */
  readonly provenance: boolean;
  /** BuildKit SBOM on the pushed image. */
  readonly sbom: boolean;
  /** `actions/attest-build-provenance` on the pushed digest. */
  readonly attestProvenance: boolean;
  /** cosign keyless signing of the pushed digest. */
  readonly sign: boolean;
  /** Drift-check job. */
  readonly driftCheck: boolean;
  /** How actions are pinned. */
  readonly actionPinning: ActionPinning;
  /** `uses:` reference of every action, by `owner/action`. */
  readonly actions: { [action: string]: ResolvedActionRef };
  /** Build args for the OCI labels of the image. */
  readonly buildArgs: BuildArgPlan[];
  /** Build secrets and their sources. */
  readonly buildSecrets: BuildSecretPlan[];
  /** Dockerfile path relative to the project root. */
  readonly dockerfilePath: string;
  /** Build context relative to the project root. */
  readonly contextDir: string;
  /** Ports published by `docker:run`. */
  readonly ports: number[];
  /** Local tag used by `docker:build` / `docker:e2e` and by the CI load build. */
  readonly localTag: string;
  /** End-to-end test steps run against the built image. */
  readonly e2eSteps: E2eStep[];
}

/** Platforms the workflow builds (GitHub has hosted runners for both; Rust targets map 1:1). */
export const SUPPORTED_PLATFORMS = ['linux/amd64', 'linux/arm64'];

/** Resolves and validates the pipeline part of the build plan. Throws RustDockerError on bad input. */
export function resolvePipelinePlan(options: ImageWorkflowOptions, image: ImagePlan, projectName: string): PipelinePlan {
  const workflow = options.workflow ?? true;
  const workflowName = resolveWorkflowName(options.workflowName);
  const imageName = resolveImageName(options.imageName);
  const registry = resolveRegistry(options, imageName);
  const push = options.push ?? true;

  const platforms = resolvePlatforms(options);
  const multi = platforms.length > 1;
  const multiArchStrategy = multi ? options.multiArchStrategy ?? MultiArchStrategy.NATIVE_RUNNERS : undefined;
  if (multi && multiArchStrategy === MultiArchStrategy.CROSS_COMPILE && image.crossCompile === false) {
    throw RustDockerError.forOption('crossCompile', 'is false but multiArchStrategy is CROSS_COMPILE, which needs a cross-compiling Dockerfile',
      'Leave "crossCompile" unset (it follows the strategy) or pick the NATIVE_RUNNERS or QEMU strategy');
  }
  const nativePlatform = platforms.find(p => p.platform === 'linux/amd64') ?? platforms[0];

  const cacheBackend = options.cacheBackend ?? CacheBackend.GHA;
  assertEnum('cacheBackend', cacheBackend, CacheBackend, 'CacheBackend');
  const persistCacheMounts = options.persistCacheMounts ?? false;
  if (persistCacheMounts && image.dependencyCaching !== 'cache-mounts') {
    throw RustDockerError.forOption('persistCacheMounts', `is true but dependencyCaching is ${showValue(image.dependencyCaching)}, which has no BuildKit cache mounts to persist`,
      'Set "dependencyCaching" to DependencyCaching.CACHE_MOUNTS, or drop "persistCacheMounts" (layer caching already covers the other strategies)');
  }

  const branches = resolveBranches(options.branches);
  const versionTags = options.versionTags ?? true;
  const pullRequests = options.pullRequests ?? true;
  if (workflow && branches.length === 0 && !versionTags && !pullRequests) {
    throw RustDockerError.forOption('branches', 'is empty and versionTags and pullRequests are false, so the workflow would never run',
      'List at least one branch, or enable "versionTags" or "pullRequests", or set "workflow" to false');
  }

  const attestProvenance = options.attestProvenance ?? false;
  const sign = options.sign ?? false;
  if (!push && attestProvenance) {
    throw RustDockerError.forOption('attestProvenance', 'is true but push is false: only a pushed digest can be attested', 'Set "push" to true or drop "attestProvenance"');
  }
  if (!push && sign) {
    throw RustDockerError.forOption('sign', 'is true but push is false: only a pushed digest can be signed', 'Set "push" to true or drop "sign"');
  }

  const actionPinning = options.actionPinning ?? ActionPinning.MAJOR_VERSION;
  assertEnum('actionPinning', actionPinning, ActionPinning, 'ActionPinning');

  const localTag = resolveLocalTag(projectName);
  return {
    workflow,
    workflowName,
    workflowFiles: workflow ? [`.github/workflows/${workflowName}.yml`] : [],
    imageName,
    cacheScope: resolveCacheScope(imageName, projectName),
    registry,
    platforms,
    multiArchStrategy,
    nativePlatform,
    cacheBackend,
    persistCacheMounts,
    cacheMounts: persistCacheMounts ? image.cacheMounts : [],
    branches,
    versionTags,
    pullRequests,
    push,
    provenance: options.provenance ?? false,
    sbom: options.sbom ?? false,
    attestProvenance,
    sign,
    driftCheck: options.driftCheck ?? true,
    actionPinning,
    actions: resolveActionRefs(actionPinning, options.actionVersions),
    buildArgs: resolveBuildArgs(image),
    buildSecrets: image.buildSecrets.map(resolveBuildSecret),
    dockerfilePath: image.dockerfilePath,
    contextDir: image.contextDir,
    ports: image.ports,
    localTag,
    e2eSteps: resolveE2eSteps(options.e2e ?? {}),
  };
}

// ---------------------------------------------------------------------------------------------

const NO_EXPRESSIONS = 'GitHub expressions (`${{ }}`) are not allowed here: they would be expanded into a script before it runs (script injection)';

function assertNoExpression(option: string, value: string, fix: string): void {
  if (value.includes('${{')) {
    throw RustDockerError.forOption(option, `${showValue(value)} contains "\${{". ${NO_EXPRESSIONS}`, fix);
  }
  // YAML 1.1 readers (GitHub's, actionlint's) end a line at U+0085/U+2028/U+2029: in a `run: |` block the rest would become workflow keys
  if (/[\u0085\u2028\u2029]/.test(value)) {
    throw RustDockerError.forOption(option, `${showValue(value)} contains a Unicode line separator (U+0085, U+2028 or U+2029), which GitHub's YAML reader treats as a line break`, 'Remove the character');
  }
}

function assertString(option: string, value: unknown, fix: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw RustDockerError.forOption(option, `${showValue(value)} is empty or not a string`, fix);
  }
}

function assertEnum(option: string, value: unknown, enumObject: object, enumName: string): void {
  if (!Object.values(enumObject).includes(value)) {
    throw RustDockerError.forOption(option, `${showValue(value)} is not a ${enumName}`,
      `Use one of ${Object.keys(enumObject).map(k => `${enumName}.${k}`).join(', ')}`);
  }
}

function resolveWorkflowName(name: string | undefined): string {
  const value = name ?? 'docker';
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value) || /\.ya?ml$/.test(value)) {
    throw RustDockerError.forOption('workflowName', `${showValue(value)} is not a workflow file name`,
      'Give a name of letters, digits, ".", "_" or "-" without ".yml", e.g. "docker"');
  }
  return value;
}

const HOST = '(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::[0-9]+)?)';
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_NAME = new RegExp(`^(?:${HOST}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);

function resolveImageName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const fix = 'Give the repository without tag in lower case, e.g. "ghcr.io/acme/api", or leave it unset for ghcr.io/<owner>/<repo>';
  assertString('imageName', name, fix);
  assertNoExpression('imageName', name, fix);
  if (name !== name.toLowerCase()) {
    throw RustDockerError.forOption('imageName', `${showValue(name)} has upper-case letters, which image references do not allow`, `Use ${showValue(name.toLowerCase())}`);
  }
  if (/[@]|:[^/]*$/.test(name.replace(/^[^/]*\//, ''))) {
    throw RustDockerError.forOption('imageName', `${showValue(name)} has a tag or digest`, 'Give the repository only: the workflow computes the tags (branch, PR, semver, sha)');
  }
  if (!IMAGE_NAME.test(name)) {
    throw RustDockerError.forOption('imageName', `${showValue(name)} is not a valid image repository`, fix);
  }
  return name;
}

function registryOf(imageName: string): string {
  const first = imageName.split('/')[0];
  if (imageName.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first;
  return 'docker.io';
}

const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function assertSecretName(option: string, value: string): void {
  if (typeof value !== 'string' || !SECRET_NAME.test(value) || (/^GITHUB_/i.test(value) && value !== 'GITHUB_TOKEN')) {
    throw RustDockerError.forOption(option, `${showValue(value)} is not a GitHub secret name`,
      'Give the name of a repository or organization secret (letters, digits and "_", not starting with a digit or "GITHUB_"), e.g. "REGISTRY_TOKEN"');
  }
}

function resolveRegistry(options: ImageWorkflowOptions, imageName: string | undefined): RegistryPlan {
  const derived = imageName ? registryOf(imageName) : 'ghcr.io';
  let host = derived;
  if (options.registry !== undefined) {
    assertString('registry', options.registry, 'Give a registry host such as "ghcr.io"');
    const given = options.registry.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/$/, '');
    if (given.includes('${{') || !new RegExp(`^${HOST}$`).test(given)) {
      throw RustDockerError.forOption('registry', `${showValue(options.registry)} is not a registry host`, 'Give a host such as "ghcr.io" or "123456789012.dkr.ecr.eu-west-1.amazonaws.com"');
    }
    const dockerHub = (h: string) => (h === 'index.docker.io' || h === 'registry-1.docker.io' ? 'docker.io' : h);
    if (imageName === undefined && dockerHub(given) !== 'ghcr.io') {
      throw RustDockerError.forOption('imageName', `is unset, so the image is ghcr.io/<owner>/<repo>, but registry is ${showValue(options.registry)}`,
        `Set "imageName" to the repository in that registry, e.g. "${given}/<name>"`);
    }
    if (imageName !== undefined && dockerHub(given) !== derived) {
      throw RustDockerError.forOption('registry', `${showValue(options.registry)} does not match the registry of imageName ${showValue(imageName)} (${derived})`,
        'Leave "registry" unset (it is derived from "imageName") or make them agree');
    }
    host = dockerHub(given);
  }
  const ghcr = host === 'ghcr.io';
  if (options.registryUsernameSecret !== undefined) assertSecretName('registryUsernameSecret', options.registryUsernameSecret);
  if (options.registryPasswordSecret !== undefined) assertSecretName('registryPasswordSecret', options.registryPasswordSecret);
  const push = options.push ?? true;
  if (!ghcr && push && (options.registryPasswordSecret === undefined || options.registryUsernameSecret === undefined)) {
    const missing = options.registryUsernameSecret === undefined ? 'registryUsernameSecret' : 'registryPasswordSecret';
    throw RustDockerError.forOption(missing, `is required to push to ${host} (GITHUB_TOKEN only logs in to ghcr.io)`,
      'Name the GitHub secrets holding the registry user and token in "registryUsernameSecret" and "registryPasswordSecret"');
  }
  return {
    host,
    ghcr,
    usernameSecret: options.registryUsernameSecret,
    passwordSecret: options.registryPasswordSecret ?? 'GITHUB_TOKEN',
  };
}

function resolvePlatforms(options: ImageWorkflowOptions): PlatformPlan[] {
  const platforms = options.platforms ?? ['linux/amd64'];
  if (!Array.isArray(platforms) || platforms.length === 0) {
    throw RustDockerError.forOption('platforms', `${showValue(platforms)} lists no platform`, 'Give at least one of "linux/amd64", "linux/arm64"');
  }
  const seen = new Set<string>();
  const result: PlatformPlan[] = [];
  const amd64Runner = resolveRunner('amd64Runner', options.amd64Runner, 'ubuntu-24.04');
  const arm64Runner = resolveRunner('arm64Runner', options.arm64Runner, 'ubuntu-24.04-arm');
  for (const platform of platforms) {
    if (!SUPPORTED_PLATFORMS.includes(platform)) {
      throw RustDockerError.forOption('platforms', `${showValue(platform)} is not supported`,
        'Use "linux/amd64" and/or "linux/arm64": GitHub has hosted runners for exactly these two, and the Dockerfile maps each to a Rust target');
    }
    if (seen.has(platform)) {
      throw RustDockerError.forOption('platforms', `${showValue(platform)} is listed twice`, 'List each platform once');
    }
    seen.add(platform);
    result.push({
      platform,
      slug: platform.replace('/', '-'),
      runner: platform === 'linux/amd64' ? amd64Runner : arm64Runner,
    });
  }
  if (result.length > 1 && options.multiArchStrategy !== undefined) {
    assertEnum('multiArchStrategy', options.multiArchStrategy, MultiArchStrategy, 'MultiArchStrategy');
  }
  return result;
}

function resolveRunner(option: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  assertString(option, value, `Give a runner label, e.g. "${fallback}"`);
  assertNoExpression(option, value, `Give a literal runner label, e.g. "${fallback}"`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(value)) {
    throw RustDockerError.forOption(option, `${showValue(value)} is not a runner label`, `Give a runner label, e.g. "${fallback}"`);
  }
  return value;
}

function resolveBranches(branches: string[] | undefined): string[] {
  const value = branches ?? ['main'];
  if (!Array.isArray(value)) {
    throw RustDockerError.forOption('branches', `${showValue(value)} is not a list`, 'Give branch names, e.g. ["main"]');
  }
  for (const branch of value) {
    assertString('branches', branch, 'Give branch names or glob patterns, e.g. ["main", "release/*"]');
    assertNoExpression('branches', branch, 'Give literal branch names or glob patterns');
    // git check-ref-format's forbidden characters, plus every control and Unicode space/separator (YAML readers treat U+0085 as a line break)
    const literal = branch.replace(/\*+/g, '');
    if (/[\s\p{Cc}\p{Z}~^:?\\[]/u.test(literal) || branch.startsWith('-') || branch.startsWith('/') || branch.endsWith('/')
      || /\/\/|\.\.|@\{|\/\./.test(branch) || branch.startsWith('.') || branch.endsWith('.') || branch.endsWith('.lock')) {
      throw RustDockerError.forOption('branches', `${showValue(branch)} is not a branch name or pattern`, 'Give branch names or glob patterns, e.g. ["main", "release/*"]');
    }
  }
  return [...value];
}

function resolveCacheScope(imageName: string | undefined, projectName: string): string {
  const base = imageName ? imageName.split('/').slice(registryOf(imageName) === 'docker.io' && !imageName.startsWith('docker.io/') ? 0 : 1).join('/') : projectName;
  return sanitizeName(base) || 'image';
}

/** A valid image name component / cache scope: lower-case alphanumerics joined by single dashes. */
function sanitizeName(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

function resolveLocalTag(projectName: string): string {
  const name = sanitizeName(projectName) || 'image';
  return `${name}:local`;
}

/**
 * The Dockerfile declares an `ARG` per OCI label; CI passes metadata-action's value of that label
 * (source, revision, version, created…), so the image's own labels match the pushed ones.
 */
function resolveBuildArgs(image: ImagePlan): BuildArgPlan[] {
  return Object.entries(image.labelBuildArgs).filter(([label, name]) => /^[A-Za-z0-9._/-]+$/.test(label) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)).map(([label, name]) => ({
    name,
    ciValue: `\${{ fromJSON(steps.meta.outputs.json).labels['${label}'] }}`,
  }));
}

function resolveBuildSecret(secret: BuildSecret, index: number): BuildSecretPlan {
  const option = `buildSecrets[${index}].githubSecret`;
  const source = secret.githubSecret ?? secret.id.toUpperCase().replace(/[-.]/g, '_');
  if (!SECRET_NAME.test(source) || /^GITHUB_/i.test(source)) {
    throw RustDockerError.forOption(option, `${showValue(source)} (for secret id ${showValue(secret.id)}) is not a GitHub secret name`,
      'Set "githubSecret" to the name of the repository secret holding the value (letters, digits and "_", not starting with "GITHUB_")');
  }
  return { id: secret.id, source, required: secret.required ?? false };
}

// ---------------------------------------------------------------------------------------------
// E2E

function resolveE2eSteps(e2e: ImageE2eOptions): E2eStep[] {
  const timeoutMinutes = e2e.timeoutMinutes ?? 10;
  if (!Number.isInteger(timeoutMinutes) || timeoutMinutes < 1 || timeoutMinutes > 360) {
    throw RustDockerError.forOption('e2e.timeoutMinutes', `${showValue(timeoutMinutes)} is not a number of minutes from 1 to 360`, 'Give a whole number of minutes, e.g. 10');
  }
  const steps: Array<Omit<E2eStep, 'timeoutMinutes'> & { timeoutMinutes?: number }> = [];
  const smokeSeconds = e2e.smokeSeconds ?? 10;
  if (!Number.isInteger(smokeSeconds) || smokeSeconds < 1 || smokeSeconds > 600) {
    throw RustDockerError.forOption('e2e.smokeSeconds', `${showValue(smokeSeconds)} is not a number of seconds from 1 to 600`, 'Give a whole number of seconds, e.g. 10');
  }
  if (e2e.smokeTest ?? true) steps.push(smokeStep(e2e.smokeArgs ?? [], smokeSeconds));
  (e2e.commands ?? []).forEach((command, i) => {
    const option = `e2e.commands[${i}]`;
    assertString(option, command, 'Give a shell command that uses "$IMAGE", e.g. "docker run --rm \\"$IMAGE\\" --help"');
    assertNoExpression(option, command, 'Read values from the environment instead ($IMAGE is the image under test)');
    steps.push({ name: `E2E command ${i + 1}`, run: script([command.replace(/\s+$/, '')]) });
  });
  if (e2e.httpProbe) steps.push(httpProbeStep(e2e));
  if (e2e.composeFile !== undefined || e2e.composeService !== undefined) steps.push(composeStep(e2e));
  return steps.map(step => ({ ...step, timeoutMinutes: Math.max(timeoutMinutes, step.timeoutMinutes ?? 0) }));
}

function script(lines: string[]): string {
  return ['set -eu', ...lines].join('\n') + '\n';
}

function assertWords(option: string, words: unknown): asserts words is string[] {
  if (!Array.isArray(words)) {
    throw RustDockerError.forOption(option, `${showValue(words)} is not a list`, 'Give the arguments as a list of strings');
  }
  words.forEach((word, i) => {
    if (typeof word !== 'string') {
      throw RustDockerError.forOption(`${option}[${i}]`, `${showValue(word)} is not a string`, 'Give the arguments as strings');
    }
    assertNoExpression(`${option}[${i}]`, word, 'Give a literal argument');
  });
}

/**
 * The start of a script that runs one detached container named `$name` (unique: pid + 32 random
 * bits, so a concurrent run on a shared engine never removes ours) and always removes it: on
 * success, failure, `set -e` exits and cancellation (HUP/INT/TERM become exits, so the EXIT trap
 * runs in sh as in bash; the cleanup itself ignores signals, SIGPIPE and errors). `showLogs`:
 * `docker logs` on failure only, or always.
 */
function containerScriptHead(prefix: string, showLogs: 'on-failure' | 'always'): string[] {
  const logs = ['  echo "container logs:"', '  docker logs "$name"'];
  return [
    `name="${prefix}-$$-$(od -An -N4 -tx4 /dev/urandom | tr -d ' \\n')"`,
    'cleanup() {',
    '  status=$?',
    // neither a second signal nor a closed output (SIGPIPE, a write error under set -e) may stop the removal
    '  trap \'\' HUP INT TERM PIPE',
    '  set +e',
    ...(showLogs === 'always' ? logs : ['  if [ "$status" -ne 0 ]; then', ...logs.map(l => `  ${l}`), '  fi']),
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
 * The default smoke test: the container runs detached without network; it passes when it exits 0
 * (a `--version`-style command) or is still running after `seconds` (a server), and fails when it
 * exits non-zero (a crash at start: missing library, bad config), with its logs and exit code.
 */
function smokeStep(args: string[], seconds: number): Omit<E2eStep, 'timeoutMinutes'> & { timeoutMinutes: number } {
  assertWords('e2e.smokeArgs', args);
  return {
    name: 'E2E smoke test',
    // the smoke deadline, plus time to start and clean up
    timeoutMinutes: Math.ceil(seconds / 60) + 2,
    run: script([
      ...containerScriptHead('e2e-smoke', 'always'),
      `docker run -d --network=none --name "$name" "$IMAGE"${args.map(a => ` ${shellQuote(a)}`).join('')} >/dev/null`,
      `deadline=$(( $(date +%s) + ${seconds} ))`,
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
      `    echo "ok: the container is still running after ${seconds}s"`,
      '    exit 0',
      '  fi',
      '  sleep 1',
      'done',
    ]),
  };
}

function httpProbeStep(e2e: ImageE2eOptions): Omit<E2eStep, 'timeoutMinutes'> & { timeoutMinutes: number } {
  const probe = e2e.httpProbe!;
  const port = probe.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw RustDockerError.forOption('e2e.httpProbe.port', `${showValue(port)} is not a TCP port`, 'Give the container port as an integer from 1 to 65535');
  }
  const probePath = probe.path ?? '/';
  if (typeof probePath !== 'string' || !/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*$/.test(probePath) || probePath.includes('${{')) {
    throw RustDockerError.forOption('e2e.httpProbe.path', `${showValue(probePath)} is not a URL path`, 'Give a path starting with "/", e.g. "/healthz"');
  }
  const timeout = probe.timeoutSeconds ?? 30;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 3600) {
    throw RustDockerError.forOption('e2e.httpProbe.timeoutSeconds', `${showValue(timeout)} is not a number of seconds from 1 to 3600`, 'Give a whole number of seconds, e.g. 30');
  }
  const args = probe.args ?? [];
  assertWords('e2e.httpProbe.args', args);
  const envFlags: string[] = [];
  for (const [name, value] of Object.entries(probe.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw RustDockerError.forOption(`e2e.httpProbe.env.${name}`, `${showValue(name)} is not an environment variable name`, 'Use letters, digits and "_", not starting with a digit');
    }
    if (typeof value !== 'string') {
      throw RustDockerError.forOption(`e2e.httpProbe.env.${name}`, `${showValue(value)} is not a string`, 'Give the value as a string');
    }
    assertNoExpression(`e2e.httpProbe.env.${name}`, value, 'Give a literal value');
    envFlags.push(` -e ${shellQuote(`${name}=${value}`)}`);
  }
  const url = `http://127.0.0.1:${port}${probePath}`;
  return {
    name: `E2E HTTP probe ${probePath} on port ${port}`,
    // the probe's own deadline, plus time to start and clean up
    timeoutMinutes: Math.ceil(timeout / 60) + 2,
    // host networking, not `-p`: publishing needs a bridge network, which some engines lack
    run: script([
      ...containerScriptHead(`e2e-http-${port}`, 'on-failure'),
      `docker run -d --network=host --name "$name"${envFlags.join('')} "$IMAGE"${args.map(a => ` ${shellQuote(a)}`).join('')} >/dev/null`,
      `deadline=$(( $(date +%s) + ${timeout} ))`,
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
      `    echo ${shellQuote(`error: ${url} did not answer with a 2xx status within ${timeout}s`)} >&2`,
      '    exit 1',
      '  fi',
      '  sleep 1',
      'done',
      `echo ${shellQuote(`ok: ${url} answered`)}`,
    ]),
  };
}

function composeStep(e2e: ImageE2eOptions): Omit<E2eStep, 'timeoutMinutes'> {
  if (e2e.composeFile === undefined) {
    throw RustDockerError.forOption('e2e.composeService', 'is set without composeFile', 'Set "e2e.composeFile" to the compose file, or drop "e2e.composeService"');
  }
  const file = e2e.composeFile;
  assertString('e2e.composeFile', file, 'Give the compose file path relative to the project root, e.g. "compose.e2e.yaml"');
  assertNoExpression('e2e.composeFile', file, 'Give a literal path');
  if (file.startsWith('/') || file.split(/[\\/]/).includes('..') || file.includes('\n')) {
    throw RustDockerError.forOption('e2e.composeFile', `${showValue(file)} is not a path inside the project`, 'Give the compose file path relative to the project root, e.g. "compose.e2e.yaml"');
  }
  const service = e2e.composeService;
  if (service === undefined) {
    throw RustDockerError.forOption('e2e.composeService', `is required with composeFile ${showValue(file)}`, 'Name the compose service whose exit code decides the test (its command runs the checks)');
  }
  if (typeof service !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(service)) {
    throw RustDockerError.forOption('e2e.composeService', `${showValue(service)} is not a compose service name`, 'Give a service name of letters, digits, "_", "." or "-"');
  }
  const compose = `docker compose -f ${shellQuote(file)}`;
  return {
    name: `E2E compose ${service}`,
    run: script([
      'cleanup() {',
      '  status=$?',
      `  IMAGE="$IMAGE" ${compose} down --volumes --remove-orphans || true`,
      '  exit "$status"',
      '}',
      'trap cleanup EXIT',
      `IMAGE="$IMAGE" ${compose} up --abort-on-container-exit --exit-code-from ${shellQuote(service)}`,
    ]),
  };
}
