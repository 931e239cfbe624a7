import * as path from 'path';
import { resolveActionRefs, ResolvedActionRef } from './action-versions';
import { CROSS_ARCHES, ImageCacheMount } from './builder-plan';
import { ImagePlan } from './image-plan';
import { resolveRunnerBuildPlan, RunnerBuildPlan } from './runner-build-plan';
import { DEFAULT_RUNNERS } from './runner-support';
import { ErrorCollector, RustDockerError, showValue } from '../errors';
import { ActionPinning, CacheBackend, DependencyCaching, MultiArchStrategy, PullRequestCache, VulnerabilitySeverity, WorkflowSettings } from '../settings';
import { checkNoExpression, checkString, isGithubSecretName, isImageRepository, isNameToken, isRegistryHost } from '../validators';

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

/** `attestSbom`: the SBOM of the crates attested for the pushed digest. */
export interface CrateSbomPlan {
  /** The `Cargo.lock` the SBOM lists, relative to the repository root. */
  readonly lockFile: string;
}

/** `vulnerabilityGate`: a scan of every loaded image before any push. */
export interface VulnerabilityGatePlan {
  /** The lowest severity that fails the job. */
  readonly severity: VulnerabilitySeverity;
  /** Whether only vulnerabilities with a fix count (always true: an unfixed one cannot be acted on by a rebuild). */
  readonly onlyFixed: boolean;
}

/** The GitHub image workflow: triggers, registry, platforms, caches, supply chain, actions. */
export interface WorkflowPlan {
  /** Workflow name (also its file name without `.yml`). */
  readonly name: string;
  /** The workflow file, relative to the project root. */
  readonly file: string;
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
  /** BuildKit cache mounts persisted across runs (buildkit-cache-dance); undefined: not persisted. */
  readonly persistedCacheMounts?: ImageCacheMount[];
  /** What pull-request builds do with the layer cache (pushes to the branches and the schedule write it, tags only read it). */
  readonly pullRequestCache: PullRequestCache;
  /** Cron expression of the scheduled rebuild of the default branch; undefined: no scheduled rebuild. */
  readonly rebuildCron?: string;
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
  /** `actions/attest-build-provenance` on the pushed digest (skipped with a notice on non-public repositories unless `attestPrivateRepos`). */
  readonly attestProvenance: boolean;
  /** Attest on private and internal repositories too (their plan stores attestations). */
  readonly attestPrivateRepos: boolean;
  /** The crate SBOM attested for the pushed digest; undefined: none. */
  readonly crateSbom?: CrateSbomPlan;
  /** The vulnerability gate before any push; undefined: none. */
  readonly vulnerabilityGate?: VulnerabilityGatePlan;
  /** cosign keyless signing of the pushed digest. */
  readonly sign: boolean;
  /** Drift-check job. */
  readonly driftCheck: boolean;
  /** How actions are pinned. */
  readonly actionPinning: ActionPinning;
  /** `uses:` reference of every action, by `owner/action`. */
  readonly actions: { [action: string]: ResolvedActionRef };
  /** Whether checkouts fetch git submodules (recursively): the repository has some, and the build or the synth may read them. */
  readonly checkoutSubmodules: boolean;
  /** DependencyCaching.RUNNER: the binaries' build on the runner, before the image build; undefined for the other strategies. */
  readonly runnerBuild?: RunnerBuildPlan;
}

/** Platforms the workflow builds: those with a Rust target (GitHub has hosted runners for both). */
export const SUPPORTED_PLATFORMS = Object.keys(CROSS_ARCHES).map(arch => `linux/${arch}`);

/**
 * Resolves and validates the workflow. `image` is undefined when the image part failed (its
 * errors are recorded already): the checks that depend on it are skipped. Every bad option is
 * recorded in `errors`.
 */
