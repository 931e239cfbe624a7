import * as path from 'path';
import { compareVersions, DEBIAN_RELEASES, ImageRelease, imageRelease, packageForRelease } from './debian-release';
import { CargoBinaryTarget, CargoPackageFacts, CargoWorkspaceFacts } from '../cargo/cargo-workspace';
import {
  BuildSecret, DebianRelease, DependencyCaching, DockerHealthcheck, DockerIgnoreMode, DockerIgnoreOptions, RuntimeBase,
  RustDockerfileOptions, TargetLibc,
} from '../docker/rust-dockerfile-options';
import { RustDockerError, showValue } from '../errors';
import { ImageWorkflowOptions, MultiArchStrategy } from '../github/image-workflow-options';

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

/** A BuildKit cache mount of the generated Dockerfile (`RUN --mount=type=cache,id=<id>,target=<target>`). */
export interface ImageCacheMount {
  /** Cache id; may contain `$TARGETPLATFORM` (expanded by BuildKit per platform). */
  readonly id: string;
  /** Mount target in the build container. */
  readonly target: string;
}

/**
 * Which Rust toolchain the build stages use. Official rust images install one toolchain, named by
 * its full version (`1.95.0-x86_64-unknown-linux-gnu`); a rust-toolchain.toml naming `1.95` or
 * `stable` would make rustup download another one in every stage. `RUSTUP_TOOLCHAIN` overrides the
 * file, so the image's own toolchain is used, or the pinned one, installed once in a cached layer.
 */
export interface RustToolchainPlan {
  /** Value of `ENV RUSTUP_TOOLCHAIN` in the first build stage (`${RUST_VERSION}` = the image's own); undefined: none. */
  readonly rustupToolchain?: string;
  /** A channel the image lacks, installed with rustup's minimal profile before any cargo command. */
  readonly install?: string;
}

/**
 * Everything the Dockerfile and `.dockerignore` renderers need, resolved and validated.
 * Pure data: computed once from options + Cargo facts, before any file renders.
 */
export interface ImagePlan {
  /** Dockerfile path relative to the project root. */
  readonly dockerfilePath: string;
  /** Build context relative to the project root ("." or the cargo dir). */
  readonly contextDir: string;
  /** The `# syntax=` directive; empty for none. */
  readonly syntax: string;
  /** Human-readable lines on what was inferred and chosen (a comment block in the Dockerfile). */
  readonly summary: string[];
  /** Warnings for the user (printed at synth, also in the summary). */
  readonly warnings: string[];

  /** Workspace members (every manifest cargo loads). */
  readonly packages: CargoPackageFacts[];
  /** Whether the root manifest is a workspace with several packages (`-p` is passed). */
  readonly isWorkspace: boolean;
  /** Binaries built and shipped, first = entrypoint. */
  readonly binaries: CargoBinaryTarget[];
  /** Package that owns the binaries (`cargo build -p`). */
  readonly packageName: string;
  /** `--features`. */
  readonly features: string[];
  /** `--no-default-features`. */
  readonly noDefaultFeatures: boolean;
  /** `--all-features`. */
  readonly allFeatures: boolean;
  /** Cargo profile. */
  readonly cargoProfile: string;
  /** Whether cargo runs with `--locked` (a Cargo.lock exists). */
  readonly locked: boolean;
  /** Folder of the profile's artifacts under `target/[<triple>/]` ("release", "debug", …). */
  readonly profileDir: string;
  /** Extra arguments of every `cargo build`. */
  readonly cargoBuildArgs: string[];

  /** Strategy for dependency caching. */
  readonly dependencyCaching: DependencyCaching;
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
  /** Image providing cargo-chef (CARGO_CHEF only). */
  readonly chefImage?: string;
  /** Whether the chef stage installs cargo-chef itself (`rustImage` given without `chefImage`). */
  readonly installChef: boolean;
  /** Target C library. */
  readonly targetLibc: TargetLibc;
  /** Whether the build stages cross-compile from $BUILDPLATFORM. */
  readonly crossCompile: boolean;
  /** Whether cargo gets an explicit `--target` (MUSL or cross), computed in the builder into `/rust-target`. */
  readonly explicitTarget: boolean;
  /** apt packages of the build stages (musl-tools included for MUSL). */
  readonly buildPackages: string[];
  /** Toolchain file to copy before any cargo command, if any. */
  readonly toolchainFile?: string;
  /** Cargo config file to copy before any cargo command, if any. */
  readonly cargoConfigFile?: string;
  /** Vendored source folders to copy before any cargo command. */
  readonly vendorDirs: string[];
  /** Build secrets the build consumes. */
  readonly buildSecrets: BuildSecret[];
  /** Cache mounts on cargo commands: the registry and git db (CARGO_CHEF, SKELETON, CACHE_MOUNTS), plus `target/` (CACHE_MOUNTS). */
  readonly cacheMounts: ImageCacheMount[];

  /** Runtime base. */
  readonly runtime: RuntimeBase;
  /** Runtime image (digest-pinned when configured); "scratch" for SCRATCH. */
  readonly runtimeImage: string;
  /** Packages installed in the runtime image. */
  readonly runtimePackages: string[];
  /** Whether a `glibc-guard` stage checks the binaries' library needs against the runtime image. */
  readonly glibcGuard: boolean;
  /** Non-root user; undefined when `runAsRoot`. */
  readonly user?: ImageUser;
  /** Runtime working directory. */
  readonly workdir: string;
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

  /** Whether `.dockerignore` is generated. */
  readonly dockerignore: boolean;
  /** `.dockerignore` path relative to the project root (in the build context). */
  readonly dockerignorePath: string;
  /** Allow-list or deny-list. */
  readonly dockerignoreMode: DockerIgnoreMode;
  /** `.dockerignore` lines, in order. */
  readonly dockerignorePatterns: string[];
}

/** Build args the Dockerfile declares for the OCI labels (the workflow passes them). */
export const OCI_LABEL_BUILD_ARGS: { [label: string]: string } = {
  'org.opencontainers.image.source': 'OCI_SOURCE',
  'org.opencontainers.image.revision': 'OCI_REVISION',
  'org.opencontainers.image.version': 'OCI_VERSION',
  'org.opencontainers.image.created': 'OCI_CREATED',
};

