import { CargoBuildPlan } from './cargo-build-plan';
import { compareVersions, DEBIAN_RELEASES, ImageRelease, imageRelease } from './debian-release';
import { DEFAULT_RUNNERS, RunnerRefusal, runnerRefusals } from './runner-support';
import { resolveRuntimeBase, runtimeBaseFacts, runtimeImageOf, RuntimeLibc } from './runtime-plan';
import { officialRustVersion, resolveRustVersion, resolveToolchain, RustToolchainPlan } from './rust-toolchain-plan';
import { CargoWorkspaceFacts } from '../cargo/cargo-facts';
import { ErrorCollector, RustDockerError, showValue } from '../errors';
import { DebianRelease, DependencyCaching, DockerfileSettings, MultiArchStrategy, RuntimeBase, TargetLibc, WorkflowSettings } from '../settings';
import { checkImageReference, checkPackageList, checkVariableName, enumName, isGithubSecretName, isNameToken } from '../validators';

/** A BuildKit cache mount of the generated Dockerfile (`RUN --mount=type=cache,id=<id>,target=<target>`). */
export interface ImageCacheMount {
  /** Cache id; may contain `$TARGETPLATFORM` (expanded by BuildKit per platform). */
  readonly id: string;
  /** Mount target in the build container. */
  readonly target: string;
}

/** A build secret and where its value comes from. */
export interface BuildSecretPlan {
  /** Secret id (`--secret id=<id>`). */
  readonly id: string;
  /** Environment variable the secret is exposed as during cargo commands; undefined: a file at `/run/secrets/<id>`. */
  readonly env?: string;
  /** Whether the build fails without it. */
  readonly required: boolean;
  /** GitHub secret / local environment variable holding the value. */
  readonly source: string;
}

/** The cargo-chef stage's tool (CARGO_CHEF only). */
export interface ChefPlan {
  /** Image providing cargo-chef; undefined: the builder image, with cargo-chef installed into it. */
  readonly image?: string;
}

/**
 * cargo-auditable (`auditable`): installed in a stage of its own, then the final `cargo build`
 * becomes `cargo auditable build`, embedding the crate list in each binary (`.dep-v0`).
 */
export interface AuditablePlan {
  /** The cargo-auditable version `cargo install --locked` installs. */
  readonly version: string;
}

/**
 * RUNNER: how the image takes binaries built on the GitHub runner. The Dockerfile declares the global
 * `ARG <buildArg>` (default: its own builder stage) and a stage `FROM ${<buildArg>}`; the workflow sets
 * the arg to `context`, a named build context whose `out/` holds the binaries.
 */
export interface RunnerBinariesPlan {
  /** The global build arg naming where the binaries come from (`BINARIES`). */
  readonly buildArg: string;
  /** The named build context the workflow passes (`runner-binaries`): a folder with `out/<binary>`. */
  readonly context: string;
  /**
   * Image of the glibc-guard stage (a plain Debian image: perl reads the binaries): the guard may not start from the
   * builder stage, or BuildKit would build it even when the binaries come from the runner.
   */
  readonly guardImage: string;
}

/** RUNNER: the global build arg choosing where the binaries come from. */
export const RUNNER_BINARIES_ARG = 'BINARIES';
/** RUNNER: the named build context (a folder with `out/<binary>`) the workflow passes for the binaries. */
export const RUNNER_BINARIES_CONTEXT = 'runner-binaries';