export function resolveWorkflowPlan(
  options: WorkflowSettings, image: ImagePlan | undefined, projectName: string, errors: ErrorCollector,
): WorkflowPlan {
  const name = errors.attempt(() => resolveWorkflowName(options.workflowName), 'docker');
  const imageName = errors.attempt(() => resolveImageName(options.imageName), undefined);
  const registry = errors.attempt(() => resolveRegistry(options, imageName), { host: 'ghcr.io', ghcr: true, passwordSecret: 'GITHUB_TOKEN' });
  const push = options.push ?? true;

  const platforms = errors.attempt(() => resolvePlatforms(options), [{ platform: 'linux/amd64', slug: 'linux-amd64', runner: DEFAULT_RUNNERS.amd64 }]);
  const multiArchStrategy = platforms.length > 1 ? options.multiArchStrategy ?? MultiArchStrategy.NATIVE_RUNNERS : undefined;
  errors.attempt(() => {
    if (multiArchStrategy === MultiArchStrategy.CROSS_COMPILE && image?.builder.crossCompile === false) {
      throw RustDockerError.forOption('crossCompile', 'is false but multiArchStrategy is CROSS_COMPILE, which needs a cross-compiling Dockerfile',
        'Leave "crossCompile" unset (it follows the strategy) or pick the NATIVE_RUNNERS or QEMU strategy');
    }
  }, undefined);

  const persistCacheMounts = options.persistCacheMounts ?? false;
  const caching = image?.builder.dependencyCaching;
  errors.attempt(() => {
    if (persistCacheMounts && caching !== undefined && caching !== DependencyCaching.CACHE_MOUNTS) {
      throw RustDockerError.forOption('persistCacheMounts', `is true but dependencyCaching is ${showValue(caching)}, which has no BuildKit cache mounts to persist`,
        'Set "dependencyCaching" to DependencyCaching.CACHE_MOUNTS, or drop "persistCacheMounts" (layer caching already covers the other strategies)');
    }
  }, undefined);

  const branches = errors.attempt(() => resolveBranches(options.branches), []);
  const versionTags = options.versionTags ?? true;
  const pullRequests = options.pullRequests ?? true;
  errors.attempt(() => {
    if ((options.workflow ?? true) && branches.length === 0 && !versionTags && !pullRequests) {
      throw RustDockerError.forOption('branches', 'is empty and versionTags and pullRequests are false, so the workflow would never run',
        'List at least one branch, or enable "versionTags" or "pullRequests", or set "workflow" to false');
    }
  }, undefined);

  const cacheBackend = options.cacheBackend ?? CacheBackend.GHA;
  const pullRequestCache = options.pullRequestCache ?? PullRequestCache.READ_ONLY;
  errors.attempt(() => {
    if (pullRequestCache === PullRequestCache.OWN_SCOPE && cacheBackend !== CacheBackend.GHA) {
      throw RustDockerError.forOption('pullRequestCache', `is OWN_SCOPE but cacheBackend is ${showValue(cacheBackend)}: only the GHA cache can be written without registry credentials, which pull requests never get`,
        'Use CacheBackend.GHA, or leave "pullRequestCache" at READ_ONLY');
    }
  }, undefined);
  const rebuildCron = errors.attempt(() => resolveRebuild(options, push, branches), undefined);

  const attestProvenance = options.attestProvenance ?? false;
  const sign = options.sign ?? false;
  errors.attempt(() => {
    if (!push && attestProvenance) {
      throw RustDockerError.forOption('attestProvenance', 'is true but push is false: only a pushed digest can be attested', 'Set "push" to true or drop "attestProvenance"');
    }
  }, undefined);
  errors.attempt(() => {
    if (!push && sign) {
      throw RustDockerError.forOption('sign', 'is true but push is false: only a pushed digest can be signed', 'Set "push" to true or drop "sign"');
    }
  }, undefined);

  const crateSbom = errors.attempt(() => resolveCrateSbom(options, push, attestProvenance, image), undefined);

  const cacheScope = resolveCacheScope(imageName, projectName);
  // without a workflow, RUNNER's Dockerfile builds alone (its CARGO_CHEF stages): there is no runner build to check
  const runnerBuild = image === undefined || !(options.workflow ?? true) ? undefined
    : resolveRunnerBuildPlan(image, { platforms, multiArchStrategy, cacheScope });

  const actionPinning = options.actionPinning ?? ActionPinning.COMMIT_SHA;
  return {
    name,
    file: `.github/workflows/${name}.yml`,
    imageName,
    cacheScope,
    registry,
    platforms,
    multiArchStrategy,
    nativePlatform: platforms.find(p => p.platform === 'linux/amd64') ?? platforms[0],
    cacheBackend,
    persistedCacheMounts: persistCacheMounts ? image?.builder.cacheMounts ?? [] : undefined,
    pullRequestCache,
    rebuildCron,
    branches,
    versionTags,
    pullRequests,
    push,
    provenance: options.provenance ?? true,
    sbom: options.sbom ?? false,
    attestProvenance,
    attestPrivateRepos: options.attestPrivateRepos ?? false,
    crateSbom,
    vulnerabilityGate: options.vulnerabilityGate === undefined ? undefined : { severity: options.vulnerabilityGate, onlyFixed: true },
    sign,
    driftCheck: options.driftCheck ?? true,
    actionPinning,
    actions: errors.attempt(() => resolveActionRefs(actionPinning, options.actionVersions), resolveActionRefs(actionPinning)),
    checkoutSubmodules: (image?.context.submodules.length ?? 0) > 0,
    runnerBuild,
  };
}