/** Runtime bases that can only run a static (MUSL) binary. */
const STATIC_ONLY = [RuntimeBase.SCRATCH, RuntimeBase.DISTROLESS_STATIC, RuntimeBase.ALPINE];
/** Runtime bases without a package manager. */
const NO_PACKAGE_MANAGER = [RuntimeBase.SCRATCH, RuntimeBase.DISTROLESS_CC, RuntimeBase.DISTROLESS_STATIC];

/** The runtime image of a base on a Debian release. */
function runtimeImageOf(base: RuntimeBase, release: DebianRelease): string {
  const { codename, number } = DEBIAN_RELEASES[release];
  switch (base) {
    case RuntimeBase.DEBIAN_SLIM: return `debian:${codename}-slim`;
    case RuntimeBase.DISTROLESS_CC: return `gcr.io/distroless/cc-debian${number}`;
    case RuntimeBase.DISTROLESS_STATIC: return `gcr.io/distroless/static-debian${number}`;
    case RuntimeBase.ALPINE: return 'alpine:3';
    default: return 'scratch';
  }
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

const DEFAULT_UID = 10001;
const DISTROLESS_NONROOT_UID = 65532;

const NAME = /^[A-Za-z0-9_-]+$/;
const FEATURE = /^[A-Za-z0-9_][A-Za-z0-9_+.-]*(\/[A-Za-z0-9_][A-Za-z0-9_+.-]*)?$/;
const DEB_PACKAGE = /^[A-Za-z0-9][A-Za-z0-9+.:~_-]*(=[A-Za-z0-9+.:~_-]+)?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LABEL_KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const RUST_VERSION = /^\d+(\.\d+){0,2}$/;
const SIGNAL = /^(SIG[A-Z0-9+-]+|\d+)$/;
const SECRET_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_REF = new RegExp(
  `^(?:(?:[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+(?::[0-9]+)?|[A-Za-z0-9-]+:[0-9]+|localhost)/)?${COMPONENT}(?:/${COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

/** Options the image plan reads: the Dockerfile and .dockerignore options, plus the workflow's platforms. */
export type ImagePlanOptions = RustDockerfileOptions & DockerIgnoreOptions & Pick<ImageWorkflowOptions, 'platforms' | 'multiArchStrategy'>;

/** Resolves and validates the image part of the build plan. Throws RustDockerError on bad input. */
export function resolveImagePlan(options: ImagePlanOptions, workspace: CargoWorkspaceFacts, contextDir: string): ImagePlan {
  rejectNewlines(options);

  const dependencyCaching = enumValue('dependencyCaching', options.dependencyCaching, DependencyCaching, DependencyCaching.CARGO_CHEF);
  const runtime = resolveRuntimeBase(options);
  const targetLibc = resolveLibc(options, runtime);
  const crossCompile = resolveCrossCompile(options);

  const warnings: string[] = [];
  const locked = workspace.lockFile !== undefined;
  if (!locked) {
    warnings.push(`Cargo.lock is missing in ${showValue(contextDir)}: the image builds without --locked, so cargo picks dependency versions at build time `
      + 'and two builds of one commit may differ. Run "cargo generate-lockfile" and commit Cargo.lock to build exactly the tested versions.');
  }

  // what to build
  const isWorkspace = workspace.packages.length > 1;
  const { binaries, packageName } = resolveBinaries(options, workspace);
  checkCargoNames(binaries, packageName);
  const pkg = workspace.packages.find(p => p.name === packageName)!;
  const { features, noDefaultFeatures, allFeatures } = resolveFeatures(options, pkg, binaries);
  const cargoProfile = options.cargoProfile ?? 'release';
  if (!NAME.test(cargoProfile)) {
    throw RustDockerError.forOption('cargoProfile', `${showValue(cargoProfile)} is not a profile name`, 'Use a profile of Cargo.toml, e.g. "release" or "dist"');
  }
  const cargoBuildArgs = stringList('cargoBuildArgs', options.cargoBuildArgs);

  // images: one Debian release for builder and runtime
  const debianRelease = enumValue('debianRelease', options.debianRelease, DebianRelease, DebianRelease.TRIXIE);
  const { codename } = DEBIAN_RELEASES[debianRelease];
  const { rustVersion, rustVersionSource } = resolveRustVersion(options, workspace);
  const unpinnedRust = options.rustImage ?? `rust:${rustVersion}-slim-${codename}`;
  checkImage('rustImage', unpinnedRust);
  let unpinnedChef: string | undefined;
  let installChef = false;
  if (dependencyCaching === DependencyCaching.CARGO_CHEF) {
    if (options.chefImage !== undefined) {
      unpinnedChef = options.chefImage;
      checkImage('chefImage', unpinnedChef);
    } else if (options.rustImage !== undefined) {
      installChef = true; // same Rust everywhere: install cargo-chef into the user's image
    } else {
      unpinnedChef = `lukemathwalker/cargo-chef:latest-rust-${rustVersion}-slim-${codename}`;
    }
  } else if (options.chefImage !== undefined) {
    throw RustDockerError.forOption('chefImage', `is only used by DependencyCaching.CARGO_CHEF, but "dependencyCaching" is ${dependencyCaching.toUpperCase().replace(/-/g, '_')}`, 'Remove "chefImage" or use DependencyCaching.CARGO_CHEF');
  }
  let unpinnedRuntime = runtimeImageOf(runtime, debianRelease);
  if (runtime === RuntimeBase.CUSTOM) {
    unpinnedRuntime = options.runtimeImage!;
    checkImage('runtimeImage', unpinnedRuntime);
  }
  const toolchain = resolveToolchain(options, workspace, rustVersion);
  const usedImages = [unpinnedRust, ...(unpinnedChef ? [unpinnedChef] : []), ...(runtime === RuntimeBase.SCRATCH ? [] : [unpinnedRuntime])];
  const digests = resolveDigests(options.imageDigests, usedImages);
  const pin = (image: string) => (digests[image] ? `${image}@${digests[image]}` : image);

  // build stage packages
  const buildPackages = packageList('buildPackages', options.buildPackages);
  if (targetLibc === TargetLibc.MUSL && !buildPackages.includes('musl-tools')) buildPackages.push('musl-tools');
  const builderImage = unpinnedChef ?? unpinnedRust;
  if (/(^|[:/-])alpine/.test(builderImage) && (buildPackages.length > 0 || crossCompile)) {
    const why = crossCompile ? 'cross-compilation installs its linker' : `${showValue(buildPackages)} are installed`;
    throw RustDockerError.forOption(options.chefImage ? 'chefImage' : 'rustImage', `${showValue(builderImage)} looks Alpine-based, but ${why} with apt-get`,
      'Use a Debian-based Rust image (e.g. "rust:1.95-slim-bookworm"): MUSL binaries are built there with musl-tools');
  }

  const releaseNotes = checkReleases(options, { debianRelease, targetLibc, runtime, builder: builderImage, runtimeImage: unpinnedRuntime });

  // runtime
  const runtimePackages = resolveRuntimePackages(options, runtime, debianRelease);
  const glibcGuard = (options.glibcGuard ?? true) && runtime !== RuntimeBase.SCRATCH;
  const user = resolveUser(options, runtime);
  const workdir = options.workdir ?? '/app';
  if (typeof workdir !== 'string' || !workdir.startsWith('/') || /\s/.test(workdir)) {
    throw RustDockerError.forOption('workdir', `${showValue(workdir)} is not an absolute path without whitespace`, 'Use an absolute path such as "/app"');
  }
  const ports = resolvePorts(options.ports);
  const env = resolveEnv(options.env);
  const healthcheck = resolveHealthcheck(options.healthcheck);
  const entrypoint = options.entrypoint ?? [`/usr/local/bin/${binaries[0].name}`];
  if (options.entrypoint !== undefined) execList('entrypoint', options.entrypoint, false);
  const cmd = options.cmd === undefined ? undefined : execList('cmd', options.cmd, true);
  const { labels, labelBuildArgs } = resolveLabels(options.labels, binaries[0].name);
  const stopSignal = options.stopSignal;
  if (stopSignal !== undefined && !SIGNAL.test(stopSignal)) {
    throw RustDockerError.forOption('stopSignal', `${showValue(stopSignal)} is not a signal`, 'Use a signal name such as "SIGINT" or a number');
  }
  const buildSecrets = resolveSecrets(options.buildSecrets);
  const syntax = options.dockerfileSyntax ?? 'docker/dockerfile:1';
  if (syntax !== '' && (/\s/.test(syntax) || !IMAGE_REF.test(syntax))) {
    throw RustDockerError.forOption('dockerfileSyntax', `${showValue(syntax)} is not a frontend image reference`, 'Use e.g. "docker/dockerfile:1", or "" to omit the directive');
  }

  const dockerfilePath = resolveFilePath('dockerfilePath', options.dockerfilePath, contextDir, 'Dockerfile');
  const dockerignore = options.dockerignore ?? true;
  if (!dockerignore) {
    for (const key of ['dockerignoreMode', 'dockerignoreAllow', 'dockerignoreDeny'] as const) {
      if (options[key] !== undefined) {
        throw RustDockerError.forOption(key, 'has no effect because "dockerignore" is false', `Remove "${key}", or remove "dockerignore: false"`);
      }
    }
  }
  const dockerignoreMode = enumValue('dockerignoreMode', options.dockerignoreMode, DockerIgnoreMode, DockerIgnoreMode.ALLOW_LIST);
  const dockerignorePath = contextDir === '.' ? '.dockerignore' : `${contextDir}/.dockerignore`;

  const explicitTarget = crossCompile || targetLibc === TargetLibc.MUSL;
  const cacheMounts: ImageCacheMount[] = [];
  if (dependencyCaching === DependencyCaching.CACHE_MOUNTS) {
    cacheMounts.push({ id: `${packageName}-target-$TARGETPLATFORM-${targetLibc}-${cargoProfile}`, target: `${BUILD_DIR}/target` });
  }
  if (dependencyCaching === DependencyCaching.SKELETON) {
    cacheMounts.push({ id: `${packageName}-deps-target-$TARGETPLATFORM-${targetLibc}-${cargoProfile}`, target: DEPS_TARGET_CACHE });
  }
  if (dependencyCaching !== DependencyCaching.NONE) {
    cacheMounts.push({ id: 'cargo-registry', target: '/usr/local/cargo/registry' }, { id: 'cargo-git-db', target: '/usr/local/cargo/git/db' });
  }
  const base = {
    dockerfilePath,
    contextDir,
    syntax,
    packages: workspace.packages,
    isWorkspace,
    binaries,
    packageName,
    features,
    noDefaultFeatures,
    allFeatures,
    cargoProfile,
    locked,
    profileDir: profileDir(cargoProfile),
    cargoBuildArgs,
    dependencyCaching,
    rustVersion,
    rustVersionSource,
    toolchain,
    debianRelease,
    rustImage: pin(unpinnedRust),
    chefImage: unpinnedChef ? pin(unpinnedChef) : undefined,
    installChef,
    targetLibc,
    crossCompile,
    explicitTarget,
    buildPackages,
    toolchainFile: workspace.toolchainFile,
    cargoConfigFile: workspace.cargoConfigFile,
    vendorDirs: [...workspace.vendorDirs],
    buildSecrets,
    cacheMounts,
    runtime,
    runtimeImage: runtime === RuntimeBase.SCRATCH ? 'scratch' : pin(unpinnedRuntime),
    runtimePackages,
    glibcGuard,
    user,
    workdir,
    ports,
    env,
    healthcheck,
    entrypoint,
    cmd,
    labels,
    labelBuildArgs,
    stopSignal,
    dockerignore,
    dockerignorePath,
    dockerignoreMode,
  };
  const dockerfileInContext = relativeToContext(dockerfilePath, contextDir);
  const dockerignorePatterns = dockerignoreMode === DockerIgnoreMode.ALLOW_LIST
    ? allowListPatterns(base, options)
    : denyListPatterns(options, dockerfileInContext);
  return { ...base, dockerignorePatterns, warnings, summary: [...summarize(base, workspace, releaseNotes), ...warnings.map(w => `Warning: ${w}`)] };
}

// ---------------------------------------------------------------------------------------------
// what to build

function resolveBinaries(options: ImagePlanOptions, ws: CargoWorkspaceFacts): { binaries: CargoBinaryTarget[]; packageName: string } {
  const available = () => ws.binaries.map(b => (b.name === b.packageName || !ws.isWorkspace ? b.name : `${b.name} (package ${b.packageName})`)).join(', ') || 'none';
  if (ws.binaries.length === 0) {
    throw RustDockerError.forOption('binaries', `the Cargo workspace has no binary target (packages: ${ws.packages.map(p => p.name).join(', ')})`,
      'Add a src/main.rs or a [[bin]] section to a package, or point "cargoDir" at a crate that builds a binary');
  }
  if (options.packageName !== undefined && !ws.packages.some(p => p.name === options.packageName)) {
    throw RustDockerError.forOption('packageName', `unknown package ${showValue(options.packageName)}`,
      `Use one of the workspace members: ${ws.packages.map(p => p.name).join(', ')}`);
  }
  if (options.binaries !== undefined) {
    assertArray('binaries', options.binaries);
    if (options.binaries.length === 0) {
      throw RustDockerError.forOption('binaries', `${showValue(options.binaries)} is empty`, `Name at least one binary (available: ${available()}), or omit the option to infer it`);
    }
    const seen = new Set<string>();
    const selected: CargoBinaryTarget[] = [];
    for (const name of options.binaries) {
      if (seen.has(name)) {
        throw RustDockerError.forOption('binaries', `${showValue(name)} is listed twice`, 'List each binary once');
      }
      seen.add(name);
      let matches = ws.binaries.filter(b => b.name === name);
      if (matches.length > 1 && options.packageName !== undefined) matches = matches.filter(b => b.packageName === options.packageName);
      if (matches.length === 0) {
        throw RustDockerError.forOption('binaries', `unknown binary ${showValue(name)}`, `Available binaries: ${available()}`);
      }
      if (matches.length > 1) {
        throw RustDockerError.forOption('binaries', `binary ${showValue(name)} exists in packages ${matches.map(m => m.packageName).join(' and ')}`,
          'Set "packageName" to the package to build');
      }
      selected.push(matches[0]);
    }
    const packageName = options.packageName ?? selected[0].packageName;
    const foreign = selected.find(b => b.packageName !== packageName);
    if (foreign) {
      throw RustDockerError.forOption('binaries', `binary ${showValue(foreign.name)} belongs to package ${showValue(foreign.packageName)}, not ${showValue(packageName)}`,
        `One image builds one package: list only binaries of ${showValue(packageName)}${options.packageName === undefined ? '' : ' or change "packageName"'}`);
    }
    return { binaries: selected, packageName };
  }

  // inferred: among the binaries of `packageName`, else of the packages `cargo build` builds by default
  // (`default-members`, else the root package), else of the whole workspace
  const defaultPackages = ws.defaultMembers.length > 0 ? ws.defaultMembers : ws.rootPackage !== undefined ? [ws.rootPackage] : [];
  const byDefault = ws.binaries.filter(b => defaultPackages.includes(b.packageName));
  const candidates = options.packageName !== undefined
    ? ws.binaries.filter(b => b.packageName === options.packageName)
    : byDefault.length > 0 ? byDefault : ws.binaries;
  if (candidates.length === 0) {
    throw RustDockerError.forOption('packageName', `package ${showValue(options.packageName)} has no binary target`, `Choose a package with a binary (available binaries: ${available()})`);
  }
  if (candidates.length === 1) return { binaries: [candidates[0]], packageName: candidates[0].packageName };
  const pkgs = ws.packages.filter(p => candidates.some(b => b.packageName === p.name));
  const defaults = pkgs.filter(p => p.defaultRun !== undefined)
    .map(p => candidates.find(b => b.packageName === p.name && b.name === p.defaultRun))
    .filter((b): b is CargoBinaryTarget => b !== undefined);
  if (defaults.length === 1) return { binaries: [defaults[0]], packageName: defaults[0].packageName };
  throw RustDockerError.forOption('binaries', `cannot infer which binary to ship: ${candidates.length} binaries (${candidates.map(b => b.name).join(', ')}) and no single \`default-run\``,
    `Set "binaries" to the ones to ship, e.g. ["${candidates[0].name}"]`);
}