/** The build stages: images, toolchain, target, packages, secrets and caches. */
export interface BuilderPlan {
  /** Strategy for dependency caching. */
  readonly dependencyCaching: DependencyCaching;
  /** "dependencyCaching" unset: why the strategy is not RUNNER (the first reason RUNNER cannot build this image). */
  readonly dependencyCachingReason?: string;
  /** Rust version of every build stage ("1.95", "1", …). */
  readonly rustVersion: string;
  /** Where `rustVersion` came from (for the summary). */
  readonly rustVersionSource: string;
  /** The toolchain the build stages use. */
  readonly toolchain: RustToolchainPlan;
  /** Debian release of the builder and runtime images. */
  readonly debianRelease: DebianRelease;
  /** Builder image (digest-pinned when configured). */
  readonly rustImage: string;
  /** cargo-chef (CARGO_CHEF, and RUNNER's stand-alone build). */
  readonly chef?: ChefPlan;
  /** RUNNER: the binaries may come from the runner (a named build context); undefined for the other strategies. */
  readonly runner?: RunnerBinariesPlan;
  /** cargo-auditable on the final build; undefined: plain `cargo build`. */
  readonly auditable?: AuditablePlan;
  /** Target C library. */
  readonly targetLibc: TargetLibc;
  /** Whether the build stages cross-compile from $BUILDPLATFORM. */
  readonly crossCompile: boolean;
  /** Whether cargo gets an explicit `--target` (MUSL or cross), computed in the builder into `/rust-target`. */
  readonly explicitTarget: boolean;
  /** apt packages of the build stages (musl-tools included for MUSL). */
  readonly packages: string[];
  /** Build secrets the build consumes. */
  readonly secrets: BuildSecretPlan[];
  /** Cache mounts on cargo commands: the registry and git db (CARGO_CHEF, SKELETON, CACHE_MOUNTS), plus `target/` (CACHE_MOUNTS) or SKELETON's copy of it. */
  readonly cacheMounts: ImageCacheMount[];
  /** Notes on the images' releases (Dockerfile header). */
  readonly releaseNotes: string[];
}

/** Architectures (docker `TARGETARCH`) the cross-compilation maps to a Rust target. */
export const CROSS_ARCHES: { [dockerArch: string]: string } = { amd64: 'x86_64', arm64: 'aarch64' };

/** Working directory of the build stages. */
export const BUILD_DIR = '/build';

/**
 * SKELETON: cache mount where the dependency build keeps a copy of `target/` on a long-lived builder,
 * so a dependency change recompiles only the new or changed crates (the layer still holds them all).
 */
export const DEPS_TARGET_CACHE = '/cache/target';

/** The cargo-auditable release the Dockerfile installs (checked: its `.dep-v0` section in the built binary, test/docker-e2e). */
export const CARGO_AUDITABLE_VERSION = '0.7.7';
/** The oldest Rust that builds it (`cargo install --locked`: its locked cargo_metadata 0.23 needs 1.86). */
export const CARGO_AUDITABLE_MIN_RUST = '1.86';

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const ALPINE_IMAGE = /(^|[:/-])alpine/;

/** The parts of the workflow settings the Dockerfile depends on (cross-compilation follows the multi-arch strategy). */
export type BuilderSettings = DockerfileSettings & Pick<WorkflowSettings, 'platforms' | 'multiArchStrategy' | 'workflow' | 'amd64Runner' | 'arm64Runner' | 'cacheBackend'>;

/** The builder part and the runtime image it must match; every bad option is recorded in `errors`. */
export interface BuilderResolution {
  readonly builder: BuilderPlan;
  readonly runtimeBase: RuntimeBase;
  /** The runtime image, digest-pinned when configured. */
  readonly runtimeImage: string;
}