/** `attestSbom`: on when asked for, else with `attestProvenance` when there is a Cargo.lock to list. */
function resolveCrateSbom(
  options: WorkflowSettings, push: boolean, attestProvenance: boolean, image: ImagePlan | undefined,
): CrateSbomPlan | undefined {
  const lockFile = path.posix.join(image?.context.dir ?? '.', 'Cargo.lock');
  const locked = image?.cargo.locked ?? true;
  if (options.attestSbom === undefined) return attestProvenance && push && locked ? { lockFile } : undefined;
  if (!options.attestSbom) return undefined;
  if (!push) throw RustDockerError.forOption('attestSbom', 'is true but push is false: only a pushed digest can be attested', 'Set "push" to true or drop "attestSbom"');
  if (!locked) {
    throw RustDockerError.forOption('attestSbom', `is true but there is no Cargo.lock (${lockFile}) to list the crates of`,
      'Run "cargo generate-lockfile" and commit Cargo.lock, or drop "attestSbom"');
  }
  return { lockFile };
}

function resolveWorkflowName(name: string | undefined): string {
  const value = name ?? 'docker';
  if (!isNameToken(value) || /\.ya?ml$/.test(value)) {
    throw RustDockerError.forOption('workflowName', `${showValue(value)} is not a workflow file name`,
      'Give a name of letters, digits, ".", "_" or "-" without ".yml", e.g. "docker"');
  }
  return value;
}