/** Cargo names go into RUN lines (`--bin`, `-p`) and COPY paths: only what cargo itself accepts (letters, digits, `-`, `_`). */
const CARGO_NAME = /^[\p{L}\p{N}_-]+$/u;

function checkCargoNames(binaries: CargoBinaryTarget[], packageName: string): void {
  if (!CARGO_NAME.test(packageName)) {
    throw RustDockerError.forOption('packageName', `package ${showValue(packageName)} of Cargo.toml is not a valid Cargo package name`,
      'Rename the package in Cargo.toml: cargo accepts only letters, digits, "-" and "_"');
  }
  for (const b of binaries) {
    if (!CARGO_NAME.test(b.name)) {
      throw RustDockerError.forOption('binaries', `binary ${showValue(b.name)} of package ${showValue(b.packageName)} is not a valid Cargo target name`,
        'Rename the [[bin]] in Cargo.toml: cargo accepts only letters, digits, "-" and "_"');
    }
  }
}

function resolveFeatures(options: ImagePlanOptions, pkg: CargoPackageFacts, binaries: CargoBinaryTarget[]) {
  const features = stringList('features', options.features);
  const noDefaultFeatures = options.noDefaultFeatures ?? false;
  const allFeatures = options.allFeatures ?? false;
  if (allFeatures && (features.length > 0 || noDefaultFeatures)) {
    throw RustDockerError.forOption('allFeatures', `cannot be combined with ${features.length > 0 ? `"features" ${showValue(features)}` : '"noDefaultFeatures"'}`,
      'Use either "allFeatures", or "features"/"noDefaultFeatures"');
  }
  for (const f of features) {
    if (!FEATURE.test(f)) {
      throw RustDockerError.forOption('features', `${showValue(f)} is not a feature name`, 'Use names from [features] of Cargo.toml, or "dependency/feature"');
    }
    if (!f.includes('/') && !pkg.features.includes(f)) {
      throw RustDockerError.forOption('features', `package ${showValue(pkg.name)} has no feature ${showValue(f)}`,
        `Available features: ${pkg.features.join(', ') || 'none'}`);
    }
  }
  if (!allFeatures) {
    for (const b of binaries) {
      const missing = b.requiredFeatures.filter(f => !features.includes(f));
      if (missing.length > 0) {
        throw RustDockerError.forOption('features', `binary ${showValue(b.name)} requires the features ${missing.join(', ')}, which are not enabled`,
          `Add ${missing.map(m => `"${m}"`).join(', ')} to "features"`);
      }
    }
  }
  return { features, noDefaultFeatures, allFeatures };
}