/** Resolves the build stages' images and tools; every bad option is recorded in `errors`. */
export function resolveBuilderPlan(
  options: BuilderSettings, ws: CargoWorkspaceFacts, cargo: CargoBuildPlan, errors: ErrorCollector, imageNames: string[] = [],
): BuilderResolution {
  const debianRelease = options.debianRelease ?? DebianRelease.TRIXIE;
  const runtimeBase = errors.attempt(() => resolveRuntimeBase(options), RuntimeBase.DEBIAN_SLIM);
  const targetLibc = errors.attempt(() => resolveLibc(options, runtimeBase), TargetLibc.GNU);
  const crossCompile = resolveCrossCompile(options);
  const { codename } = DEBIAN_RELEASES[debianRelease];
  const refusals = runnerRefusals({
    workflow: options.workflow ?? true,
    cacheBackend: options.cacheBackend,
    imageNames,
    platforms: runnerPlatforms(options),
    multiArchStrategy: options.multiArchStrategy,
    crossCompile,
    crossFromStrategy: options.crossCompile === undefined,
    targetLibc,
    runtimeBase,
    runtimeImage: runtimeImageOf(options, runtimeBase, debianRelease),
    debianRelease,
    secrets: options.buildSecrets ?? [],
    lockNameClashes: ws.lockNameClashes,
  });
  const { dependencyCaching, dependencyCachingReason } = errors.attempt(
    () => resolveCaching(options, ws, refusals), { dependencyCaching: DependencyCaching.SKELETON } as ResolvedCaching);
  const { rustVersion, rustVersionSource } = errors.attempt(() => resolveRustVersion(options, ws), { rustVersion: '1', rustVersionSource: '' });

  const unpinnedRust = options.rustImage ?? `rust:${rustVersion}-slim-${codename}`;
  const rustImageValid = errors.attempt(() => checkImageReference('rustImage', unpinnedRust) !== undefined, false);
  const chef = errors.attempt(() => resolveChef(options, dependencyCaching, rustVersion, codename), undefined);
  const unpinnedRuntime = runtimeImageOf(options, runtimeBase, debianRelease);
  const runtimeImageValid = runtimeBase !== RuntimeBase.CUSTOM || errors.attempt(() => checkImageReference('runtimeImage', unpinnedRuntime) !== undefined, false);
  const runnerGuardImage = dependencyCaching === DependencyCaching.RUNNER && (options.glibcGuard ?? true) && runtimeBase !== RuntimeBase.SCRATCH
    ? `debian:${codename}-slim` : undefined;
  const usedImages = [unpinnedRust, ...(chef?.image ? [chef.image] : []), ...(runtimeBase === RuntimeBase.SCRATCH ? [] : [unpinnedRuntime]),
    ...(runnerGuardImage ? [runnerGuardImage] : [])];
  const digests = errors.attempt(() => resolveDigests(options.imageDigests, usedImages), {});
  const pin = (image: string) => (digests[image] ? `${image}@${digests[image]}` : image);

  const packages = errors.attempt(() => checkPackageList('buildPackages', options.buildPackages), []);
  if (targetLibc === TargetLibc.MUSL && !packages.includes('musl-tools')) packages.push('musl-tools');
  const builderImage = chef?.image ?? unpinnedRust;
  errors.attempt(() => {
    if (ALPINE_IMAGE.test(builderImage) && (packages.length > 0 || crossCompile)) {
      const why = crossCompile ? 'cross-compilation installs its linker' : `${showValue(packages)} are installed`;
      throw RustDockerError.forOption(options.chefImage ? 'chefImage' : 'rustImage', `${showValue(builderImage)} looks Alpine-based, but ${why} with apt-get`,
        'Use a Debian-based Rust image (e.g. "rust:1.95-slim-bookworm"): MUSL binaries are built there with musl-tools');
    }
  }, undefined);
  if (options.dependencyCaching === DependencyCaching.RUNNER) {
    // the workspace cargo-chef cannot build is reported by resolveCaching
    for (const r of refusals) if (r.error !== undefined && ws.lockNameClashes.length === 0) errors.add(r.error);
  }
  // (an image that is not a valid reference is reported once, not again by the release check)
  const releaseNotes = !rustImageValid || !runtimeImageValid ? [] : errors.attempt(
    () => checkReleases(options, { debianRelease, targetLibc, runtime: runtimeBase, builder: builderImage, runtimeImage: unpinnedRuntime }), []);

  return {
    builder: {
      dependencyCaching,
      dependencyCachingReason,
      rustVersion,
      rustVersionSource,
      toolchain: errors.attempt(() => resolveToolchain(options, ws, rustVersion), {}),
      debianRelease,
      rustImage: pin(unpinnedRust),
      chef: chef === undefined ? undefined : { image: chef.image === undefined ? undefined : pin(chef.image) },
      runner: dependencyCaching !== DependencyCaching.RUNNER ? undefined
        : { buildArg: RUNNER_BINARIES_ARG, context: RUNNER_BINARIES_CONTEXT, guardImage: pin(runnerGuardImage ?? `debian:${codename}-slim`) },
      auditable: errors.attempt(() => resolveAuditable(options, rustVersion, ws.vendorDirs), undefined),
      targetLibc,
      crossCompile,
      explicitTarget: crossCompile || targetLibc === TargetLibc.MUSL,
      packages,
      secrets: errors.attempt(() => resolveSecrets(options), []),
      cacheMounts: cacheMounts(dependencyCaching, cargo, targetLibc),
      releaseNotes,
    },
    runtimeBase,
    runtimeImage: runtimeBase === RuntimeBase.SCRATCH ? 'scratch' : pin(unpinnedRuntime),
  };
}

interface ResolvedCaching {
  readonly dependencyCaching: DependencyCaching;
  readonly dependencyCachingReason?: string;
}