function resolveImageName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const fix = 'Give the repository without tag in lower case, e.g. "ghcr.io/acme/api", or leave it unset for ghcr.io/<owner>/<repo>';
  checkString('imageName', name, fix);
  checkNoExpression('imageName', name, fix);
  if (name !== name.toLowerCase()) {
    throw RustDockerError.forOption('imageName', `${showValue(name)} has upper-case letters, which image references do not allow`, `Use ${showValue(name.toLowerCase())}`);
  }
  if (/[@]|:[^/]*$/.test(name.replace(/^[^/]*\//, ''))) {
    throw RustDockerError.forOption('imageName', `${showValue(name)} has a tag or digest`, 'Give the repository only: the workflow computes the tags (branch, PR, semver, sha)');
  }
  if (!isImageRepository(name)) {
    throw RustDockerError.forOption('imageName', `${showValue(name)} is not a valid image repository`, fix);
  }
  return name;
}

function registryOf(imageName: string): string {
  const first = imageName.split('/')[0];
  if (imageName.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first;
  return 'docker.io';
}

function checkSecretName(option: string, value: string): void {
  if (!isGithubSecretName(value)) {
    throw RustDockerError.forOption(option, `${showValue(value)} is not a GitHub secret name`,
      'Give the name of a repository or organization secret (letters, digits and "_", not starting with a digit or "GITHUB_"), e.g. "REGISTRY_TOKEN"');
  }
}

function resolveRegistry(options: WorkflowSettings, imageName: string | undefined): RegistryPlan {
  const derived = imageName ? registryOf(imageName) : 'ghcr.io';
  let host = derived;
  if (options.registry !== undefined) {
    checkString('registry', options.registry, 'Give a registry host such as "ghcr.io"');
    const given = options.registry.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/$/, '');
    if (!isRegistryHost(given)) {
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
  if (options.registryUsernameSecret !== undefined) checkSecretName('registryUsernameSecret', options.registryUsernameSecret);
  if (options.registryPasswordSecret !== undefined) checkSecretName('registryPasswordSecret', options.registryPasswordSecret);
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

function resolvePlatforms(options: WorkflowSettings): PlatformPlan[] {
  const platforms = options.platforms ?? ['linux/amd64'];
  if (platforms.length === 0) {
    throw RustDockerError.forOption('platforms', `${showValue(platforms)} lists no platform`, 'Give at least one of "linux/amd64", "linux/arm64"');
  }
  const seen = new Set<string>();
  const result: PlatformPlan[] = [];
  const amd64Runner = resolveRunner('amd64Runner', options.amd64Runner, DEFAULT_RUNNERS.amd64);
  const arm64Runner = resolveRunner('arm64Runner', options.arm64Runner, DEFAULT_RUNNERS.arm64);
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
  return result;
}

function resolveRunner(option: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  checkString(option, value, `Give a runner label, e.g. "${fallback}"`);
  checkNoExpression(option, value, `Give a literal runner label, e.g. "${fallback}"`);
  if (!isNameToken(value)) {
    throw RustDockerError.forOption(option, `${showValue(value)} is not a runner label`, `Give a runner label, e.g. "${fallback}"`);
  }
  return value;
}

function resolveBranches(branches: string[] | undefined): string[] {
  const value = branches ?? ['main'];
  for (const branch of value) {
    checkString('branches', branch, 'Give branch names or glob patterns, e.g. ["main", "release/*"]');
    checkNoExpression('branches', branch, 'Give literal branch names or glob patterns');
    // git check-ref-format's forbidden characters, plus every control and Unicode space/separator (YAML readers treat U+0085 as a line break)
    const literal = branch.replace(/\*+/g, '');
    if (/[\s\p{Cc}\p{Z}~^:?\\[]/u.test(literal) || branch.startsWith('-') || branch.startsWith('/') || branch.endsWith('/')
      || /\/\/|\.\.|@\{|\/\./.test(branch) || branch.startsWith('.') || branch.endsWith('.') || branch.endsWith('.lock')) {
      throw RustDockerError.forOption('branches', `${showValue(branch)} is not a branch name or pattern`, 'Give branch names or glob patterns, e.g. ["main", "release/*"]');
    }
  }
  return [...value];
}

/** The default rebuild schedule: Mondays at 04:17 UTC (off the full hour, when GitHub's scheduler is busiest). */
export const DEFAULT_REBUILD_CRON = '17 4 * * 1';

/** The cron of the scheduled rebuild, or undefined when there is none. */
function resolveRebuild(options: WorkflowSettings, push: boolean, branches: string[]): string | undefined {
  const enabled = options.scheduledRebuild ?? (push && branches.length > 0);
  if (options.scheduledRebuild && !push) {
    throw RustDockerError.forOption('scheduledRebuild', 'is true but push is false: the rebuild exists to push a patched image',
      'Set "push" to true or drop "scheduledRebuild"');
  }
  if (options.scheduledRebuild && branches.length === 0) {
    throw RustDockerError.forOption('scheduledRebuild', 'is true but branches is empty: the rebuild pushes the default branch with the tags a push to it gets',
      'List the default branch in "branches", or set "scheduledRebuild" to false');
  }
  const cron = options.rebuildCron ?? DEFAULT_REBUILD_CRON;
  const fix = 'Give five cron fields (minute hour day-of-month month day-of-week, UTC), e.g. "17 4 * * 1"';
  checkString('rebuildCron', cron, fix);
  checkNoExpression('rebuildCron', cron, fix);
  const fields = cron.trim().split(/[ \t]+/);
  if (fields.length !== 5 || !fields.every(f => /^[0-9A-Za-z*,/-]+$/.test(f))) {
    throw RustDockerError.forOption('rebuildCron', `${showValue(cron)} is not a cron expression of five fields`, fix);
  }
  return enabled ? fields.join(' ') : undefined;
}

function resolveCacheScope(imageName: string | undefined, projectName: string): string {
  const base = imageName ? imageName.split('/').slice(registryOf(imageName) === 'docker.io' && !imageName.startsWith('docker.io/') ? 0 : 1).join('/') : projectName;
  return sanitizeName(base) || 'image';
}

/** A valid image name component / cache scope: lower-case alphanumerics joined by single dashes. */
export function sanitizeName(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}