function profileDir(profile: string): string {
  if (profile === 'dev' || profile === 'test') return 'debug';
  if (profile === 'bench') return 'release';
  return profile;
}

// ---------------------------------------------------------------------------------------------
// images, libc, cross

function resolveRustVersion(options: ImagePlanOptions, ws: CargoWorkspaceFacts): { rustVersion: string; rustVersionSource: string } {
  if (options.rustVersion !== undefined) {
    const v = options.rustVersion;
    if (v === 'stable') return { rustVersion: '1', rustVersionSource: 'option rustVersion ("stable")' };
    if (!RUST_VERSION.test(v)) {
      throw RustDockerError.forOption('rustVersion', `${showValue(v)} is not a Rust version`,
        'Use a version such as "1.95" or "1.95.0" (or "stable"); for nightly, pin the channel in rust-toolchain.toml and set "rustImage"');
    }
    return { rustVersion: v, rustVersionSource: 'option rustVersion' };
  }
  if (ws.toolchainChannel !== undefined) {
    const channel = ws.toolchainChannel;
    if (RUST_VERSION.test(channel)) return { rustVersion: channel, rustVersionSource: `${ws.toolchainFile} channel` };
    return {
      rustVersion: '1',
      rustVersionSource: `${ws.toolchainFile} channel "${channel}" is not a version: rust:1 image, rustup installs "${channel}" at build time`,
    };
  }
  if (ws.rustVersion !== undefined && RUST_VERSION.test(ws.rustVersion)) {
    return { rustVersion: ws.rustVersion, rustVersionSource: 'rust-version of Cargo.toml' };
  }
  return { rustVersion: '1', rustVersionSource: 'the default (no rust-toolchain.toml channel or rust-version)' };
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
function checkReleases(options: ImagePlanOptions, c: ReleaseCheckInput): string[] {
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
  // an Alpine builder's Rust targets musl: its binaries need no glibc (the Alpine check below refuses what it cannot build)
  if (/(^|[:/-])alpine/.test(c.builder)) return notes;
  const b = releaseOf(builderOption, c.builder, builderOption === 'chefImage'
    ? `lukemathwalker/cargo-chef:latest-rust-1-slim-${codename}` : `rust:1-slim-${codename}`);
  const hasGlibc = c.runtime === RuntimeBase.DEBIAN_SLIM || c.runtime === RuntimeBase.DISTROLESS_CC || c.runtime === RuntimeBase.CUSTOM;
  if (!hasGlibc) return notes;
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

/** The Rust version an official rust or cargo-chef image reference names ("1" for latest/stable tags), if any. */
function officialRustVersion(image: string): string | undefined {
  const ref = image.split('@')[0];
  const tag = /^(?:(?:docker\.io\/)?library\/)?rust:(.+)$/.exec(ref)?.[1]
    ?? /^(?:docker\.io\/)?lukemathwalker\/cargo-chef:[^-]+-rust-(.+)$/.exec(ref)?.[1];
  if (tag === undefined) return undefined;
  const version = /^(\d+(?:\.\d+){0,2})(?:-|$)/.exec(tag)?.[1];
  if (version !== undefined) return version;
  return /^(latest|slim|bookworm|trixie)(-|$)/.test(tag) ? '1' : undefined;
}

/**
 * The toolchain of the build stages. Without a toolchain file, the image's own. With one, its
 * channel (or the `rustVersion` option, which wins) is either what the image already has — then
 * `RUSTUP_TOOLCHAIN=${RUST_VERSION}` (set by the official images) points rustup at it and nothing is
 * downloaded — or it is installed once, in a cached layer, and `RUSTUP_TOOLCHAIN` names it. Either
 * way the file's components (clippy, rustfmt) and extra targets are not fetched: a build needs neither.
 */
function resolveToolchain(options: ImagePlanOptions, ws: CargoWorkspaceFacts, rustVersion: string): RustToolchainPlan {
  if (ws.toolchainFile === undefined) return {};
  const userImage = options.chefImage ?? options.rustImage;
  const imageVersion = userImage === undefined ? rustVersion : officialRustVersion(userImage);
  const stableAsOne = (v: string) => (v === 'stable' ? '1' : v);
  const wanted = stableAsOne(options.rustVersion ?? ws.toolchainChannel ?? rustVersion);
  if (imageVersion !== undefined && stableAsOne(imageVersion) === wanted) return { rustupToolchain: '${RUST_VERSION}' };
  const channel = wanted === '1' ? 'stable' : wanted;
  return { rustupToolchain: channel, install: channel };
}

function resolveRuntimeBase(options: ImagePlanOptions): RuntimeBase {
  if (options.runtimeImage !== undefined) {
    if (options.runtime !== undefined && options.runtime !== RuntimeBase.CUSTOM) {
      throw RustDockerError.forOption('runtimeImage', `is only used with RuntimeBase.CUSTOM, but "runtime" is ${enumName(options.runtime)}`,
        'Remove "runtimeImage", or remove "runtime" (setting "runtimeImage" implies CUSTOM)');
    }
    return RuntimeBase.CUSTOM;
  }
  const runtime = enumValue('runtime', options.runtime, RuntimeBase, RuntimeBase.DEBIAN_SLIM);
  if (runtime === RuntimeBase.CUSTOM) {
    throw RustDockerError.forOption('runtime', 'CUSTOM needs an image', 'Set "runtimeImage" (e.g. "ubuntu:24.04"), or choose another RuntimeBase');
  }
  return runtime;
}

function resolveLibc(options: ImagePlanOptions, runtime: RuntimeBase): TargetLibc {
  const staticOnly = STATIC_ONLY.includes(runtime);
  if (options.targetLibc === undefined) return staticOnly ? TargetLibc.MUSL : TargetLibc.GNU;
  const libc = enumValue('targetLibc', options.targetLibc, TargetLibc, TargetLibc.GNU);
  if (staticOnly && libc === TargetLibc.GNU) {
    const why = runtime === RuntimeBase.ALPINE ? 'has musl, not glibc' : 'has no C library';
    throw RustDockerError.forOption('targetLibc', `GNU builds a glibc binary, but runtime ${enumName(runtime)} ${why}, so the container could not start`,
      'Set "targetLibc" to MUSL (or leave it unset), or use RuntimeBase.DEBIAN_SLIM / DISTROLESS_CC');
  }
  return libc;
}

function resolveCrossCompile(options: ImagePlanOptions): boolean {
  const cross = options.crossCompile ?? options.multiArchStrategy === MultiArchStrategy.CROSS_COMPILE;
  if (cross && options.platforms !== undefined) {
    for (const p of options.platforms) {
      const arch = /^linux\/([a-z0-9]+)$/.exec(p)?.[1];
      if (!arch || !(arch in CROSS_ARCHES)) {
        throw RustDockerError.forOption('platforms', `cross-compilation supports linux/amd64 and linux/arm64, not ${showValue(p)}`,
          'Remove that platform, or set "crossCompile" to false and build it with QEMU or a native runner');
      }
    }
  }
  return cross;
}

function checkImage(option: string, image: string): void {
  if (typeof image !== 'string' || !IMAGE_REF.test(image)) {
    throw RustDockerError.forOption(option, `${showValue(image)} is not an image reference`, 'Use e.g. "rust:1.95-slim-bookworm" or "ghcr.io/org/image:tag"');
  }
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
    if (typeof digest !== 'string' || !DIGEST.test(digest)) {
      throw RustDockerError.forOption(`imageDigests.${image}`, `${showValue(digest)} is not a digest`,
        'Use "sha256:" followed by 64 lowercase hex digits (docker buildx imagetools inspect <image>)');
    }
  }
  return digests;
}

// ---------------------------------------------------------------------------------------------
// runtime

function resolveRuntimePackages(options: ImagePlanOptions, runtime: RuntimeBase, release: DebianRelease): string[] {
  if (options.runtimePackages !== undefined && options.runtimePackages.length > 0 && NO_PACKAGE_MANAGER.includes(runtime)) {
    throw RustDockerError.forOption('runtimePackages', `runtime ${enumName(runtime)} has no package manager, so ${showValue(options.runtimePackages)} cannot be installed`,
      'Use RuntimeBase.DEBIAN_SLIM or ALPINE, or copy files into the image with the escape hatches');
  }
  if (options.runtimePackages !== undefined) {
    const list = packageList('runtimePackages', options.runtimePackages);
    return runtime === RuntimeBase.DEBIAN_SLIM ? unique(list.map(p => packageForRelease(p, release))) : list;
  }
  return runtime === RuntimeBase.DEBIAN_SLIM || runtime === RuntimeBase.ALPINE ? ['ca-certificates'] : [];
}

function resolveUser(options: ImagePlanOptions, runtime: RuntimeBase): ImageUser | undefined {
  if (options.runAsRoot) {
    if (options.uid !== undefined) {
      throw RustDockerError.forOption('uid', `${showValue(options.uid)} is ignored when "runAsRoot" is true`, 'Remove "uid" or "runAsRoot"');
    }
    return undefined;
  }
  const distroless = runtime === RuntimeBase.DISTROLESS_CC || runtime === RuntimeBase.DISTROLESS_STATIC;
  const uid = options.uid ?? (distroless ? DISTROLESS_NONROOT_UID : DEFAULT_UID);
  if (!Number.isInteger(uid) || uid < 1 || uid > 2147483646) {
    throw RustDockerError.forOption('uid', `${showValue(uid)} is not a non-root UID`,
      uid === 0 ? 'Set "runAsRoot" to true to run as root' : 'Use an integer in 1..2147483646, e.g. 10001');
  }
  const create = runtime === RuntimeBase.DEBIAN_SLIM || runtime === RuntimeBase.ALPINE;
  return { uid, gid: uid, create, name: 'app' };
}

function resolvePorts(ports: number[] | undefined): number[] {
  assertArray('ports', ports);
  const result: number[] = [];
  for (const p of ports ?? []) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) {
      throw RustDockerError.forOption('ports', `${showValue(p)} is not a port`, 'Use integers in 1..65535');
    }
    if (!result.includes(p)) result.push(p);
  }
  return result;
}