/**
 * The strategy. Unset: RUNNER wherever it can build the image (`runnerRefusals`), else what the image
 * builds with alone: CARGO_CHEF, or SKELETON for the workspaces below, with the reason.
 * cargo-chef rewrites the versions of the workspace's own crates in its recipe, but not the
 * versioned references cargo writes in Cargo.lock when a registry (or git) crate shares a member's name
 * (`"console 0.1.0"`), so `cargo chef cook --locked` fails on such a workspace (measured with 0.1.78).
 * SKELETON rewrites those references too: it is the fallback there, and CARGO_CHEF (or RUNNER, which
 * keeps its stages) chosen by hand is refused.
 */
function resolveCaching(options: DockerfileSettings, ws: CargoWorkspaceFacts, refusals: RunnerRefusal[]): ResolvedCaching {
  const clashes = ws.lockNameClashes;
  if (options.dependencyCaching === undefined) {
    if (refusals.length === 0) return { dependencyCaching: DependencyCaching.RUNNER };
    const fallback = clashes.length > 0 ? DependencyCaching.SKELETON : DependencyCaching.CARGO_CHEF;
    return { dependencyCaching: fallback, dependencyCachingReason: refusals[0].reason };
  }
  if (options.dependencyCaching === DependencyCaching.RUNNER && clashes.length > 0) throw refusals[0].error;
  if (options.dependencyCaching === DependencyCaching.CARGO_CHEF && clashes.length > 0) {
    throw RustDockerError.forOption('dependencyCaching', `CARGO_CHEF cannot build this workspace: Cargo.lock also holds registry crates named like the members ${clashes.map(c => showValue(c)).join(', ')}, `
      + 'whose versioned references cargo-chef\'s recipe does not rewrite (cargo chef cook --locked fails)',
    'Leave "dependencyCaching" unset (SKELETON is chosen for such workspaces) or set DependencyCaching.SKELETON, or rename the member');
  }
  return { dependencyCaching: options.dependencyCaching };
}

/** The workflow's platforms and their runner labels, as the workflow plan resolves them (the invalid ones are reported there). */
function runnerPlatforms(options: BuilderSettings): { platform: string; runner: string }[] {
  const platforms = options.platforms ?? ['linux/amd64'];
  return [...new Set(platforms)].filter(p => p === 'linux/amd64' || p === 'linux/arm64').map(platform => ({
    platform,
    runner: platform === 'linux/amd64' ? options.amd64Runner ?? DEFAULT_RUNNERS.amd64 : options.arm64Runner ?? DEFAULT_RUNNERS.arm64,
  }));
}

/** CARGO_CHEF: the chef image (the user's, or the official one of the same Rust and Debian), or none to install cargo-chef into `rustImage`. */
function resolveChef(options: DockerfileSettings, caching: DependencyCaching, rustVersion: string, codename: string): ChefPlan | undefined {
  if (caching !== DependencyCaching.CARGO_CHEF && caching !== DependencyCaching.RUNNER) {
    if (options.chefImage !== undefined) {
      throw RustDockerError.forOption('chefImage', `is only used by DependencyCaching.CARGO_CHEF (and RUNNER's stand-alone build), but "dependencyCaching" is ${enumName(caching)}`,
        'Remove "chefImage" or use DependencyCaching.CARGO_CHEF');
    }
    return undefined;
  }
  if (options.chefImage !== undefined) return { image: checkImageReference('chefImage', options.chefImage) };
  // same Rust everywhere: install cargo-chef into the user's image
  if (options.rustImage !== undefined) return {};
  return { image: `lukemathwalker/cargo-chef:latest-rust-${rustVersion}-slim-${codename}` };
}

/**
 * cargo-auditable unless turned off. Its install needs Rust 1.86: a builder whose Rust is known to be
 * older (the `rustVersion`, or the version a hand-picked official image names) leaves it off by
 * default and refuses it when asked for. An image whose version cannot be read is trusted. Its install
 * reaches crates.io: a workspace that vendors its crates (often to build offline) leaves it off by
 * default, and asking for it there is the user's statement that the build may reach crates.io.
 */
function resolveAuditable(options: DockerfileSettings, rustVersion: string, vendorDirs: string[]): AuditablePlan | undefined {
  if (options.auditable === false) return undefined;
  if (options.auditable === undefined && vendorDirs.length > 0) return undefined;
  const userImage = options.chefImage ?? options.rustImage;
  const builderRust = userImage === undefined ? rustVersion : officialRustVersion(userImage);
  const tooOld = builderRust !== undefined && builderRust !== '1' && compareVersions(builderRust, CARGO_AUDITABLE_MIN_RUST) < 0;
  if (!tooOld) return { version: CARGO_AUDITABLE_VERSION };
  if (options.auditable === undefined) return undefined;
  throw RustDockerError.forOption('auditable', `is true, but the builder's Rust is ${builderRust}, and cargo-auditable ${CARGO_AUDITABLE_VERSION} needs Rust ${CARGO_AUDITABLE_MIN_RUST} or newer to install`,
    `Set "rustVersion" (or the builder image) to ${CARGO_AUDITABLE_MIN_RUST} or newer, or set "auditable" to false`);
}

function cacheMounts(caching: DependencyCaching, cargo: CargoBuildPlan, libc: TargetLibc): ImageCacheMount[] {
  const mounts: ImageCacheMount[] = [];
  const key = `$TARGETPLATFORM-${libc}-${cargo.profile}`;
  if (caching === DependencyCaching.CACHE_MOUNTS) mounts.push({ id: `${cargo.packageName}-target-${key}`, target: `${BUILD_DIR}/target` });
  if (caching === DependencyCaching.SKELETON) mounts.push({ id: `${cargo.packageName}-deps-target-${key}`, target: DEPS_TARGET_CACHE });
  if (caching !== DependencyCaching.NONE) {
    mounts.push({ id: 'cargo-registry', target: '/usr/local/cargo/registry' }, { id: 'cargo-git-db', target: '/usr/local/cargo/git/db' });
  }
  return mounts;
}

function resolveLibc(options: DockerfileSettings, runtime: RuntimeBase): TargetLibc {
  const runtimeLibc = runtimeBaseFacts(runtime).libc;
  const staticOnly = runtimeLibc !== RuntimeLibc.GLIBC;
  if (options.targetLibc === undefined) return staticOnly ? TargetLibc.MUSL : TargetLibc.GNU;
  if (staticOnly && options.targetLibc === TargetLibc.GNU) {
    const why = runtimeLibc === RuntimeLibc.MUSL ? 'has musl, not glibc' : 'has no C library';
    throw RustDockerError.forOption('targetLibc', `GNU builds a glibc binary, but runtime ${enumName(runtime)} ${why}, so the container could not start`,
      'Set "targetLibc" to MUSL (or leave it unset), or use RuntimeBase.DEBIAN_SLIM / DISTROLESS_CC');
  }
  return options.targetLibc;
}

/** Cross-compilation follows the CROSS_COMPILE strategy unless set (every supported platform has a cross target: see `CROSS_ARCHES`). */
function resolveCrossCompile(options: BuilderSettings): boolean {
  return options.crossCompile ?? options.multiArchStrategy === MultiArchStrategy.CROSS_COMPILE;
}

function resolveDigests(digests: { [image: string]: string } | undefined, images: string[]): { [image: string]: string } {
  if (digests === undefined) return {};
  for (const [image, digest] of Object.entries(digests)) {
    if (!images.includes(image)) {
      throw RustDockerError.forOption(`imageDigests.${image}`, `${showValue(image)} is not an image of this Dockerfile`,
        `Pin one of: ${[...new Set(images)].join(', ')}`);
    }
    if (image.includes('@')) {
      throw RustDockerError.forOption(`imageDigests.${image}`, `${showValue(image)} already has a digest`, 'Remove it from "imageDigests"');
    }
    if (!DIGEST.test(digest)) {
      throw RustDockerError.forOption(`imageDigests.${image}`, `${showValue(digest)} is not a digest`,
        'Use "sha256:" followed by 64 lowercase hex digits (docker buildx imagetools inspect <image>)');
    }
  }
  return digests;
}

/** Build secrets: unique ids and variables; the GitHub secret (and local variable) defaults to the id upper-cased. */
function resolveSecrets(options: DockerfileSettings): BuildSecretPlan[] {
  const ids = new Set<string>();
  const envs = new Set<string>();
  return (options.buildSecrets ?? []).map((s, index) => {
    if (!isNameToken(s.id)) {
      throw RustDockerError.forOption('buildSecrets', `${showValue(s.id)} is not a secret id`, 'Use letters, digits, ".", "_" and "-", e.g. "cargo_token"');
    }
    if (ids.has(s.id)) throw RustDockerError.forOption('buildSecrets', `secret ${showValue(s.id)} is listed twice`, 'List each secret once');
    ids.add(s.id);
    if (s.env !== undefined) {
      checkVariableName(`buildSecrets.${s.id}.env`, s.env, 'CARGO_REGISTRIES_MY_REGISTRY_TOKEN');
      if (envs.has(s.env)) {
        throw RustDockerError.forOption(`buildSecrets.${s.id}.env`, `${showValue(s.env)} is used by two secrets`, 'Give each secret its own variable');
      }
      envs.add(s.env);
    }
    const source = s.githubSecret ?? s.id.toUpperCase().replace(/[-.]/g, '_');
    if (!isGithubSecretName(source) || source === 'GITHUB_TOKEN') {
      throw RustDockerError.forOption(`buildSecrets[${index}].githubSecret`, `${showValue(source)} (for secret id ${showValue(s.id)}) is not a GitHub secret name`,
        'Set "githubSecret" to the name of the repository secret holding the value (letters, digits and "_", not starting with "GITHUB_")');
    }
    return { id: s.id, env: s.env, required: s.required ?? false, source };
  });
}