function resolveEnv(env: { [name: string]: string } | undefined): { [name: string]: string } {
  const result: { [name: string]: string } = {};
  for (const name of Object.keys(env ?? {}).sort()) {
    if (!ENV_NAME.test(name)) {
      throw RustDockerError.forOption(`env.${name}`, `${showValue(name)} is not a variable name`, 'Use letters, digits and "_", not starting with a digit');
    }
    const value = env![name];
    if (typeof value !== 'string') {
      throw RustDockerError.forOption(`env.${name}`, `${showValue(value)} is not a string`, 'Pass a string value');
    }
    result[name] = value;
  }
  return result;
}

function resolveHealthcheck(hc: DockerHealthcheck | undefined): DockerHealthcheck | undefined {
  if (hc === undefined || hc === null) return undefined;
  if (typeof hc !== 'object' || Array.isArray(hc)) {
    throw RustDockerError.forOption('healthcheck', `${showValue(hc)} is not a healthcheck`, 'Give an object such as { command: ["/usr/local/bin/app", "health"] }');
  }
  execList('healthcheck.command', hc.command, false);
  // at most 2^31-1: larger integers would render in exponent notation ("1e+300s") or overflow Docker's int64 nanoseconds
  const max = 2147483647;
  const check = (field: string, value: number | undefined, min: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      throw RustDockerError.forOption(`healthcheck.${field}`, `${showValue(value)} is not an integer from ${min} to ${max}`, `Use a whole number >= ${min}`);
    }
  };
  check('intervalSeconds', hc.intervalSeconds, 1);
  check('timeoutSeconds', hc.timeoutSeconds, 1);
  check('startPeriodSeconds', hc.startPeriodSeconds, 0);
  check('retries', hc.retries, 1);
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
    if (!LABEL_KEY.test(key)) {
      throw RustDockerError.forOption(`labels.${key}`, `${showValue(key)} is not a label key`,
        'Use letters, digits, ".", "-", "_" and "/", e.g. "org.example.team"');
    }
    const value = user![key];
    if (typeof value !== 'string') {
      throw RustDockerError.forOption(`labels.${key}`, `${showValue(value)} is not a string`, 'Pass a string value');
    }
    labels[key] = value;
  }
  return { labels, labelBuildArgs };
}

function resolveSecrets(secrets: BuildSecret[] | undefined): BuildSecret[] {
  assertArray('buildSecrets', secrets);
  const ids = new Set<string>();
  const envs = new Set<string>();
  for (const s of secrets ?? []) {
    if (typeof s?.id !== 'string' || !SECRET_ID.test(s.id)) {
      throw RustDockerError.forOption('buildSecrets', `${showValue(s?.id)} is not a secret id`, 'Use letters, digits, ".", "_" and "-", e.g. "cargo_token"');
    }
    if (ids.has(s.id)) {
      throw RustDockerError.forOption('buildSecrets', `secret ${showValue(s.id)} is listed twice`, 'List each secret once');
    }
    ids.add(s.id);
    if (s.env !== undefined) {
      if (!ENV_NAME.test(s.env)) {
        throw RustDockerError.forOption(`buildSecrets.${s.id}.env`, `${showValue(s.env)} is not a variable name`, 'Use e.g. "CARGO_REGISTRIES_MY_REGISTRY_TOKEN"');
      }
      if (envs.has(s.env)) {
        throw RustDockerError.forOption(`buildSecrets.${s.id}.env`, `${showValue(s.env)} is used by two secrets`, 'Give each secret its own variable');
      }
      envs.add(s.env);
    }
  }
  return [...(secrets ?? [])];
}