/** The images a release check looks at. */
interface ReleaseCheckInput {
  readonly debianRelease: DebianRelease;
  readonly targetLibc: TargetLibc;
  readonly runtime: RuntimeBase;
  /** The image every build stage starts from (the chef image with CARGO_CHEF). */
  readonly builder: string;
  readonly runtimeImage: string;
}

/**
 * A glibc binary runs only where the runtime's glibc is at least the builder's. Our own images share
 * `debianRelease`; a user-given builder or runtime must name its release (or `checkImageRelease: false`),
 * and a builder newer than the runtime is refused. Returns notes for the Dockerfile header.
 */
function checkReleases(options: DockerfileSettings, c: ReleaseCheckInput): string[] {
  if (c.targetLibc !== TargetLibc.GNU) return [];
  const check = options.checkImageRelease ?? true;
  const { codename } = DEBIAN_RELEASES[c.debianRelease];
  const builderOption = options.chefImage !== undefined && c.builder === options.chefImage ? 'chefImage'
    : options.rustImage !== undefined && c.builder === options.rustImage ? 'rustImage' : undefined;
  const notes: string[] = [];
  const ours = { name: `Debian ${codename}`, glibc: DEBIAN_RELEASES[c.debianRelease].glibc };
  const releaseOf = (option: string | undefined, image: string, example: string): ImageRelease | undefined => {
    if (option === undefined) return ours;
    const found = imageRelease(image);
    if (found.glibc !== undefined) return found;
    if (check) {
      throw RustDockerError.forOption(option, `${showValue(image)}: ${found.unknownBecause}, so it cannot be checked that the binary's glibc matches the runtime's`,
        `Use a tag that names the release, e.g. ${showValue(example)}, or set "checkImageRelease" to false (the glibc-guard build stage still checks the binary)`);
    }
    notes.push(`${option} ${image}: release not checked (checkImageRelease false); the glibc-guard stage checks the binary`);
    return undefined;
  };
  // an Alpine builder's Rust targets musl: its binaries need no glibc (the Alpine check refuses what it cannot build)
  if (ALPINE_IMAGE.test(c.builder)) return notes;
  const b = releaseOf(builderOption, c.builder, builderOption === 'chefImage'
    ? `lukemathwalker/cargo-chef:latest-rust-1-slim-${codename}` : `rust:1-slim-${codename}`);
  if (runtimeBaseFacts(c.runtime).libc !== RuntimeLibc.GLIBC) return notes;
  const r = releaseOf(c.runtime === RuntimeBase.CUSTOM ? 'runtimeImage' : undefined, c.runtimeImage, `debian:${codename}-slim`);
  if (b === undefined || r === undefined) return notes;
  const cmp = compareVersions(b.glibc!, r.glibc!);
  if (cmp > 0 && check) {
    const option = builderOption ?? 'runtimeImage';
    throw RustDockerError.forOption(option, `the builder ${showValue(c.builder)} is ${b.name} (glibc ${b.glibc}) but the runtime ${showValue(c.runtimeImage)} is ${r.name} (glibc ${r.glibc}): `
      + 'a binary linked there may need glibc symbols the runtime lacks (e.g. "version \'GLIBC_2.39\' not found") and not start',
    'Build and run on one release: set "debianRelease" to the runtime\'s release and drop the hand-picked builder image, or pick a builder whose glibc is not newer than the runtime\'s');
  }
  if (cmp !== 0) notes.push(`builder ${b.name} (glibc ${b.glibc}), runtime ${r.name} (glibc ${r.glibc})`);
  return notes;
}