// ---------------------------------------------------------------------------------------------
// .dockerignore

/** Folder holding a target file, relative to the context: its own dir unless it is the package root. */
function targetAllowEntry(pkg: CargoPackageFacts, file: string): string {
  const srcDir = pkg.dir === '.' ? 'src' : `${pkg.dir}/src`;
  if (file === srcDir || file.startsWith(`${srcDir}/`)) return srcDir;
  const dir = path.posix.dirname(file);
  return dir === pkg.dir || dir === '.' ? file : dir;
}

function allowListPatterns(plan: Pick<ImagePlan, 'packages' | 'cargoConfigFile' | 'vendorDirs'>, options: ImagePlanOptions): string[] {
  // (no toolchain file: RUSTUP_TOOLCHAIN overrides it, so editing it busts no layer)
  const allow: string[] = ['Cargo.toml', 'Cargo.lock'];
  if (plan.cargoConfigFile) allow.push(plan.cargoConfigFile);
  allow.push(...plan.vendorDirs);
  for (const pkg of plan.packages) {
    const prefix = pkg.dir === '.' ? '' : `${pkg.dir}/`;
    allow.push(`${prefix}Cargo.toml`, `${prefix}src`);
    const files = [...pkg.binaries.map(b => b.path), ...(pkg.lib ? [pkg.lib.path] : []), ...pkg.otherTargets.map(t => t.path)];
    for (const f of files) allow.push(targetAllowEntry(pkg, f));
    if (pkg.buildScript) allow.push(targetAllowEntry(pkg, pkg.buildScript));
  }
  const userAllow = patternList('dockerignoreAllow', options.dockerignoreAllow);
  const userDeny = patternList('dockerignoreDeny', options.dockerignoreDeny);
  return unique(['*', ...unique([...allow, ...userAllow]).map(p => `!${p}`), ...userDeny]);
}

/** The deny list: only things a cargo build never reads. Markdown stays (it may be `include_str!`'d). */
export const DENY_LIST_DEFAULTS = ['.git', '.github', '.projen', 'node_modules', 'target', '**/target'];

function denyListPatterns(options: ImagePlanOptions, dockerfileInContext: string | undefined): string[] {
  const userAllow = patternList('dockerignoreAllow', options.dockerignoreAllow);
  const userDeny = patternList('dockerignoreDeny', options.dockerignoreDeny);
  const deny = [...DENY_LIST_DEFAULTS, '.dockerignore', ...(dockerfileInContext ? [dockerfileInContext] : []), ...userDeny];
  return unique([...deny, ...userAllow.map(p => `!${p}`)]);
}

function relativeToContext(file: string, contextDir: string): string | undefined {
  if (contextDir === '.') return file;
  return file.startsWith(`${contextDir}/`) ? file.slice(contextDir.length + 1) : undefined;
}

function patternList(option: string, patterns: string[] | undefined): string[] {
  assertArray(option, patterns);
  for (const p of patterns ?? []) {
    if (typeof p !== 'string' || p.trim() === '' || p !== p.trim() || p.startsWith('!') || p.startsWith('#')) {
      throw RustDockerError.forOption(option, `${showValue(p)} is not a path pattern`, 'Use a trimmed path or glob relative to the build context, without "!" or "#" in front');
    }
  }
  return [...(patterns ?? [])];
}

// ---------------------------------------------------------------------------------------------
// summary

function summarize(plan: Omit<ImagePlan, 'summary' | 'warnings' | 'dockerignorePatterns'>, ws: CargoWorkspaceFacts, releaseNotes: string[]): string[] {
  const lines: string[] = [];
  const kind = !ws.isWorkspace ? `package ${ws.rootPackage}` : `workspace of ${ws.packages.length} package${ws.packages.length === 1 ? '' : 's'} (${ws.packages.map(p => p.name).join(', ')})`;
  lines.push(`Cargo: ${kind}`);
  lines.push(`Binaries: ${plan.binaries.map(b => `${b.name} (${b.path})`).join(', ')} of package ${plan.packageName}`);
  lines.push(`Rust: ${plan.rustVersion}, from ${plan.rustVersionSource}`);
  if (ws.toolchainFile) {
    const tc = plan.toolchain;
    lines.push(tc.install
      ? `Toolchain: ${tc.install} (not in the builder image) installed once, minimal profile; RUSTUP_TOOLCHAIN overrides ${ws.toolchainFile}`
      : `Toolchain: the builder image's own (RUSTUP_TOOLCHAIN=$RUST_VERSION overrides ${ws.toolchainFile}: nothing downloaded)`);
  }
  const release = DEBIAN_RELEASES[plan.debianRelease];
  lines.push(`Debian: ${release.codename} (glibc ${release.glibc}) for builder and runtime${plan.glibcGuard ? '; the glibc-guard stage checks the binaries against the runtime' : ''}`);
  lines.push(...releaseNotes.map(n => `  ${n}`));
  lines.push(`Dependency caching: ${enumName(plan.dependencyCaching)}`);
  lines.push(`Target: ${plan.targetLibc === TargetLibc.MUSL ? 'musl (static)' : 'glibc'}${plan.crossCompile ? ', cross-compiled from $BUILDPLATFORM for $TARGETARCH (amd64, arm64)' : ''}, profile ${plan.cargoProfile}`);
  lines.push(`Runtime: ${enumName(plan.runtime)} (${plan.runtimeImage}), ${plan.user ? `user ${plan.user.uid}:${plan.user.gid}` : 'root'}`);
  if (ws.cargoConfigFile) lines.push(`Cargo config: ${ws.cargoConfigFile}${ws.vendorDirs.length ? ` (vendored: ${ws.vendorDirs.join(', ')})` : ''}`);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// generic validation

function enumName(value: string): string {
  return value.toUpperCase().replace(/-/g, '_');
}

function enumValue<T extends string>(option: string, value: T | undefined, enumObj: { [k: string]: string }, fallback: T): T {
  if (value === undefined) return fallback;
  if (!Object.values(enumObj).includes(value)) {
    throw RustDockerError.forOption(option, `${showValue(value)} is not a valid value`, `Use one of ${Object.keys(enumObj).join(', ')}`);
  }
  return value;
}

function assertArray(option: string, values: unknown): void {
  if (values !== undefined && !Array.isArray(values)) {
    throw RustDockerError.forOption(option, `${showValue(values)} is not a list`, `Pass a list, e.g. [${showValue(values)}]`);
  }
}

function stringList(option: string, values: string[] | undefined): string[] {
  assertArray(option, values);
  for (const v of values ?? []) {
    if (typeof v !== 'string' || v.trim() === '') {
      throw RustDockerError.forOption(option, `${showValue(v)} is empty or not a string`, 'Remove it');
    }
  }
  return [...(values ?? [])];
}

function packageList(option: string, values: string[] | undefined): string[] {
  assertArray(option, values);
  for (const v of values ?? []) {
    if (typeof v !== 'string' || !DEB_PACKAGE.test(v)) {
      throw RustDockerError.forOption(option, `${showValue(v)} is not a package name`, 'Use a package name such as "libssl-dev" (optionally "name=version")');
    }
  }
  return unique([...(values ?? [])]);
}

function execList(option: string, values: string[], allowEmpty: boolean): string[] {
  if (!Array.isArray(values) || (!allowEmpty && values.length === 0)) {
    throw RustDockerError.forOption(option, `${showValue(values)} is empty`, 'Give the program and its arguments, e.g. ["/usr/local/bin/app", "serve"]');
  }
  for (const v of values) {
    if (typeof v !== 'string') throw RustDockerError.forOption(option, `${showValue(v)} is not a string`, 'Pass strings only');
  }
  if (!allowEmpty && values[0].trim() === '') {
    throw RustDockerError.forOption(option, 'the program is empty', 'Give the program path first');
  }
  return [...values];
}

function resolveFilePath(option: string, value: string | undefined, contextDir: string, fallback: string): string {
  if (value === undefined) return contextDir === '.' ? fallback : `${contextDir}/${fallback}`;
  if (typeof value !== 'string') {
    throw RustDockerError.forOption(option, `${showValue(value)} is not a file path`, `Use a relative path such as "${fallback}"`);
  }
  const normalized = path.posix.normalize(value.replace(/\\/g, '/'));
  if (value.trim() === '' || path.posix.isAbsolute(normalized) || normalized === '..' || normalized.startsWith('../') || normalized.endsWith('/')) {
    throw RustDockerError.forOption(option, `${showValue(value)} is not a file path inside the project`, `Use a relative path such as "${fallback}"`);
  }
  return normalized;
}

/** Options of the Dockerfile and .dockerignore (the ones this plan reads; workflow options are checked elsewhere). */
const OWN_OPTIONS = [
  'dockerfilePath', 'binaries', 'packageName', 'features', 'cargoProfile', 'rustVersion', 'rustImage', 'chefImage',
  'buildPackages', 'runtimePackages', 'runtimeImage', 'imageDigests', 'workdir', 'env', 'healthcheck', 'entrypoint', 'cmd',
  'labels', 'buildSecrets', 'cargoBuildArgs', 'dockerfileSyntax', 'stopSignal', 'dockerignoreAllow', 'dockerignoreDeny',
];

/** No option value may hold a line break: it would end a Dockerfile instruction early. */
function rejectNewlines(options: ImagePlanOptions): void {
  const visit = (name: string, value: unknown): void => {
    if (typeof value === 'string') {
      // (U+0085/U+2028/U+2029 too: paths reach the workflow, whose YAML readers break lines there)
      if (/[\r\n\0\u0085\u2028\u2029]/.test(value)) {
        throw RustDockerError.forOption(name, `${showValue(value)} contains a line break`, 'Remove the line break: every value is one line of the Dockerfile');
      }
    } else if (Array.isArray(value)) {
      value.forEach(v => visit(name, v));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        visit(name, k);
        visit(`${name}.${k}`, v);
      }
    }
  };
  const record = options as { [key: string]: unknown };
  for (const key of OWN_OPTIONS) visit(key, record[key]);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
